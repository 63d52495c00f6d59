import type { MultiPolygon, Polygon } from 'geojson'
import { formatNumber, t, valueLabel, type MessageKey } from '../i18n.ts'
import { analysisApi, type SeasonalAnswer, type SeasonalCell } from './analysis-api.ts'
import { el, field, select } from './dom.ts'
import type { Params } from './mode.ts'
import { Progress, Runner } from './progress.ts'
import { SEASON_CLASSES, SEASON_COLORS, SEASONS_FILL, SeasonsLayers } from './seasons-layers.ts'
import type { AnalysisView, ViewContext } from './view.ts'

/** How many of the cells to visit first the panel lists. */
export const VISIT_LIST = 15

/** Parameters for the endpoint from the view's (hash) parameters. */
export function seasonsQuery(p: Params): Params {
  return { years: p.years || '3', min_count: p.min_count || '2' }
}

function bboxOf(g: Polygon | MultiPolygon): [[number, number], [number, number]] {
  const pts = (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()).flat()
  const xs = pts.map((p) => p[0]!)
  const ys = pts.map((p) => p[1]!)
  return [[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]]
}

/**
 * The four-seasons screen (四季排查法): this season's focus category, the cells where it recurred
 * in the same season of past years (on the map and as a list to visit, most still open first),
 * and per station its open and resolved disputes of that category now and a year ago.
 */
export class SeasonsView implements AnalysisView {
  readonly titleKey = 'analysis.panel.seasons' as const
  private readonly layers: SeasonsLayers
  private readonly progress = new Progress(() => this.compute())
  private readonly runner = new Runner(this.progress)
  private body: HTMLElement | null = null
  private params: Params = {}
  private answer: SeasonalAnswer | null = null
  private answerKey: string | null = null

  constructor(private readonly ctx: ViewContext) {
    this.layers = new SeasonsLayers(ctx.map)
    ctx.map.on('click', SEASONS_FILL, (e) => {
      const id = Number(e.features?.[0]?.properties?.id)
      if (this.body && Number.isFinite(id)) this.layers.select(id)
    })
  }

  activate(body: HTMLElement, params: Params): void {
    this.body = body
    this.params = params
    this.render()
    if (this.answer && this.answerKey === JSON.stringify(seasonsQuery(params))) this.layers.show(this.answer)
    else this.compute()
  }

  deactivate(): void {
    this.body = null
    this.runner.cancel()
    this.layers.setVisible(false)
  }

  private change(p: Params): void {
    this.params = { ...this.params, ...p }
    this.ctx.setParams(this.params)
    this.compute()
  }

  private compute(): void {
    const query = seasonsQuery(this.params)
    const key = JSON.stringify(query)
    void this.runner.run(
      (signal) => analysisApi.seasonal(query, signal),
      (answer) => {
        this.answer = answer
        this.answerKey = key
        if (this.body) this.layers.show(answer)
        this.render()
      },
    )
  }

  render(): void {
    const body = this.body
    if (!body) return
    const q = seasonsQuery(this.params)
    const form = el('section', 'an-section an-params')
    form.append(el('h3', undefined, t('analysis.params')))
    const years = select(['1', '2', '3', '4', '5'].map((v) => [v, v]), q.years!, (v) => this.change({ years: v }))
    years.dataset.param = 'years'
    const min = select(['1', '2', '3', '4', '5'].map((v) => [v, v]), q.min_count!, (v) => this.change({ min_count: v }))
    min.dataset.param = 'min_count'
    const row = el('div', 'an-row')
    row.append(field('analysis.seasons.years', years), field('analysis.seasons.minCount', min))
    form.append(row)
    body.replaceChildren(form, this.progress.el)
    const a = this.answer
    if (!a || this.answerKey !== JSON.stringify(q)) return
    body.append(this.summary(a), this.legend(), this.visitList(a), this.stationTable(a))
  }

  private summary(a: SeasonalAnswer): HTMLElement {
    const p = a.parameters
    const box = el('section', 'an-section an-season-now')
    box.dataset.season = p.season
    box.dataset.focus = p.focus_category
    box.append(el('p', 'an-season-line', t('analysis.seasons.now', {
      season: valueLabel('disputes', 'season', p.season),
      months: t(`analysis.seasons.months.${p.season}` as MessageKey),
      category: valueLabel('disputes', 'category', p.focus_category),
    })))
    const sum = (f: (c: SeasonalCell) => number) => a.cells.reduce((s, c) => s + f(c), 0)
    const kpis = el('div', 'an-kpis')
    const kpi = (key: string, label: MessageKey, value: string) => {
      const k = el('div', 'an-kpi')
      k.dataset.key = key
      k.append(el('div', 'v', value), el('div', 'k', t(label)))
      kpis.append(k)
    }
    const pair = (x: number, y: number) => `${formatNumber(x)} / ${formatNumber(y)}`
    kpi('flagged', 'analysis.seasons.kpi.flagged', formatNumber(a.screen.length))
    kpi('now', 'analysis.seasons.kpi.now', pair(sum((c) => c.focus.this_season_open), sum((c) => c.focus.this_season_resolved)))
    kpi('last-year', 'analysis.seasons.kpi.lastYear', pair(sum((c) => c.focus.last_year_open), sum((c) => c.focus.last_year_resolved)))
    box.append(kpis)
    return box
  }

  private legend(): HTMLElement {
    const box = el('section', 'an-section an-legend')
    box.append(el('div', 'legend-title', t('analysis.seasons.legend')))
    const list = el('ol', 'an-ramp an-season-classes')
    for (const k of SEASON_CLASSES) {
      const li = el('li')
      li.dataset.class = k
      const chip = el('span', 'chip')
      chip.style.background = SEASON_COLORS[k]
      li.append(chip, el('span', undefined, t(`analysis.seasons.class.${k}` as MessageKey)))
      list.append(li)
    }
    box.append(list)
    return box
  }

  private visitList(a: SeasonalAnswer): HTMLElement {
    const box = el('section', 'an-section an-visit')
    box.append(el('h3', undefined, t('analysis.seasons.visit')), el('div', 'an-hint', t('analysis.seasons.visitHint')))
    if (!a.screen.length) {
      box.append(el('p', 'an-hint', t('analysis.seasons.none')))
      return box
    }
    const cells = new Map(a.cells.map((c) => [c.grid_id, c]))
    const list = el('ol', 'an-worst-list an-visit-list')
    for (const s of a.screen.slice(0, VISIT_LIST)) {
      const li = el('li')
      const b = el('button', 'an-cell')
      b.type = 'button'
      b.dataset.cellId = String(s.grid_id)
      const who = [s.station_name, s.officer_name ? t('analysis.seasons.officer', { name: s.officer_name }) : null].filter(Boolean).join(' · ')
      b.append(
        el('span', 'an-cell-name', s.name),
        el('span', 'an-cell-share', formatNumber(s.past_same_season)),
        el('span', 'an-cell-meta', `${s.code}${who ? ` · ${who}` : ''}`),
        el('span', 'an-cell-meta', t('analysis.seasons.visitMeta', { past: formatNumber(s.past_same_season), open: formatNumber(s.this_season_open), last: formatNumber(s.last_year_open + s.last_year_resolved) })),
      )
      b.addEventListener('click', () => {
        this.layers.select(s.grid_id)
        const g = cells.get(s.grid_id)?.geometry
        if (g) this.ctx.map.fitBounds(bboxOf(g), { padding: this.ctx.padding(), maxZoom: 15, duration: 800 })
      })
      li.append(b)
      list.append(li)
    }
    box.append(list)
    return box
  }

  private stationTable(a: SeasonalAnswer): HTMLElement {
    const box = el('section', 'an-section an-stations an-season-stations')
    box.append(el('h3', undefined, t('analysis.seasons.stations')))
    const table = el('table', 'an-table')
    const head = el('tr')
    head.append(
      el('th', undefined, t('analysis.seasons.station')),
      el('th', 'num', t('analysis.seasons.flagged')),
      el('th', 'num', t('analysis.seasons.nowShort')),
      el('th', 'num', t('analysis.seasons.lastShort')),
    )
    table.append(head)
    const pair = (x: number, y: number) => `${formatNumber(x)} / ${formatNumber(y)}`
    for (const s of a.stations) {
      const tr = el('tr')
      tr.dataset.stationId = String(s.station_id)
      tr.append(
        el('td', undefined, s.station_name ?? '—'),
        el('td', 'num', formatNumber(s.flagged)),
        el('td', 'num', pair(s.this_season_open, s.this_season_resolved)),
        el('td', 'num', pair(s.last_year_open, s.last_year_resolved)),
      )
      table.append(tr)
    }
    box.append(table)
    return box
  }
}
