import { ScatterplotLayer, type Layer } from 'deck.gl'
import type maplibregl from 'maplibre-gl'
import { onLangChange, t } from '../i18n.ts'
import type { DeckLayers } from '../layers/deck-layers.ts'
import { formatAge } from './age.ts'
import { CLUSTER_BELOW_ZOOM, clusterUnits } from './cluster.ts'
import { LiveFeed, type Target } from './feed.ts'
import { liveApi } from './live-api.ts'
import { clusterLayers, LIVE_LAYER_IDS, trailLayer, unitLayer } from './live-layers.ts'
import { liveMode } from './live-mode.ts'
import { LiveStream, type ConnectionState } from './live-stream.ts'
import './live.css'
import { Playback, PLAYBACK_LAYER_IDS } from './playback.ts'
import { RedrawPacer } from './redraw-pacer.ts'
import { UnitCard, type UnitDirectory } from './unit-card.ts'
import { UnitStore, type LivePosition, type TrailBuffers } from './unit-store.ts'

/** The stand-in layers' data (one array: a new one would be a data change to deck.gl). */
const NO_DATA: never[] = []

/** Connected but silent this long: say the data may be old. */
const QUIET_MS = 60_000

declare global {
  interface Window {
    /** The live view's state, for the browser tests and the bench. */
    pinganLive?: LiveView
  }
}

/**
 * The live command view: units on the map from the SSE stream (binary deck.gl attributes,
 * redrawn every 250–800 ms as the frames allow, see RedrawPacer), trails, clusters when zoomed out, the unit card, the event and
 * alert feed, track playback, and an honest connection line. Off, it closes the stream and
 * draws nothing.
 */
export class LiveView {
  readonly store = new UnitStore()
  readonly stream: LiveStream
  /** Server clock − this clock, from the stream's timestamps. */
  private skewMs = 0
  private maxSampleMs = -Infinity
  private state: ConnectionState = 'closed'
  private lastEventMs: number | null = null
  private dirty = false
  private flushTimer: ReturnType<typeof setTimeout> | null = null
  private clock: ReturnType<typeof setInterval> | null = null
  private readonly layers = new Map<string, Layer | null>()
  private drawn: { version: number; icons: Layer; trails: TrailBuffers } | null = null
  private readonly pacer = new RedrawPacer()
  private timingFrame = false
  private directory: UnitDirectory | null = null
  private readonly feed: LiveFeed
  private readonly card: UnitCard
  readonly playback: Playback
  private playbackOn = false
  private started = false
  /** Redraws of the unit layers so far (for the bench). */
  flushes = 0
  /** Unit reports received so far (for the bench). */
  received = 0
  private readonly panel: HTMLElement
  private readonly conn: HTMLElement
  private readonly counts: HTMLElement
  private readonly tabs: { feed: HTMLButtonElement; playback: HTMLButtonElement; feedBody: HTMLElement; playbackBody: HTMLElement }

  constructor(
    private readonly map: maplibregl.Map,
    private readonly deck: DeckLayers,
    private readonly button: HTMLButtonElement,
  ) {
    this.panel = document.createElement('aside')
    this.panel.id = 'live-panel'
    this.panel.className = 'panel panel-live'
    this.panel.dataset.open = 'false'
    const header = document.createElement('header')
    header.className = 'live-head'
    this.conn = document.createElement('p')
    this.conn.className = 'live-conn'
    this.conn.setAttribute('role', 'status')
    this.counts = document.createElement('p')
    this.counts.className = 'live-counts'
    const tabRow = document.createElement('div')
    tabRow.className = 'segmented live-tabs'
    tabRow.setAttribute('role', 'tablist')
    const tab = (name: string) => {
      const b = document.createElement('button')
      b.type = 'button'
      b.setAttribute('role', 'tab')
      b.dataset.tab = name
      return b
    }
    const feedBody = document.createElement('div')
    feedBody.className = 'panel-body live-feed-body'
    const playbackBody = document.createElement('div')
    playbackBody.className = 'panel-body live-playback-body'
    playbackBody.hidden = true
    this.tabs = { feed: tab('feed'), playback: tab('playback'), feedBody, playbackBody }
    tabRow.append(this.tabs.feed, this.tabs.playback)
    header.append(this.conn, this.counts, tabRow)
    this.panel.append(header, feedBody, playbackBody)
    document.body.append(this.panel)
    this.tabs.feed.addEventListener('click', () => this.showTab('feed'))
    this.tabs.playback.addEventListener('click', () => this.showTab('playback'))

    this.feed = new LiveFeed(feedBody, (target) => this.locate(target))
    this.card = new UnitCard(document.body, this.store, () => this.directory, () => this.now())
    this.playback = new Playback(
      playbackBody,
      (layers) => this.drawPlayback(layers),
      (active) => {
        this.playbackOn = active
        this.redraw()
      },
      (bbox) => this.fit(bbox),
    )
    this.stream = new LiveStream({
      snapshot: (units, at) => this.receive(units, at),
      positions: (units, at) => this.receive(units, at),
      event: (e) => {
        this.seen(e.at)
        this.feed.add(e)
      },
      state: (s) => {
        this.state = s
        this.renderStatus()
      },
    })

    for (const id of [...Object.values(LIVE_LAYER_IDS), ...Object.values(PLAYBACK_LAYER_IDS)]) {
      this.layers.set(id, null)
    }
    button.addEventListener('click', () => liveMode.set(!liveMode.on))
    liveMode.onChange((on) => (on ? this.start() : this.stop()))
    map.on('zoomend', () => this.redraw())
    onLangChange(() => this.words())
    this.words()
    if (liveMode.on) this.start()
  }

  /** This clock corrected to the server's. */
  now(): number {
    return Date.now() + this.skewMs
  }

  private words(): void {
    this.button.textContent = t('live.toggle')
    this.button.setAttribute('aria-label', t('live.toggle.label'))
    this.panel.setAttribute('aria-label', t('live.feed.title'))
    this.tabs.feed.textContent = t('live.feed.title')
    this.tabs.playback.textContent = t('live.playback.title')
    this.renderStatus()
  }

  private showTab(name: 'feed' | 'playback'): void {
    this.tabs.feed.setAttribute('aria-selected', String(name === 'feed'))
    this.tabs.playback.setAttribute('aria-selected', String(name === 'playback'))
    this.tabs.feedBody.hidden = name !== 'feed'
    this.tabs.playbackBody.hidden = name !== 'playback'
  }

  private start(): void {
    this.button.classList.add('active')
    this.button.setAttribute('aria-pressed', 'true')
    document.body.classList.add('live-on')
    this.panel.dataset.open = 'true'
    this.showTab('feed')
    if (!this.started) {
      this.started = true
      void this.feed.loadOpenAlerts()
      void this.loadDirectory()
    }
    this.stream.start()
    this.clock = setInterval(() => this.tick(), 1000)
    this.redraw()
  }

  private stop(): void {
    this.button.classList.remove('active')
    this.button.setAttribute('aria-pressed', 'false')
    document.body.classList.remove('live-on')
    this.panel.dataset.open = 'false'
    this.stream.stop()
    if (this.clock) clearInterval(this.clock)
    this.clock = null
    this.card.hide()
    this.playback.close()
    // Every layer leaves deck's list and is finalized; the icons are made anew on the next start.
    this.drawn = null
    for (const id of this.layers.keys()) this.setLayer(id, null)
    this.deck.update()
  }

  private async loadDirectory(): Promise<void> {
    try {
      const [units, zones, stations] = await Promise.all([liveApi.units(), liveApi.zones(), liveApi.stations()])
      this.directory = { units: new Map(units.map((u) => [u.code, u])), zones, stations }
      this.playback.setUnits(units)
      this.card.render()
    } catch (err) {
      // The card says "not recorded" without it; the console says why.
      console.warn(`live: unit directory not loaded: ${(err as Error).message}`)
    }
  }

  /**
   * Each event's server time minus when we read it is a lower bound of the clock difference (it
   * travelled, and may have waited for a busy page). The largest one is kept; a negative one only
   * counts beyond 30 s (this clock clearly ahead), smaller ones are delivery delay.
   */
  private seen(at: string): void {
    const serverMs = Date.parse(at)
    if (Number.isFinite(serverMs)) {
      this.maxSampleMs = Math.max(this.maxSampleMs, serverMs - Date.now())
      this.skewMs = this.maxSampleMs < -30_000 ? this.maxSampleMs : Math.max(0, this.maxSampleMs)
    }
    this.lastEventMs = this.now()
  }

  private receive(units: LivePosition[], at: string): void {
    this.seen(at)
    this.received += units.length
    this.store.apply(units, this.now())
    this.schedule()
  }

  /** Many reports, one redraw, when the pacer allows. */
  private schedule(): void {
    this.dirty = true
    if (this.flushTimer) return
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null
      if (this.dirty) this.redraw()
    }, this.pacer.wait(performance.now()))
  }

  private tick(): void {
    this.store.refreshStale(this.now())
    // Trails fade with the clock even when nothing arrives (paced with the reports' redraws).
    this.schedule()
    this.renderStatus()
    if (this.card.shown) this.card.render()
  }

  private setLayer(id: string, layer: Layer | null): void {
    this.layers.set(id, layer)
    this.deck.set(id, () => this.layers.get(id) ?? this.hidden(id))
  }

  /**
   * An empty, invisible stand-in (DeckLayers wants a layer per registered id), new each time:
   * deck.gl finalizes a layer once it leaves the list, and a finalized instance put back fails its
   * "cannot be reused" assertion (leaving live mode a second time did). Its own id: deck.gl would
   * hand a same-id layer of another class the old one's state.
   */
  private hidden(id: string): Layer {
    return new ScatterplotLayer({ id: `${id}:off`, data: NO_DATA, visible: false })
  }

  private redraw(): void {
    this.dirty = false
    if (!liveMode.on) return
    const t0 = performance.now()
    this.pacer.drew(t0)
    if (!this.timingFrame) {
      // The redraw is drawn within the next few animation frames (deck.gl asks MapLibre for a
      // repaint from its own frame loop, and WebGL work can hold up the frame after). The longest
      // distance between them is what showing a redraw costs here, and paces the next ones.
      this.timingFrame = true
      let frames = 0
      let last = t0
      let longest = 0
      const step = (now: number) => {
        longest = Math.max(longest, now - last)
        last = now
        if (++frames < 4 && now - t0 < 2000) requestAnimationFrame(step)
        else {
          this.timingFrame = false
          this.pacer.frame(longest)
        }
      }
      requestAnimationFrame(step)
    }
    const showUnits = !this.playbackOn
    const clustered = this.map.getZoom() < CLUSTER_BELOW_ZOOM
    if (showUnits && !clustered) {
      // Nothing new since the last redraw (a clock tick): the same layers and trail data, so deck
      // uploads and tessellates nothing; only the trails' fade time moves.
      if (this.drawn?.version !== this.store.version) {
        const icons = unitLayer(this.store.buffers(), this.store.iconVersion, (i) => this.openCard(i))
        this.drawn = { version: this.store.version, icons, trails: this.store.trails() }
      }
      this.layers.set(LIVE_LAYER_IDS.units, this.drawn.icons)
      this.layers.set(LIVE_LAYER_IDS.trails, trailLayer(this.drawn.trails, (this.now() - this.store.epochMs) / 1000))
      this.layers.set(LIVE_LAYER_IDS.clusters, null)
      this.layers.set(LIVE_LAYER_IDS.clusterLabels, null)
    } else {
      // The icon layer leaves deck's list and is finalized: never hand that instance back.
      this.drawn = null
      this.layers.set(LIVE_LAYER_IDS.units, null)
      this.layers.set(LIVE_LAYER_IDS.trails, null)
      if (showUnits) {
        const [bubbles, labels] = clusterLayers(clusterUnits(this.store, this.map.getZoom()), (c) =>
          c.count === 1 ? this.openCard(c.first) : this.map.flyTo({ center: [c.lon, c.lat], zoom: Math.min(CLUSTER_BELOW_ZOOM + 0.5, this.map.getZoom() + 2) }),
        )
        this.layers.set(LIVE_LAYER_IDS.clusters, bubbles!)
        this.layers.set(LIVE_LAYER_IDS.clusterLabels, labels!)
      } else {
        this.layers.set(LIVE_LAYER_IDS.clusters, null)
        this.layers.set(LIVE_LAYER_IDS.clusterLabels, null)
      }
    }
    for (const id of Object.values(LIVE_LAYER_IDS)) this.deck.set(id, () => this.layers.get(id) ?? this.hidden(id))
    this.flushes++
    const c = this.store.counts()
    this.counts.textContent = t('live.units.count', c)
  }

  private drawPlayback(layers: Layer[] | null): void {
    const ids = Object.values(PLAYBACK_LAYER_IDS)
    ids.forEach((id, k) => this.layers.set(id, layers?.[k] ?? null))
    for (const id of ids) this.deck.set(id, () => this.layers.get(id) ?? this.hidden(id))
  }

  private openCard(index: number): void {
    const u = this.store.unit(index)
    if (u) this.card.show(u.code)
  }

  /** A feed line's subject on the map: a point flown to at street level, a box fitted beside the panel. */
  private locate(target: Target): void {
    if (Array.isArray(target)) this.fit(target)
    else this.map.flyTo({ center: [target.lon, target.lat], zoom: Math.max(this.map.getZoom(), 15), essential: true })
  }

  /** Fits the map to a box [minLon, minLat, maxLon, maxLat], clear of the live panel. */
  private fit(bbox: [number, number, number, number]): void {
    const phone = this.panel.getBoundingClientRect().top > window.innerHeight / 2
    const side = phone ? 0 : this.panel.getBoundingClientRect().width
    const bottom = phone ? window.innerHeight - this.panel.getBoundingClientRect().top : 0
    // The layer panel, when open on a desk, covers the map's left side too.
    const layers = document.getElementById('layer-panel')
    const leftPanel = !phone && layers?.dataset.open === 'true' ? layers.getBoundingClientRect().right : 0
    const right = Math.min(side + 40, window.innerWidth * 0.45)
    const left = Math.min(leftPanel + 30, window.innerWidth * 0.3)
    const below = Math.min(bottom + 40, window.innerHeight * 0.6)
    this.map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: { top: Math.min(80, window.innerHeight * 0.15), left, right, bottom: below }, maxZoom: 16, duration: 600, essential: true })
  }

  private renderStatus(): void {
    const age = this.lastEventMs === null ? null : this.now() - this.lastEventMs
    const head = t(`live.conn.${this.state}`)
    let tail = age === null ? t('live.conn.noEvent') : t('live.conn.lastEvent', { age: formatAge(age) })
    let level: 'ok' | 'warn' | 'error' = this.state === 'connected' ? 'ok' : this.state === 'closed' ? 'error' : 'warn'
    if (this.state === 'connected' && age !== null && age > QUIET_MS) {
      tail = t('live.conn.quiet', { age: formatAge(age) })
      level = 'warn'
    }
    this.conn.textContent = `${head} · ${tail}`
    this.conn.dataset.state = this.state
    this.conn.dataset.level = level
    this.button.dataset.level = liveMode.on ? level : ''
  }
}
