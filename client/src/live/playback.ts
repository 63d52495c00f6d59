import { PathLayer, ScatterplotLayer, TextLayer, type Layer } from 'deck.gl'
import { errorText } from '../api/error-text.ts'
import { formatDateTime, formatNumber, onLangChange, t } from '../i18n.ts'
import { KIND_COLOURS, unitKind } from './icon-atlas.ts'
import { liveApi, type UnitInfo, type UnitTrack } from './live-api.ts'
import { ABOVE_POINTS } from './live-layers.ts'

export const PLAYBACK_LAYER_IDS = { paths: 'live-playback-paths', heads: 'live-playback-heads', labels: 'live-playback-labels' } as const

export interface PlaybackHead {
  code: string
  lon: number
  lat: number
  colour: [number, number, number]
}

const BEIJING_MS = 8 * 3600_000
/** `YYYY-MM-DDTHH:mm` in Beijing time, for a datetime-local input. */
const toInput = (ms: number) => new Date(ms + BEIJING_MS).toISOString().slice(0, 16)
const fromInput = (v: string) => Date.parse(`${v}:00+08:00`)

/** Where a track is at `ms`: linear between the two reports around it; null outside the track. */
export function positionAt(points: UnitTrack['points'], times: number[], ms: number): [number, number] | null {
  if (points.length === 0 || ms < times[0]! || ms > times[times.length - 1]!) return null
  let lo = 0
  let hi = times.length - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (times[mid]! <= ms) lo = mid
    else hi = mid
  }
  const a = points[lo]!
  const b = points[hi]!
  const span = times[hi]! - times[lo]!
  const f = span > 0 ? (ms - times[lo]!) / span : 0
  return [a.lon + (b.lon - a.lon) * f, a.lat + (b.lat - a.lat) * f]
}

/** The box around every point of the tracks [minLon, minLat, maxLon, maxLat]; null when they have none. */
export function tracksBox(tracks: ReadonlyArray<Pick<UnitTrack, 'points'>>): [number, number, number, number] | null {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const tr of tracks) {
    for (const p of tr.points) {
      x0 = Math.min(x0, p.lon)
      y0 = Math.min(y0, p.lat)
      x1 = Math.max(x1, p.lon)
      y1 = Math.max(y1, p.lat)
    }
  }
  return Number.isFinite(x0) ? [x0, y0, x1, y1] : null
}

/**
 * Track playback: pick units and a time window (Beijing time), load their stored tracks, play
 * them together at 1×–60× or scrub with the slider; each unit's points, distance and stops are
 * summarised from the tracks API.
 */
export class Playback {
  readonly el: HTMLElement
  private tracks: Array<UnitTrack & { times: number[] }> = []
  private from = 0
  private to = 0
  private time = 0
  private speed = 10
  private playing = false
  private lastFrame = 0
  private lastDraw = 0
  private readonly chosen = new Set<string>()
  private units: UnitInfo[] = []
  private readonly parts: {
    filter: HTMLInputElement; list: HTMLElement; fromIn: HTMLInputElement; toIn: HTMLInputElement; load: HTMLButtonElement; status: HTMLElement
    controls: HTMLElement; play: HTMLButtonElement; slider: HTMLInputElement; clock: HTMLElement; speedIn: HTMLInputElement; speedOut: HTMLElement; summary: HTMLElement; end: HTMLButtonElement
  }

  constructor(
    parent: HTMLElement,
    private readonly draw: (layers: Layer[] | null) => void,
    private readonly onActive: (active: boolean) => void,
    /** Fits the map to a box [minLon, minLat, maxLon, maxLat]: the loaded tracks. */
    private readonly fit: (bbox: [number, number, number, number]) => void = () => {},
  ) {
    this.el = document.createElement('div')
    this.el.className = 'live-playback'
    const mk = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string) => {
      const e = document.createElement(tag)
      e.className = cls
      return e
    }
    const filter = mk('input', 'live-input')
    filter.type = 'search'
    const list = mk('div', 'live-unit-list')
    const fromIn = mk('input', 'live-input')
    fromIn.type = 'datetime-local'
    fromIn.name = 'from'
    const toIn = mk('input', 'live-input')
    toIn.type = 'datetime-local'
    toIn.name = 'to'
    const now = Date.now()
    fromIn.value = toInput(now - 3600_000)
    toIn.value = toInput(now)
    const load = mk('button', 'live-btn')
    load.type = 'button'
    load.dataset.action = 'load'
    const status = mk('p', 'live-pb-status')
    const controls = mk('div', 'live-pb-controls')
    controls.hidden = true
    const play = mk('button', 'live-btn')
    play.type = 'button'
    play.dataset.action = 'play'
    const slider = mk('input', 'live-range')
    slider.type = 'range'
    slider.name = 'time'
    const clock = mk('span', 'live-pb-clock')
    const speedIn = mk('input', 'live-range')
    speedIn.type = 'range'
    speedIn.name = 'speed'
    speedIn.min = '1'
    speedIn.max = '60'
    speedIn.step = '1'
    speedIn.value = String(this.speed)
    const speedOut = mk('span', 'live-pb-speed')
    const summary = mk('ul', 'live-pb-summary')
    const end = mk('button', 'live-btn')
    end.type = 'button'
    end.dataset.action = 'close'
    const row = (...c: HTMLElement[]) => {
      const d = mk('div', 'live-pb-row')
      d.append(...c)
      return d
    }
    const fromLabel = mk('label', 'live-field')
    const toLabel = mk('label', 'live-field')
    fromLabel.append(mk('span', 'live-label'), fromIn)
    toLabel.append(mk('span', 'live-label'), toIn)
    controls.append(row(play, clock), slider, row(speedOut), speedIn, summary, end)
    this.el.append(filter, list, row(fromLabel, toLabel), load, status, controls)
    this.parts = { filter, list, fromIn, toIn, load, status, controls, play, slider, clock, speedIn, speedOut, summary, end }

    filter.addEventListener('input', () => this.renderList())
    load.addEventListener('click', () => void this.load())
    play.addEventListener('click', () => (this.playing ? this.pause() : this.play()))
    end.addEventListener('click', () => this.close())
    slider.addEventListener('input', () => {
      this.time = Number(slider.value)
      this.drawHeads(true)
    })
    speedIn.addEventListener('input', () => {
      this.speed = Number(speedIn.value)
      this.words()
    })
    parent.append(this.el)
    onLangChange(() => this.words())
    this.words()
  }

  setUnits(units: UnitInfo[]): void {
    this.units = units
    this.renderList()
  }

  get active(): boolean {
    return this.tracks.length > 0
  }

  /** Drops the loaded tracks and gives the map back to the live units. */
  close(): void {
    this.pause()
    this.tracks = []
    this.parts.controls.hidden = true
    this.draw(null)
    this.onActive(false)
  }

  private words(): void {
    const p = this.parts
    p.filter.placeholder = t('live.playback.filter')
    p.filter.setAttribute('aria-label', t('live.playback.filter'))
    ;(p.fromIn.previousElementSibling as HTMLElement).textContent = t('live.playback.from')
    ;(p.toIn.previousElementSibling as HTMLElement).textContent = t('live.playback.to')
    p.load.textContent = t('live.playback.load')
    p.end.textContent = t('live.playback.close')
    p.play.textContent = t(this.playing ? 'live.playback.pause' : 'live.playback.play')
    p.slider.setAttribute('aria-label', t('live.playback.time'))
    p.speedOut.textContent = t('live.playback.speed', { x: this.speed })
    p.speedIn.setAttribute('aria-label', t('live.playback.speed', { x: this.speed }))
    p.list.setAttribute('aria-label', t('live.playback.units'))
    this.renderSummary()
    this.renderClock()
  }

  private renderList(): void {
    const q = this.parts.filter.value.trim().toLowerCase()
    const shown = this.units.filter((u) => this.chosen.has(u.code) || !q || u.code.toLowerCase().includes(q) || u.callsign.toLowerCase().includes(q)).slice(0, 200)
    this.parts.list.replaceChildren(
      ...shown.map((u) => {
        const label = document.createElement('label')
        label.className = 'live-unit-option'
        const box = document.createElement('input')
        box.type = 'checkbox'
        box.value = u.code
        box.checked = this.chosen.has(u.code)
        box.addEventListener('change', () => (box.checked ? this.chosen.add(u.code) : this.chosen.delete(u.code)))
        const text = document.createElement('span')
        text.textContent = `${u.code} ${u.callsign}`
        label.append(box, text)
        return label
      }),
    )
  }

  private async load(): Promise<void> {
    const p = this.parts
    const from = fromInput(p.fromIn.value)
    const to = fromInput(p.toIn.value)
    if (this.chosen.size === 0) {
      p.status.textContent = t('live.playback.pickUnits')
      return
    }
    p.status.textContent = t('live.playback.loading')
    p.load.disabled = true
    try {
      const tracks = await liveApi.tracks([...this.chosen], new Date(from).toISOString(), new Date(to).toISOString())
      this.tracks = tracks.map((tr) => ({ ...tr, times: tr.points.map((pt) => Date.parse(pt.ts)) }))
      this.from = from
      this.to = to
      this.time = from
      p.slider.min = String(from)
      p.slider.max = String(to)
      p.slider.step = 'any'
      p.slider.value = String(from)
      p.status.textContent = ''
      p.controls.hidden = false
      this.onActive(true)
      this.drawAll()
      this.renderSummary()
      // The chosen units' tracks, all of them in view.
      const box = tracksBox(this.tracks)
      if (box) this.fit(box)
    } catch (err) {
      console.warn('live: playback tracks:', err)
      p.status.textContent = t('live.playback.failed', { message: errorText(err) })
    } finally {
      p.load.disabled = false
    }
  }

  private play(): void {
    if (!this.tracks.length) return
    if (this.time >= this.to) this.time = this.from
    this.playing = true
    this.lastFrame = performance.now()
    this.words()
    const step = (now: number) => {
      if (!this.playing) return
      this.time = Math.min(this.to, this.time + (now - this.lastFrame) * this.speed)
      this.lastFrame = now
      this.parts.slider.value = String(this.time)
      this.drawHeads(false)
      if (this.time >= this.to) this.pause()
      else requestAnimationFrame(step)
    }
    requestAnimationFrame(step)
  }

  private pause(): void {
    this.playing = false
    this.drawHeads(true)
    this.words()
  }

  /** The heads at the current playback time (what the heads layer draws). */
  heads(): PlaybackHead[] {
    const out: PlaybackHead[] = []
    for (const tr of this.tracks) {
      const at = positionAt(tr.points, tr.times, this.time)
      if (at) out.push({ code: tr.code, lon: at[0], lat: at[1], colour: KIND_COLOURS[unitKind(tr.kind)] })
    }
    return out
  }

  private drawAll(): void {
    this.lastDraw = 0
    this.drawHeads(true)
  }

  /** At most ten redraws a second while playing; always when scrubbed or stopped. */
  private drawHeads(force: boolean): void {
    const now = performance.now()
    this.renderClock()
    if (!force && now - this.lastDraw < 100) return
    this.lastDraw = now
    const heads = this.heads()
    this.draw([
      new PathLayer<UnitTrack>({
        id: PLAYBACK_LAYER_IDS.paths,
        ...ABOVE_POINTS,
        data: this.tracks,
        getPath: (tr) => tr.points.map((pt): [number, number] => [pt.lon, pt.lat]),
        getColor: (tr) => [...KIND_COLOURS[unitKind(tr.kind)], 150],
        widthUnits: 'pixels',
        getWidth: 3,
        jointRounded: true,
        capRounded: true,
      }),
      new ScatterplotLayer<PlaybackHead>({
        id: PLAYBACK_LAYER_IDS.heads,
        ...ABOVE_POINTS,
        data: heads,
        getPosition: (h) => [h.lon, h.lat],
        radiusUnits: 'pixels',
        getRadius: 9,
        getFillColor: (h) => [...h.colour, 255],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
        getLineColor: [255, 255, 255, 255],
      }),
      new TextLayer<PlaybackHead>({
        id: PLAYBACK_LAYER_IDS.labels,
        ...ABOVE_POINTS,
        data: heads,
        getPosition: (h) => [h.lon, h.lat],
        getText: (h) => h.code,
        getSize: 12,
        getPixelOffset: [0, -18],
        getColor: [255, 255, 255, 255],
        outlineWidth: 2,
        outlineColor: [6, 11, 22, 255],
        fontSettings: { sdf: true },
        fontWeight: 700,
      }),
    ])
  }

  private renderClock(): void {
    this.parts.clock.textContent = this.tracks.length ? formatDateTime(new Date(this.time).toISOString()) : ''
  }

  private renderSummary(): void {
    this.parts.summary.replaceChildren(
      ...this.tracks.map((tr) => {
        const li = document.createElement('li')
        li.dataset.unit = tr.code
        li.textContent = tr.points.length
          ? t('live.playback.summary', { code: tr.code, points: tr.points.length, km: formatNumber(tr.distance_m / 1000, 2), stops: tr.stops })
          : t('live.playback.noPoints', { code: tr.code })
        return li
      }),
    )
  }
}
