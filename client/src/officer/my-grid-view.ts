import type { Geometry } from 'geojson'
import type maplibregl from 'maplibre-gl'
import type { CoverageAnswer } from '../analysis/analysis-api.ts'
import { el } from '../analysis/dom.ts'
import { formatDateTime, onLangChange, t, type MessageKey } from '../i18n.ts'
import { isPhone } from '../views/panels.ts'
import { LocationPicker, renderForm, type Values } from '../field/forms.ts'
import { renderLifecycleForm, type LifecycleTarget } from './lifecycle-form.ts'
import { analysisApi, type DosageAnswer } from '../analysis/analysis-api.ts'
import { dosageQuery } from '../analysis/dosage-view.ts'
import { disputeList, hazardList, overview, postList, unitList, type ListActions } from './my-grid-lists.ts'
import { MyGridLayers, OFFICER_ITEMS_LAYER } from './my-grid-layers.ts'
import type { Photo } from '../field/entry-api.ts'
import { officerApi, type MyGrid } from './officer-api.ts'
import { Outbox } from '../field/outbox.ts'
import { openEntryForm, startPatrolForm, type EntryHost } from './my-grid-entries.ts'
import { PatrolTracker } from './patrol-tracker.ts'
import { LAYER_OF, type EntryKind } from './record-forms.ts'

const TABS = ['overview', 'hazards', 'disputes', 'units', 'posts'] as const
type Tab = (typeof TABS)[number]

/** What the sheet shows below the actions: a tab of the summary, a form, or a lifecycle move. */
type Sheet = { kind: 'tab' } | { kind: 'form'; entry: EntryKind } | { kind: 'move'; target: LifecycleTarget }

/**
 * "My grid" for a community officer, phone first: the cells outlined and fitted, a bottom
 * sheet (a side panel on a desktop) with coverage, time since the last patrol, what to check,
 * the ten-household units and guard posts, the season's focus, and big buttons to record
 * entries on the spot; entries wait in the outbox when the network is gone.
 */
export class MyGridView {
  readonly panel = el('aside', 'panel panel-field panel-officer')
  private readonly headerTitle = el('h2')
  private readonly queueBadge = el('span', 'og-queue')
  private readonly statusLine = el('div', 'og-status')
  private readonly actions = el('div', 'og-actions')
  private readonly patrolLine = el('div', 'og-patrol')
  private readonly tabs = el('div', 'og-tabs')
  private readonly body = el('div', 'og-body')
  private readonly toast = el('div', 'og-toast')
  private readonly layers: MyGridLayers
  readonly outbox: Outbox
  readonly tracker: PatrolTracker
  grid: MyGrid | null = null
  private coverage: CoverageAnswer | null | 'failed' = null
  /** Patrol dosage in the hot spots of my cells over the last 7 days (null: not yet; failed: could not be had). */
  private dosage: DosageAnswer | null | 'failed' = null
  private tab: Tab = 'overview'
  private sheet: Sheet = { kind: 'tab' }
  private picker: LocationPicker | null = null
  private fitted = false
  private refreshTimer: ReturnType<typeof setTimeout> | null = null
  private toastTimer: ReturnType<typeof setTimeout> | null = null
  private readonly cacheKey: string
  /** This view as the entry forms (my-grid-entries.ts) see it. */
  private readonly entryHost: EntryHost = (() => {
    const view = this
    return {
      get grid() { return view.grid },
      get tracker() { return view.tracker },
      get layers() { return view.layers },
      get body() { return view.body },
      get open() { return view.open },
      setOpen: (open) => view.setOpen(open),
      showForm: (entry, spec, submit) => view.showForm(entry, spec, submit),
      picking: (picker) => {
        view.picker = picker
        view.panel.dataset.picking = 'true'
      },
      closeSheet: () => view.closeSheet(),
      say: (message) => view.say(message),
      queue: (entry, geometry, properties, photo) => view.queue(entry, geometry, properties, photo),
    }
  })()

  constructor(
    private readonly map: maplibregl.Map,
    userId: number,
    private readonly onOpenChange: (open: boolean) => void = () => {},
  ) {
    this.cacheKey = `pingan.mygrid.${userId}`
    this.panel.id = 'officer-panel'
    this.panel.dataset.open = 'true'
    const header = el('header', 'panel-header')
    const close = el('button', 'panel-close', '×')
    close.type = 'button'
    close.addEventListener('click', () => this.setOpen(false))
    const titleBox = el('div', 'og-title')
    titleBox.append(this.headerTitle, this.queueBadge)
    header.append(titleBox, close)
    this.toast.setAttribute('role', 'status')
    this.toast.setAttribute('aria-live', 'polite')
    this.panel.append(header, this.statusLine, this.actions, this.patrolLine, this.tabs, this.body, this.toast)
    document.body.append(this.panel)

    this.layers = new MyGridLayers(map)
    this.outbox = new Outbox(`pingan.outbox.${userId}`, () => {
      this.say(t('officer.queue.sent'))
      this.scheduleRefresh()
    })
    let refused = 0
    this.outbox.onChange(() => {
      this.renderQueue()
      if (this.grid) this.layers.showGrid(this.grid, this.outbox.pending)
      if (this.outbox.failed.length !== refused) {
        refused = this.outbox.failed.length
        if (this.sheet.kind === 'tab') this.renderBody()
      }
    })
    this.tracker = new PatrolTracker(`pingan.patrol.${userId}`)
    this.tracker.onChange(() => {
      this.renderActions()
      this.layers.showTrack(this.tracker.current?.track ?? [])
    })
    setInterval(() => this.tracker.current && this.renderActions(), 30_000)

    map.on('click', (e) => this.onMapClick(e))
    onLangChange(() => this.render())
    window.addEventListener('online', () => this.scheduleRefresh())
    this.grid = this.cached()
    this.render()
    if (this.grid) this.showOnMap()
    void this.load()
  }

  get open(): boolean {
    return this.panel.dataset.open === 'true'
  }

  setOpen(open: boolean): void {
    this.panel.dataset.open = String(open)
    document.body.dataset.officerView = open ? 'mygrid' : ''
    if (!open) this.closeSheet()
    this.onOpenChange(open)
  }

  /** Reads the summary (and then the coverage of my cells); keeps the last good one for offline use. */
  async load(): Promise<void> {
    this.statusLine.textContent = this.grid ? '' : t('officer.loading')
    this.statusLine.dataset.state = 'loading'
    try {
      this.grid = await officerApi.myGrid()
      localStorage.setItem(this.cacheKey, JSON.stringify(this.grid))
      this.statusLine.textContent = ''
      this.statusLine.dataset.state = 'ok'
    } catch (err) {
      const cached = this.grid
      this.statusLine.dataset.state = 'error'
      this.statusLine.textContent = cached ? t('officer.offlineData', { time: formatDateTime(cached.at) }) : t('officer.failed', { message: (err as Error).message })
      if (!cached) return
    }
    this.render()
    this.showOnMap()
    const ids = this.grid?.grid_ids ?? []
    if (ids.length) {
      officerApi
        .coverage(ids)
        .then((c) => (this.coverage = c))
        .catch(() => (this.coverage = this.coverage && this.coverage !== 'failed' ? this.coverage : 'failed'))
        .finally(() => this.sheet.kind === 'tab' && this.tab === 'overview' && this.renderBody())
      // The API scopes an officer's analyses to their own cells.
      analysisApi
        .dosage(dosageQuery({}))
        .then((d) => (this.dosage = d))
        .catch(() => (this.dosage = this.dosage && this.dosage !== 'failed' ? this.dosage : 'failed'))
        .finally(() => this.sheet.kind === 'tab' && this.tab === 'overview' && this.renderBody())
    }
  }

  private cached(): MyGrid | null {
    try {
      return JSON.parse(localStorage.getItem(this.cacheKey) ?? 'null') as MyGrid | null
    } catch {
      return null
    }
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
    this.refreshTimer = setTimeout(() => void this.load(), 300)
  }

  /** Room the map must leave for what covers it: the top bar (and the mode switch under it on a phone), the open panels. */
  private padding(): maplibregl.PaddingOptions {
    const top = (document.querySelector('.topbar')?.getBoundingClientRect().bottom ?? 0) + (isPhone() ? 48 : 16)
    // The sheet's full height (its CSS max-height), whatever it holds at this moment.
    if (isPhone()) return { top, left: 20, right: 20, bottom: this.open ? Math.max(this.panel.offsetHeight, window.innerHeight * 0.48) + 16 : 30 }
    const layers = document.getElementById('layer-panel')
    const left = layers?.dataset.open === 'true' ? layers.getBoundingClientRect().right + 16 : 30
    return { top, left, right: this.open ? this.panel.offsetWidth + 40 : 30, bottom: 30 }
  }

  private showOnMap(): void {
    if (!this.grid) return
    this.layers.showGrid(this.grid, this.outbox.pending)
    this.layers.showTrack(this.tracker.current?.track ?? [])
    const b = this.grid.cells.bbox
    if (b && !this.fitted) {
      this.fitted = true
      this.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: this.padding(), duration: 0, maxZoom: 16 })
    }
  }

  private onMapClick(e: maplibregl.MapMouseEvent): void {
    if (this.picker) {
      // The tap chooses the entry's location; no feature popup.
      e.preventDefault()
      this.picker.tap(e.lngLat.lng, e.lngLat.lat)
      return
    }
    if (!this.open) return
    const hit = this.map.queryRenderedFeatures([[e.point.x - 6, e.point.y - 6], [e.point.x + 6, e.point.y + 6]], { layers: [OFFICER_ITEMS_LAYER] })[0]
    const kind = hit?.properties?.kind as string | undefined
    const tab: Tab | undefined = kind === 'hazard' ? 'hazards' : kind === 'dispute' ? 'disputes' : kind === 'unit' ? 'units' : kind === 'post' ? 'posts' : undefined
    if (!tab) return
    e.preventDefault()
    this.tab = tab
    this.closeSheet()
    const row = this.body.querySelector<HTMLElement>(`.og-item[data-id="${Number(hit!.properties!.id)}"]`)
    row?.scrollIntoView({ block: 'nearest' })
    row?.classList.add('og-flash')
  }

  private render(): void {
    this.headerTitle.textContent = t('officer.title')
    const households = this.grid?.cells.features.reduce((n, f) => n + f.properties.households, 0) ?? 0
    this.headerTitle.title = this.grid ? t('officer.cells', { n: this.grid.grid_ids.length, households }) : ''
    this.panel.setAttribute('aria-label', t('officer.title'))
    this.renderQueue()
    this.renderActions()
    this.renderTabs()
    this.renderBody()
  }

  private renderQueue(): void {
    const pending = this.outbox.pending.length
    const failed = this.outbox.failed.length
    this.queueBadge.dataset.pending = String(pending)
    this.queueBadge.dataset.state = this.outbox.status
    this.queueBadge.hidden = pending === 0 && failed === 0
    this.queueBadge.textContent = [pending ? t('officer.queue.pending', { n: pending }) : '', failed ? t('officer.queue.failed', { n: failed }) : ''].filter(Boolean).join(' · ')
    this.queueBadge.title = this.outbox.status === 'offline' ? t('officer.queue.offline') : ''
  }

  private renderActions(): void {
    const patrol = this.tracker.current
    const buttons: Array<[EntryKind | 'patrolStart', MessageKey]> = [
      ['hazard', 'officer.action.hazard'],
      ['dispute', 'officer.action.dispute'],
      [patrol ? 'patrol' : 'patrolStart', patrol ? 'officer.action.patrolStop' : 'officer.action.patrolStart'],
      ['river', 'officer.action.river'],
      ['unitReport', 'officer.action.unitReport'],
    ]
    this.actions.replaceChildren(
      ...buttons.map(([kind, key]) => {
        const b = el('button', 'og-btn og-action', t(key))
        b.type = 'button'
        b.dataset.action = kind
        if (this.sheet.kind === 'form' && this.sheet.entry === kind) b.classList.add('active')
        b.addEventListener('click', () => (kind === 'patrolStart' ? startPatrolForm(this.entryHost) : openEntryForm(this.entryHost, kind)))
        return b
      }),
    )
    if (patrol) {
      const minutes = Math.round((Date.now() - Date.parse(patrol.startedAt)) / 60_000)
      this.patrolLine.textContent = this.tracker.error ? t('officer.patrol.noGps', { message: this.tracker.error }) : t('officer.patrol.on', { minutes, n: patrol.track.length })
    }
    this.patrolLine.hidden = !patrol
  }

  private renderTabs(): void {
    const g = this.grid
    const counts: Record<Tab, number | null> = { overview: null, hazards: g?.hazards.length ?? 0, disputes: g?.disputes.length ?? 0, units: g?.household_units.length ?? 0, posts: g?.guard_posts.length ?? 0 }
    this.tabs.setAttribute('role', 'tablist')
    this.tabs.hidden = this.sheet.kind !== 'tab'
    this.tabs.replaceChildren(
      ...TABS.map((tab) => {
        const b = el('button', 'og-tab', tab === 'overview' ? t('officer.tab.overview') : t(`officer.tab.${tab}` as MessageKey, { n: counts[tab] ?? 0 }))
        b.type = 'button'
        b.dataset.tab = tab
        b.setAttribute('role', 'tab')
        b.setAttribute('aria-selected', String(tab === this.tab))
        b.addEventListener('click', () => {
          this.tab = tab
          this.renderTabs()
          this.renderBody()
        })
        return b
      }),
    )
  }

  private listActions(): ListActions {
    return {
      locate: (lon, lat) => this.map.easeTo({ center: [lon, lat], zoom: Math.max(this.map.getZoom(), 16), padding: this.padding() }),
      act: (target) => {
        this.sheet = { kind: 'move', target }
        this.renderAll()
      },
    }
  }

  private renderAll(): void {
    this.renderActions()
    this.renderTabs()
    this.renderBody()
  }

  private renderBody(): void {
    this.body.dataset.sheet = this.sheet.kind
    if (this.sheet.kind === 'move') {
      this.body.replaceChildren(
        renderLifecycleForm(this.sheet.target, (message) => {
          this.say(message)
          this.closeSheet()
          void this.load()
        }, () => this.closeSheet()),
      )
      return
    }
    if (this.sheet.kind === 'form') return // the form stays as it is while it is open
    const g = this.grid
    if (!g) {
      this.body.replaceChildren()
      return
    }
    const actions = this.listActions()
    const content =
      this.tab === 'overview' ? overview(g, this.coverage, this.dosage)
      : this.tab === 'hazards' ? hazardList(g.hazards, actions)
      : this.tab === 'disputes' ? disputeList(g.disputes, actions)
      : this.tab === 'units' ? unitList(g.household_units, actions)
      : postList(g.guard_posts, actions)
    this.body.replaceChildren(content)
    // Entries the server refused stay on the phone until read and deleted (their reason shown).
    if (this.tab === 'overview' && this.outbox.failed.length) this.body.prepend(this.refusedList())
  }

  private refusedList(): HTMLElement {
    const ul = el('ul', 'og-list og-refused')
    for (const e of this.outbox.failed) {
      const li = el('li', 'og-item')
      li.dataset.ref = e.ref
      const text = el('div', 'og-item-main')
      text.append(el('span', 'og-item-title', `${t(`officer.layer.${e.layer}` as MessageKey)} · ${formatDateTime(e.createdAt)}`), el('span', 'og-error', t('officer.queue.rejected', { message: e.error ?? '' })))
      const discard = el('button', 'og-btn og-act', t('officer.queue.discard'))
      discard.type = 'button'
      discard.addEventListener('click', () => {
        this.outbox.discard(e.ref)
        this.renderBody()
      })
      li.append(text, discard)
      ul.append(li)
    }
    return ul
  }

  private closeSheet(): void {
    this.sheet = { kind: 'tab' }
    this.picker = null
    this.layers.showPick(null)
    this.panel.dataset.picking = 'false'
    this.renderAll()
  }

  private say(message: string): void {
    this.toast.textContent = message
    this.toast.dataset.show = 'true'
    if (this.toastTimer) clearTimeout(this.toastTimer)
    this.toastTimer = setTimeout(() => (this.toast.dataset.show = 'false'), 4000)
  }

  private showForm(entry: EntryKind, spec: Parameters<typeof renderForm>[0], submit: (v: Values, photo: File | null) => void): void {
    this.sheet = { kind: 'form', entry }
    this.picker = null
    this.layers.showPick(null)
    this.body.dataset.sheet = 'form'
    this.body.replaceChildren(renderForm(spec, submit, () => this.closeSheet()))
    this.renderActions()
    this.renderTabs()
    this.body.scrollTop = 0
  }

  private queue(entry: EntryKind, geometry: Geometry, properties: Record<string, unknown>, photo?: Photo): void {
    const added = this.outbox.add(LAYER_OF[entry], { type: 'Feature', geometry, properties }, photo)
    this.say(added.photoDropped ? t('officer.photo.dropped') : navigator.onLine ? t('officer.queue.sending') : t('officer.queue.saved'))
    this.closeSheet()
  }
}
