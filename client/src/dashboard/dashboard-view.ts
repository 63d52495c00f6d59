import { FIGURES, type FigureKey } from '../../../data/catalog/figures.ts'
import { figureLabel, getLang, onLangChange, t, type MessageKey } from '../i18n.ts'
import { DashboardCharts, type ChartId } from './charts.ts'
import { dashboardCsvUrl, fetchDashboard, fetchStations, type DashboardData, type DashboardFilter, type StationOption } from './dashboard-api.ts'
import { dashboardQuery, formatDashboardQuery, type DashboardQuery } from './dashboard-mode.ts'
import './dashboard.css'
import { reportError } from '../api/error-text.ts'

/** The headline figures, in the story's order. */
/** A figure's one name, with what it counts as its tooltip. */
function figureLabelEl(key: FigureKey): HTMLElement {
  const span = el('span', 'dash-kpi-label', figureLabel(key))
  span.title = FIGURES[key].counts
  return span
}

const KPIS = ['stations', 'community_officers', 'volunteers', 'disputes_resolved', 'hazards', 'hazards_eliminated', 'river_patrols', 'points_redeemed'] as const
/** The mechanisms behind them (十户联防, 调解室, 研判会商), smaller, with their breakdown. */
const MECHANISMS = ['household_unit_disputes', 'mediation_cases', 'issues_resolved'] as const
const TABLE_COLUMNS = ['branches', 'stations', 'community_officers', 'volunteers', 'disputes_resolved', 'household_unit_disputes', 'hazards', 'hazards_eliminated', 'river_patrols', 'points_redeemed'] as const
const CHARTS: ChartId[] = ['month', 'season', 'disputeCategory', 'hazardCategory']

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag)
  if (className) e.className = className
  if (text !== undefined) e.textContent = text
  return e
}
const fmt = (n: number) => new Intl.NumberFormat(getLang() === 'zh' ? 'zh-CN' : 'en-GB').format(n)

/** The day after a YYYY-MM-DD date: the server's `to` is exclusive, the form's is the last day shown. */
function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/**
 * The community dashboard (issue 9): the story's headline figures computed live by the server,
 * charts by month, season and category, a per-district table, filters by district, station and
 * period, CSV export. A full-screen view over the map, opened from the top bar.
 */
export class DashboardView {
  readonly root = el('section', 'dashboard')
  private readonly status = el('div', 'dash-status')
  private readonly kpis = el('div', 'dash-kpis')
  private readonly mechanisms = el('div', 'dash-kpis dash-mechanisms')
  private readonly tableWrap = el('div', 'dash-table-wrap')
  private readonly district = el('select', 'an-input')
  private readonly station = el('select', 'an-input')
  private readonly from = el('input', 'an-input')
  private readonly to = el('input', 'an-input')
  private readonly csv = el('a', 'tb-btn dash-csv')
  private readonly charts: DashboardCharts
  private readonly statics: Array<() => void> = []
  private data: DashboardData | null = null
  private districts: Array<{ code: string; name: string }> = []
  private stations: StationOption[] = []
  private seq = 0
  /**
   * The filter asked for (from the form, or the URL when the view opens): the source of truth,
   * since the district and station lists arrive after the first figures.
   */
  private wanted: DashboardQuery = { ...dashboardQuery.value }
  /** Resolves when the figures of the latest filter are on screen (the browser tests wait on it). */
  loaded: Promise<void> = Promise.resolve()

  constructor() {
    this.root.id = 'dashboard'
    this.root.hidden = true
    this.root.setAttribute('role', 'region')
    const head = el('div', 'dash-head')
    const titles = el('div', 'dash-titles')
    const h2 = el('h2')
    const sub = el('span', 'dash-sub')
    titles.append(h2, sub)
    this.text(() => {
      h2.textContent = t('dash.title')
      sub.textContent = `${t('dash.subtitle')} · ${t('dash.period.note')}`
      this.root.setAttribute('aria-label', t('dash.title'))
    })
    head.append(titles, this.filters())
    const grid = el('div', 'dash-charts')
    const chartEls = {} as Record<ChartId, HTMLElement>
    for (const id of CHARTS) {
      const card = el('div', 'dash-card')
      const h3 = el('h3')
      this.text(() => (h3.textContent = t(`dash.chart.${id}` as MessageKey)))
      const box = el('div', 'dash-chart')
      box.dataset.chart = id
      card.append(h3, box)
      grid.append(card)
      chartEls[id] = box
    }
    const tableCard = el('div', 'dash-card dash-table-card')
    const h3 = el('h3')
    this.text(() => (h3.textContent = t('dash.table.title')))
    tableCard.append(h3, this.tableWrap)
    this.root.append(head, this.status, this.kpis, this.mechanisms, grid, tableCard)
    document.body.append(this.root)
    this.charts = new DashboardCharts(chartEls)
    onLangChange(() => {
      for (const f of this.statics) f()
      this.fillDistricts()
      if (this.data) this.render(this.data)
    })
    // A link or an edited URL hash with another filter: show it.
    dashboardQuery.onChange((q) => {
      if (formatDashboardQuery(q) === formatDashboardQuery(this.wanted)) return
      this.wanted = { ...q }
      this.showWanted()
      void this.load()
    })
    this.showWanted()
    void fetchStations()
      .then((stations) => {
        this.stations = stations
        this.fillStations()
      })
      .catch(() => undefined)
  }

  /** Shows the view and loads the figures of the current filter. */
  show(): void {
    this.root.hidden = false
    document.body.classList.add('dashboard-open')
    this.charts.resize()
    if (!this.data) void this.load()
  }

  hide(): void {
    this.root.hidden = true
    document.body.classList.remove('dashboard-open')
  }

  /** The filter asked for, in the API's terms. */
  filter(): DashboardFilter {
    const w = this.wanted
    const f: DashboardFilter = {}
    if (w.district) f.district = w.district
    if (w.station) f.station = w.station
    if (w.from) f.from = w.from
    if (w.to) f.to = dayAfter(w.to)
    return f
  }

  /** The form's values become the filter asked for (and the URL's). */
  private takeForm(): void {
    const q: DashboardQuery = {}
    if (this.district.value) q.district = this.district.value
    if (this.station.value) q.station = this.station.value
    if (this.from.value) q.from = this.from.value
    if (this.to.value) q.to = this.to.value
    this.wanted = q
    dashboardQuery.set(q)
  }

  /** The form shows the filter asked for (a district or station once its list is there). */
  private showWanted(): void {
    this.from.value = this.wanted.from ?? ''
    this.to.value = this.wanted.to ?? ''
    this.fillDistricts()
    this.fillStations()
  }

  load(): Promise<void> {
    const mine = ++this.seq
    const f = this.filter()
    this.csv.href = dashboardCsvUrl(f)
    this.root.dataset.state = 'loading'
    this.status.textContent = t('dash.loading')
    this.loaded = fetchDashboard(f)
      .then((d) => {
        if (mine !== this.seq) return
        if (!this.districts.length) {
          this.districts = d.districts
          this.fillDistricts()
        }
        this.data = d
        this.render(d)
        this.status.textContent = d.by_month.length ? '' : t('dash.empty')
        this.root.dataset.state = 'ready'
      })
      .catch((err: unknown) => {
        if (mine !== this.seq) return
        this.status.textContent = t('dash.failed', { message: reportError('dashboard', err) })
        this.root.dataset.state = 'error'
      })
    return this.loaded
  }

  private text(apply: () => void): void {
    apply()
    this.statics.push(apply)
  }

  private filters(): HTMLElement {
    const form = el('form', 'dash-filters')
    form.addEventListener('submit', (e) => e.preventDefault())
    const field = (key: MessageKey, input: HTMLElement, name: string) => {
      const label = el('label', 'an-field')
      const span = el('span', 'an-label')
      this.text(() => (span.textContent = t(key)))
      input.setAttribute('name', name)
      label.append(span, input)
      return label
    }
    this.district.append(new Option('', ''))
    this.station.append(new Option('', ''))
    this.text(() => {
      this.district.options[0]!.text = t('dash.filter.all')
      this.station.options[0]!.text = t('dash.filter.all')
    })
    this.from.type = 'date'
    this.to.type = 'date'
    const reset = el('button', 'tb-btn')
    reset.type = 'button'
    this.text(() => (reset.textContent = t('dash.filter.reset')))
    reset.addEventListener('click', () => {
      for (const x of [this.district, this.station, this.from, this.to]) x.value = ''
      this.takeForm()
      void this.load()
    })
    this.csv.setAttribute('download', 'community-dashboard.csv')
    this.text(() => (this.csv.textContent = t('dash.export')))
    // A district narrows the stations offered (a station outside it is let go).
    this.district.addEventListener('change', () => {
      this.wanted = { ...this.wanted, district: this.district.value || undefined }
      this.fillStations()
    })
    for (const x of [this.district, this.station, this.from, this.to])
      x.addEventListener('change', () => {
        this.takeForm()
        void this.load()
      })
    form.append(
      field('dash.filter.district', this.district, 'district'),
      field('dash.filter.station', this.station, 'station'),
      field('dash.filter.from', this.from, 'from'),
      field('dash.filter.to', this.to, 'to'),
      reset,
      this.csv,
    )
    return form
  }

  private fillStations(): void {
    const chosen = this.wanted.station ?? ''
    const district = this.wanted.district ?? ''
    while (this.station.options.length > 1) this.station.remove(1)
    for (const s of this.stations) if (!district || s.areaCode.startsWith(district)) this.station.append(new Option(s.name, String(s.id)))
    // Until the list has come, the station asked for stays asked for.
    if (!this.stations.length) return
    this.station.value = [...this.station.options].some((o) => o.value === chosen) ? chosen : ''
  }

  private fillDistricts(): void {
    while (this.district.options.length > 1) this.district.remove(1)
    for (const d of this.districts) this.district.append(new Option(d.name, d.code))
    this.district.value = this.wanted.district ?? ''
  }

  private render(d: DashboardData): void {
    this.kpis.replaceChildren(
      ...KPIS.map((k) => {
        const card = el('div', 'dash-kpi')
        card.dataset.figure = k
        const value = el('span', 'dash-kpi-value', fmt(d.totals[k]))
        value.dataset.value = String(d.totals[k])
        card.append(value, figureLabelEl(k))
        if (k === 'points_redeemed') card.append(el('span', 'dash-kpi-note', t('dash.note.volunteers_redeemed', { n: fmt(d.totals.volunteers_redeemed) })))
        if (k === 'stations') card.append(el('span', 'dash-kpi-note', t('dash.note.branches', { n: fmt(d.totals.branches) })))
        return card
      }),
    )
    const cat = (f: (typeof MECHANISMS)[number]) => d.by_category[f]
    const notes: Record<(typeof MECHANISMS)[number], string> = {
      // The other kinds a ten-household unit reports, beside its disputes (the figure itself).
      household_unit_disputes: t('dash.mech.household_unit_disputes', { hazard: fmt(d.by_category.household_unit_reports.hazard ?? 0), suspicious: fmt(d.by_category.household_unit_reports.suspicious ?? 0) }),
      mediation_cases: t('dash.mech.mediation_cases', { agreement: fmt(cat('mediation_cases').agreement ?? 0), open: fmt(cat('mediation_cases').open ?? 0) }),
      issues_resolved: t('dash.mech.issues_resolved'),
    }
    this.mechanisms.replaceChildren(
      ...MECHANISMS.map((k) => {
        const card = el('div', 'dash-kpi dash-mech')
        card.dataset.figure = k
        const value = el('span', 'dash-kpi-value', fmt(d.totals[k]))
        value.dataset.value = String(d.totals[k])
        card.append(value, figureLabelEl(k), el('span', 'dash-kpi-note', notes[k]))
        return card
      }),
    )
    this.charts.render(d)
    const table = el('table', 'dash-table')
    const head = el('tr')
    head.append(el('th', undefined, t('dash.table.district')), ...TABLE_COLUMNS.map((c) => el('th', undefined, figureLabel(c))))
    table.append(el('thead'), el('tbody'))
    table.tHead!.append(head)
    for (const r of d.per_district) {
      const tr = el('tr')
      tr.dataset.district = r.code
      tr.append(el('th', undefined, r.name), ...TABLE_COLUMNS.map((c) => {
        const td = el('td', undefined, fmt(r[c]))
        td.dataset.figure = c
        return td
      }))
      table.tBodies[0]!.append(tr)
    }
    this.tableWrap.replaceChildren(table)
  }
}
