import type { Geometry } from 'geojson'
import type maplibregl from 'maplibre-gl'
import { el } from '../analysis/dom.ts'
import { ApiError } from '../api/client.ts'
import { errorText } from '../api/error-text.ts'
import type { Photo } from '../field/entry-api.ts'
import { LocationPicker, renderForm } from '../field/forms.ts'
import { Outbox, type OutboxEntry } from '../field/outbox.ts'
import { shrinkPhoto } from '../field/photo.ts'
import { formatDateTime, formatNumber, onLangChange, t, type MessageKey } from '../i18n.ts'
import { isPhone } from '../views/panels.ts'
import { REPORT_HINT, REPORT_LAYER, REPORT_TITLE, reportFields, reportProperties, type ReportKind } from './report-forms.ts'
import { volunteerApi, type MyDay } from './volunteer-api.ts'
import { VolunteerLayers, VOLUNTEER_REPORTS_LAYER } from './volunteer-layers.ts'
import { pointsView, reportList, shopView, type ReportActions } from './volunteer-lists.ts'

const TABS = ['reports', 'points', 'shop'] as const
type Tab = (typeof TABS)[number]

/**
 * The volunteer's day (平安志愿者), phone first: two big buttons to report a hazard or a dispute
 * at a tapped point (or the phone's position) with a photo, kept in the outbox while the network
 * is gone; "my reports" with each one's progress; the points balance, earned and spent with the
 * latest movements; and the safety shop with what the balance affords. A side panel on a desktop,
 * a bottom sheet on a phone; the last answer is kept for offline use.
 */
export class VolunteerView {
  readonly panel = el('aside', 'panel panel-field panel-volunteer')
  private readonly headerTitle = el('h2')
  private readonly queueBadge = el('span', 'og-queue')
  private readonly statusLine = el('div', 'og-status')
  private readonly actions = el('div', 'vd-actions')
  private readonly tabs = el('div', 'og-tabs')
  private readonly body = el('div', 'og-body')
  private readonly toast = el('div', 'og-toast')
  private readonly layers: VolunteerLayers
  readonly outbox: Outbox
  day: MyDay | null = null
  private tab: Tab = 'reports'
  private form: ReportKind | null = null
  private picker: LocationPicker | null = null
  private fitted = false
  private refreshTimer: ReturnType<typeof setTimeout> | null = null
  private toastTimer: ReturnType<typeof setTimeout> | null = null
  private readonly cacheKey: string

  constructor(
    private readonly map: maplibregl.Map,
    userId: number,
    private readonly onOpenChange: (open: boolean) => void = () => {},
  ) {
    this.cacheKey = `pingan.myday.${userId}`
    this.panel.id = 'volunteer-panel'
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
    this.panel.append(header, this.statusLine, this.actions, this.tabs, this.body, this.toast)
    document.body.append(this.panel)

    this.layers = new VolunteerLayers(map)
    this.outbox = new Outbox(`pingan.outbox.${userId}`, (entry) => {
      this.say(entry.error ? t('volunteer.report.photoFailed', { message: errorText(new ApiError(entry.status ?? 0, entry.error, entry.code)) }) : t('officer.queue.sent'))
      this.scheduleRefresh()
    })
    this.outbox.onChange(() => {
      this.renderQueue()
      this.showOnMap()
      if (!this.form) this.renderBody()
    })

    map.on('click', (e) => this.onMapClick(e))
    onLangChange(() => {
      // A message said in the other language is gone, not left half-translated.
      this.toast.dataset.show = 'false'
      this.render()
    })
    window.addEventListener('online', () => this.scheduleRefresh())
    // Back to the page (another app, the phone asleep): the officers may have moved a report on.
    document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && this.open && this.scheduleRefresh())
    this.day = this.cached()
    this.render()
    this.showOnMap(this.day !== null)
    void this.load()
  }

  get open(): boolean {
    return this.panel.dataset.open === 'true'
  }

  setOpen(open: boolean): void {
    this.panel.dataset.open = String(open)
    if (!open) this.closeForm()
    this.onOpenChange(open)
  }

  /** Reads the day; keeps the last good answer for offline use. */
  async load(): Promise<void> {
    this.statusLine.dataset.state = 'loading'
    this.statusLine.textContent = this.day ? '' : t('volunteer.loading')
    try {
      this.day = await volunteerApi.myDay()
      localStorage.setItem(this.cacheKey, JSON.stringify(this.day))
      this.statusLine.dataset.state = 'ok'
      this.statusLine.textContent = ''
    } catch (err) {
      this.statusLine.dataset.state = 'error'
      this.statusLine.textContent = this.day ? t('volunteer.offlineData', { time: formatDateTime(this.day.at) }) : t('volunteer.failed', { message: errorText(err) })
    }
    this.render()
    this.showOnMap(true)
  }

  private cached(): MyDay | null {
    try {
      return JSON.parse(localStorage.getItem(this.cacheKey) ?? 'null') as MyDay | null
    } catch {
      return null
    }
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
    this.refreshTimer = setTimeout(() => void this.load(), 300)
  }

  /** Room the map must leave for the top bar and the open panel (the bottom sheet on a phone). */
  private padding(): maplibregl.PaddingOptions {
    const top = (document.querySelector('.topbar')?.getBoundingClientRect().bottom ?? 0) + 16
    if (isPhone()) return { top, left: 20, right: 20, bottom: this.open ? Math.max(this.panel.offsetHeight, window.innerHeight * 0.48) + 16 : 30 }
    return { top, left: 30, right: this.open ? this.panel.offsetWidth + 40 : 30, bottom: 30 }
  }

  /** My reports (and those waiting) on the map; with `fit`, the first time only, the map fitted to them. */
  private showOnMap(fit = false): void {
    this.layers.show(this.day?.reports ?? [], this.outbox.pending)
    if (!fit || this.fitted) return
    this.fitted = true
    const pts = (this.day?.reports ?? []).map((r) => [r.lon, r.lat] as const)
    if (pts.length === 0) return
    const lons = pts.map((p) => p[0])
    const lats = pts.map((p) => p[1])
    // My reports in view, not closer than a street's scale.
    this.map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: this.padding(), duration: 0, maxZoom: 15 })
  }

  private onMapClick(e: maplibregl.MapMouseEvent): void {
    if (this.picker) {
      // The tap chooses the report's location; no feature popup.
      e.preventDefault()
      this.picker.tap(e.lngLat.lng, e.lngLat.lat)
      return
    }
    if (!this.open || !this.map.getLayer(VOLUNTEER_REPORTS_LAYER)) return
    const hit = this.map.queryRenderedFeatures([[e.point.x - 6, e.point.y - 6], [e.point.x + 6, e.point.y + 6]], { layers: [VOLUNTEER_REPORTS_LAYER] })[0]
    const layer = hit?.properties?.layer as string | undefined
    if (layer !== 'hazards' && layer !== 'disputes') return
    e.preventDefault()
    this.tab = 'reports'
    this.renderTabs()
    this.renderBody()
    const row = this.body.querySelector<HTMLElement>(`.vd-report[data-layer="${layer}"][data-id="${Number(hit!.properties!.id)}"]`)
    row?.scrollIntoView({ block: 'nearest' })
    row?.classList.add('og-flash')
  }

  private render(): void {
    this.headerTitle.textContent = t('volunteer.title')
    this.headerTitle.title = this.day?.account.display_name ?? ''
    this.panel.setAttribute('aria-label', t('volunteer.title'))
    this.renderQueue()
    this.renderActions()
    this.renderTabs()
    if (!this.form) this.renderBody()
  }

  private renderQueue(): void {
    const pending = this.outbox.pending.length
    const failed = this.outbox.failed.length
    this.queueBadge.dataset.state = this.outbox.status
    this.queueBadge.hidden = pending === 0 && failed === 0
    this.queueBadge.textContent = [pending ? t('officer.queue.pending', { n: pending }) : '', failed ? t('officer.queue.failed', { n: failed }) : ''].filter(Boolean).join(' · ')
    this.queueBadge.title = this.outbox.status === 'offline' ? t('officer.queue.offline') : ''
  }

  private renderActions(): void {
    const buttons: Array<[ReportKind, MessageKey]> = [['hazard', 'volunteer.action.hazard'], ['dispute', 'volunteer.action.dispute']]
    this.actions.replaceChildren(
      ...buttons.map(([kind, key]) => {
        const b = el('button', 'og-btn vd-action', t(key))
        b.type = 'button'
        b.dataset.action = kind
        b.classList.toggle('active', this.form === kind)
        b.addEventListener('click', () => this.openForm(kind))
        return b
      }),
    )
  }

  private renderTabs(): void {
    const v = this.day?.volunteer
    const words: Record<Tab, string> = {
      reports: t('volunteer.tab.reports', { n: (this.day?.reports_total ?? 0) + this.outbox.pending.length + this.outbox.failed.length }),
      points: v ? t('volunteer.tab.points', { n: formatNumber(v.balance, 0) }) : t('volunteer.tab.pointsNone'),
      shop: t('volunteer.tab.shop'),
    }
    this.tabs.setAttribute('role', 'tablist')
    this.tabs.hidden = this.form !== null
    this.tabs.replaceChildren(
      ...TABS.map((tab) => {
        const b = el('button', 'og-tab', words[tab])
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

  private reportActions(): ReportActions {
    return {
      locate: (lon, lat) => this.map.easeTo({ center: [lon, lat], zoom: Math.max(this.map.getZoom(), 16), padding: this.padding() }),
      refresh: () => void this.load(),
      discard: (ref) => this.outbox.discard(ref),
      refusal: (e: OutboxEntry) => t('officer.queue.rejected', { message: errorText(new ApiError(e.status ?? 0, e.error ?? '', e.code)) }),
    }
  }

  private renderBody(): void {
    this.body.dataset.sheet = this.form ? 'form' : 'tab'
    if (this.form) return // the form stays as it is while it is open
    this.renderTabs()
    const day = this.day
    const waiting = [...this.outbox.failed, ...this.outbox.pending]
    const content =
      this.tab === 'reports' ? reportList(day, waiting, this.reportActions())
      : !day ? el('p', 'og-empty', this.statusLine.textContent || t('volunteer.loading'))
      : this.tab === 'points' ? pointsView(day)
      : shopView(day)
    this.body.replaceChildren(content)
  }

  private openForm(kind: ReportKind): void {
    if (!this.open) this.setOpen(true)
    this.form = kind
    const picker = new LocationPicker('point', (geometry) => this.layers.showPick(geometry))
    this.picker = picker
    this.panel.dataset.picking = 'true'
    const form = renderForm({ title: REPORT_TITLE[kind], fields: reportFields(kind), picker, submit: 'officer.form.submit' }, (values, photoFile) => {
      const geometry = picker.geometry()
      if (!geometry) return picker.showError(t('officer.error.location'))
      const properties = reportProperties(kind, values)
      if (!photoFile) return this.queue(kind, geometry, properties)
      // A photo that cannot be read is said, and the report still goes without it.
      shrinkPhoto(photoFile)
        .then((photo) => this.queue(kind, geometry, properties, photo))
        .catch((err: unknown) => {
          console.warn('the photo could not be read:', err)
          this.queue(kind, geometry, properties)
          this.say(t('volunteer.report.photoUnreadable'))
        })
    }, () => this.closeForm())
    form.querySelector('.og-form-title')?.after(el('p', 'og-hint vd-form-hint', t(REPORT_HINT[kind])))
    this.body.dataset.sheet = 'form'
    this.body.replaceChildren(form)
    this.renderActions()
    this.renderTabs()
    this.body.scrollTop = 0
  }

  private closeForm(): void {
    this.form = null
    this.picker = null
    this.layers.showPick(null)
    this.panel.dataset.picking = 'false'
    this.renderActions()
    this.renderTabs()
    this.renderBody()
  }

  private queue(kind: ReportKind, geometry: Geometry, properties: Record<string, unknown>, photo?: Photo): void {
    const added = this.outbox.add(REPORT_LAYER[kind], { type: 'Feature', geometry, properties }, photo)
    this.say(added.photoDropped ? t('officer.photo.dropped') : navigator.onLine ? t('officer.queue.sending') : t('officer.queue.saved'))
    this.tab = 'reports'
    this.closeForm()
  }

  private say(message: string): void {
    this.toast.textContent = message
    this.toast.dataset.show = 'true'
    if (this.toastTimer) clearTimeout(this.toastTimer)
    this.toastTimer = setTimeout(() => (this.toast.dataset.show = 'false'), 4000)
  }
}
