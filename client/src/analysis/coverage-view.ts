import { ROUTE_KINDS } from '../../../data/catalog/layers.ts'
import { formatNumber, t, valueLabel } from '../i18n.ts'
import { analysisApi, type CoverageAnswer, type CoverageFeature, type CoverageTotals } from './analysis-api.ts'
import { COVERAGE_FILL, CoverageLayers, SHARE_BREAKS, SHARE_COLORS } from './coverage-layers.ts'
import { dateInput, el, field, percent } from './dom.ts'
import type { Params } from './mode.ts'
import { Progress, Runner } from './progress.ts'
import type { AnalysisView, ViewContext } from './view.ts'

export const WORST_CELLS = 10
const DEFAULT_BUFFER = '200'

/**
 * The worst-covered cells first: lowest covered share, then more households, then id. Cells in
 * `ownGridIds` (an officer's own cells) come before all others, in the same order among themselves.
 */
export function worstCells(features: readonly CoverageFeature[], ownGridIds: readonly number[] = [], n = WORST_CELLS): CoverageFeature[] {
  const own = new Set(ownGridIds)
  const sorted = [...features].sort(
    (a, b) =>
      Number(own.has(b.properties.id)) - Number(own.has(a.properties.id)) ||
      a.properties.covered_share - b.properties.covered_share ||
      b.properties.households_total - a.properties.households_total ||
      a.properties.id - b.properties.id,
  )
  const mine = sorted.filter((f) => own.has(f.properties.id))
  return [...mine, ...sorted.slice(mine.length, mine.length + n)]
}

/** Parameters for the endpoint from the view's (hash) parameters. */
export function coverageQuery(p: Params): Params {
  return {
    buffer: p.buffer || DEFAULT_BUFFER,
    kinds: p.kinds ?? '',
    since: p.since ? `${p.since}T00:00:00+08:00` : '',
  }
}

function bboxOf(f: CoverageFeature): [[number, number], [number, number]] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity]
  const rings = f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat()
  for (const ring of rings) {
    for (const [x, y] of ring) {
      x0 = Math.min(x0, x!)
      y0 = Math.min(y0, y!)
      x1 = Math.max(x1, x!)
      y1 = Math.max(y1, y!)
    }
  }
  return [[x0, y0], [x1, y1]]
}

export interface CoverageViewOptions {
  /** The signed-in officer's grid cells, listed first (none until login feeds it). */
  ownGridIds?: readonly number[]
}

/**
 * Coverage mode: cells coloured by covered share with the uncovered parts hatched; the panel
 * holds the parameters (buffer, route kinds, patrols since), the legend, the city and station
 * totals and the worst cells (click → fly there).
 */
export class CoverageView implements AnalysisView {
  readonly titleKey = 'analysis.panel.coverage' as const
  private readonly layers: CoverageLayers
  private readonly progress = new Progress(() => this.compute())
  private readonly runner = new Runner(this.progress)
  private body: HTMLElement | null = null
  private params: Params = {}
  private answer: CoverageAnswer | null = null
  private answerKey: string | null = null
  private ownGridIds: readonly number[]
  private debounce: number | null = null

  constructor(private readonly ctx: ViewContext, options: CoverageViewOptions = {}) {
    this.layers = new CoverageLayers(ctx.map)
    this.ownGridIds = options.ownGridIds ?? []
    ctx.map.on('click', COVERAGE_FILL, (e) => {
      const id = Number(e.features?.[0]?.properties?.id)
      if (this.body && Number.isFinite(id)) this.layers.select(id)
    })
  }

  /** The current user's own cells, listed first (login calls this once it knows them). */
  setOwnGridIds(ids: readonly number[]): void {
    this.ownGridIds = ids
    this.render()
  }

  activate(body: HTMLElement, params: Params): void {
    this.body = body
    this.params = params
    this.render()
    if (this.answer && this.answerKey === JSON.stringify(coverageQuery(params))) this.layers.show(this.answer)
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
    if (this.debounce !== null) window.clearTimeout(this.debounce)
    this.debounce = window.setTimeout(() => this.compute(), 300)
  }

  private compute(): void {
    const query = coverageQuery(this.params)
    const key = JSON.stringify(query)
    void this.runner.run(
      (signal) => analysisApi.coverage(query, signal),
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
    const form = el('section', 'an-section an-params')
    form.append(el('h3', undefined, t('analysis.params')))
    const buffer = el('input', 'an-input')
    buffer.type = 'number'
    buffer.min = '10'
    buffer.max = '5000'
    buffer.step = '10'
    buffer.value = this.params.buffer || DEFAULT_BUFFER
    buffer.dataset.param = 'buffer'
    buffer.addEventListener('change', () => {
      const v = Number(buffer.value)
      if (Number.isFinite(v) && v > 0 && v <= 5000) this.change({ buffer: String(v) })
    })
    const kinds = el('div', 'an-chips')
    const on = new Set((this.params.kinds ?? '').split(',').filter(Boolean))
    for (const k of ROUTE_KINDS) {
      const chip = el('label', 'an-chip')
      const box = el('input')
      box.type = 'checkbox'
      box.checked = on.has(k)
      box.dataset.kind = k
      box.addEventListener('change', () => {
        if (box.checked) on.add(k)
        else on.delete(k)
        this.change({ kinds: ROUTE_KINDS.filter((x) => on.has(x)).join(',') })
      })
      chip.append(box, el('span', undefined, valueLabel('patrol-routes', 'kind', k)))
      kinds.append(chip)
    }
    const since = dateInput(this.params.since ?? '', (v) => this.change({ since: v }))
    since.dataset.param = 'since'
    const row = el('div', 'an-row')
    row.append(field('analysis.coverage.buffer', buffer), field('analysis.coverage.since', since))
    const kindsField = el('div', 'an-field')
    kindsField.append(el('span', 'an-label', t('analysis.coverage.kinds')), kinds)
    form.append(row, kindsField)

    body.replaceChildren(form, this.progress.el, this.legend())
    const a = this.answer
    if (a && this.answerKey === JSON.stringify(coverageQuery(this.params))) body.append(this.totals(a.totals.city), this.worst(a), this.stationTable(a))
  }

  private legend(): HTMLElement {
    const box = el('section', 'an-section an-legend')
    box.append(el('div', 'legend-title', t('analysis.coverage.legend')))
    const list = el('ol', 'an-ramp')
    SHARE_COLORS.forEach((c, i) => {
      const li = el('li')
      const chip = el('span', 'chip')
      chip.style.background = c
      const from = i === 0 ? 0 : SHARE_BREAKS[i - 1]!
      const to = i < SHARE_BREAKS.length ? SHARE_BREAKS[i]! : 1
      li.append(chip, el('span', undefined, `${percent(from, 0)}–${percent(to, 0)}`))
      list.append(li)
    })
    const hatch = el('li', 'an-hatch-item')
    hatch.append(el('span', 'chip an-hatch'), el('span', undefined, t('analysis.coverage.uncovered')))
    list.append(hatch)
    box.append(list)
    return box
  }

  private totals(c: CoverageTotals): HTMLElement {
    const box = el('section', 'an-section an-totals')
    box.dataset.totals = 'city'
    box.append(el('h3', undefined, t('analysis.coverage.city')))
    const kpis = el('div', 'an-kpis')
    const kpi = (key: string, label: string, value: string, sub?: string) => {
      const k = el('div', 'an-kpi')
      k.dataset.key = key
      k.append(el('div', 'v', value), el('div', 'k', label))
      if (sub) k.append(el('div', 's', sub))
      kpis.append(k)
    }
    const ratio = (a: number, b: number) => `${formatNumber(a)} / ${formatNumber(b)}`
    kpi('share', t('analysis.coverage.share'), percent(c.covered_share), `${t('analysis.coverage.cells')} ${formatNumber(c.cells)}`)
    kpi('units', t('analysis.coverage.units'), percent(c.household_units_total ? c.household_units_covered / c.household_units_total : 0), ratio(c.household_units_covered, c.household_units_total))
    kpi('hazards', t('analysis.coverage.hazards'), percent(c.hazards_open_total ? c.hazards_open_covered / c.hazards_open_total : 0), ratio(c.hazards_open_covered, c.hazards_open_total))
    kpi('schools', t('analysis.coverage.schools'), percent(c.schools_total ? c.schools_covered / c.schools_total : 0), ratio(c.schools_covered, c.schools_total))
    box.append(kpis)
    return box
  }

  private worst(a: CoverageAnswer): HTMLElement {
    const box = el('section', 'an-section an-worst')
    box.append(el('h3', undefined, t('analysis.coverage.worst')), el('div', 'an-hint', t('analysis.coverage.worstHint')))
    const list = el('ol', 'an-worst-list')
    const own = new Set(this.ownGridIds)
    for (const f of worstCells(a.features, this.ownGridIds)) {
      const p = f.properties
      const li = el('li')
      const b = el('button', 'an-cell')
      b.type = 'button'
      b.dataset.cellId = String(p.id)
      const name = el('span', 'an-cell-name', p.name)
      if (own.has(p.id)) name.prepend(el('span', 'an-own', t('analysis.coverage.own')))
      const bar = el('span', 'an-share-bar')
      const fill = el('span')
      fill.style.width = percent(p.covered_share, 2)
      bar.append(fill)
      const meta = [p.code, t('analysis.coverage.households', { n: formatNumber(p.households_total) }), p.hours_since_patrol === null ? t('analysis.coverage.neverPatrolled') : t('analysis.coverage.lastPatrol', { hours: formatNumber(p.hours_since_patrol, 0) })]
      b.append(name, el('span', 'an-cell-share', percent(p.covered_share)), bar, el('span', 'an-cell-meta', meta.join(' · ')))
      b.addEventListener('click', () => {
        this.layers.select(p.id)
        this.ctx.map.fitBounds(bboxOf(f), { padding: this.ctx.padding(), maxZoom: 15, duration: 800 })
      })
      li.append(b)
      list.append(li)
    }
    box.append(list)
    return box
  }

  private stationTable(a: CoverageAnswer): HTMLElement {
    const box = el('section', 'an-section an-stations')
    box.append(el('h3', undefined, t('analysis.coverage.stations')))
    const table = el('table', 'an-table')
    const head = el('tr')
    head.append(el('th', undefined, t('analysis.coverage.station')), el('th', 'num', t('analysis.coverage.cells')), el('th', 'num', t('analysis.coverage.share')))
    table.append(head)
    for (const s of [...a.totals.stations].sort((x, y) => x.covered_share - y.covered_share || x.station_id - y.station_id)) {
      const tr = el('tr')
      tr.dataset.stationId = String(s.station_id)
      tr.append(
        el('td', undefined, s.station_name ?? t('analysis.coverage.stationFallback', { id: s.station_id })),
        el('td', 'num', formatNumber(s.cells)),
        el('td', 'num', percent(s.covered_share)),
      )
      table.append(tr)
    }
    box.append(table)
    return box
  }
}
