import { findLayer, SEASONS } from '../../../data/catalog/layers.ts'
import { errorText } from '../api/error-text.ts'
import { formatNumber, t, valueLabel, type MessageKey } from '../i18n.ts'
import { analysisApi, GI_CLASSES, type DensityAnswer, type HotspotAnswer, type MonthlyAnswer } from './analysis-api.ts'
import { dateInput, el, field, segmented, select } from './dom.ts'
import { CLASS_COLORS, cssColor, HEAT_STOPS, HotspotLayers } from './hotspot-layers.ts'
import type { Params } from './mode.ts'
import { monthChart } from './month-chart.ts'
import { Progress, Runner } from './progress.ts'
import type { AnalysisView, ViewContext } from './view.ts'
import { EmergingView } from './emerging-view.ts'
import { DosageView } from './dosage-view.ts'

export const HOTSPOT_LAYERS = ['incidents', 'disputes', 'hazards'] as const
export const CELL_SIZES = ['250', '500', '1000', '2000'] as const
const DEFAULT_CELL = '500'

/** The shared filters as the endpoints take them (dates are whole days in Beijing time). */
export function filterQuery(p: Params): Params {
  return {
    layer: (HOTSPOT_LAYERS as readonly string[]).includes(p.layer ?? '') ? p.layer! : 'incidents',
    category: p.category ?? '',
    from: p.from ? `${p.from}T00:00:00+08:00` : '',
    to: p.to ? `${p.to}T23:59:59+08:00` : '',
    season: p.season ?? '',
  }
}

export const hotspotQuery = (p: Params): Params => ({ ...filterQuery(p), cell: p.cell || DEFAULT_CELL })
/** The density grid as fine as the hexagons, but not finer than 250 m (a city-wide 250 m grid is ~10 MB). */
export const densityQuery = (p: Params): Params => ({ ...filterQuery(p), cell: String(Math.max(250, Number(p.cell || DEFAULT_CELL))) })

/**
 * Hotspot mode: Gi* hexagon bins coloured by class, an optional kernel density heat map, the
 * filters (layer, category, dates, season, hexagon size) and a chart of counts per month. A
 * change of filters aborts the request in flight.
 */
export class HotspotView implements AnalysisView {
  private readonly layers: HotspotLayers
  private readonly progress = new Progress(() => this.compute())
  private readonly runner = new Runner(this.progress)
  private body: HTMLElement | null = null
  private params: Params = {}
  private hexes: { key: string; answer: HotspotAnswer } | null = null
  /** The month chart: its answer, or why it could not be had (a side call: the hexagons still draw). */
  private monthly: { key: string; answer: MonthlyAnswer | null; error?: unknown } | null = null
  private density: { key: string; answer: DensityAnswer } | null = null

  /** The other kinds of this mode: emerging hot spots over time, patrol dosage in hot spots (`kind:` in the hash). */
  readonly emerging: EmergingView
  readonly dosage: DosageView

  constructor(ctx: ViewContext) {
    this.layers = new HotspotLayers(ctx.map)
    this.setParamsFn = ctx.setParams
    this.emerging = new EmergingView(ctx, () => this.kindSwitch(), (p) => this.change(p))
    this.dosage = new DosageView(ctx, () => this.kindSwitch(), (p) => this.change(p))
  }

  private get kind(): 'gi' | 'emerging' | 'dosage' {
    return this.params.kind === 'emerging' || this.params.kind === 'dosage' ? this.params.kind : 'gi'
  }

  private get other(): EmergingView | DosageView | null {
    return this.kind === 'emerging' ? this.emerging : this.kind === 'dosage' ? this.dosage : null
  }

  get titleKey(): MessageKey {
    return this.kind === 'emerging' ? 'analysis.panel.emerging' : this.kind === 'dosage' ? 'analysis.panel.dosage' : 'analysis.panel.hotspots'
  }

  /** Hot spots now (Gi*), emerging trends or patrol dosage: one switch at the top of each panel. */
  private kindSwitch(): HTMLElement {
    const box = segmented(
      t('analysis.kind.label'),
      [['gi', t('analysis.kind.gi')], ['emerging', t('analysis.kind.emerging')], ['dosage', t('analysis.kind.dosage')]],
      this.kind,
      (v) => this.change({ kind: v === 'gi' ? '' : v }),
      'kind',
    )
    box.classList.add('an-kind')
    return box
  }

  private readonly setParamsFn: ViewContext['setParams']

  private get heat(): boolean {
    return this.params.heat === '1'
  }

  activate(body: HTMLElement, params: Params): void {
    this.body = body
    this.params = params
    const other = this.other
    for (const v of [this.emerging, this.dosage]) if (v !== other) v.deactivate()
    if (other) {
      this.runner.cancel()
      this.layers.setVisible(false, false)
      other.activate(body, params)
      return
    }
    this.layers.setVisible(true, this.heat)
    this.render()
    this.compute()
  }

  deactivate(): void {
    this.body = null
    this.runner.cancel()
    this.layers.setVisible(false, false)
    this.emerging.deactivate()
    this.dosage.deactivate()
  }

  private change(p: Params): void {
    this.params = { ...this.params, ...p }
    this.setParamsFn(this.params)
    if (this.body) this.activate(this.body, this.params)
  }

  /** Fetches what the current parameters lack (bins, months, density when the heat map is on) and draws it. */
  private compute(): void {
    const hk = JSON.stringify(hotspotQuery(this.params))
    const mk = JSON.stringify(filterQuery(this.params))
    const dk = JSON.stringify(densityQuery(this.params))
    const needHex = this.hexes?.key !== hk
    const needMonths = this.monthly?.key !== mk || !this.monthly.answer
    const needDensity = this.heat && this.density?.key !== dk
    if (!needHex && !needMonths && !needDensity) {
      this.draw()
      return
    }
    const params = this.params
    void this.runner.run(
      (signal) =>
        Promise.all([
          needHex ? analysisApi.hotspots(hotspotQuery(params), signal) : null,
          needMonths ? analysisApi.monthly(filterQuery(params), signal).catch((error: unknown) => ({ error })) : null,
          needDensity ? analysisApi.density(densityQuery(params), signal) : null,
        ]),
      ([hex, months, density]) => {
        if (hex) this.hexes = { key: hk, answer: hex }
        if (months) this.monthly = 'error' in months ? { key: mk, answer: null, error: months.error } : { key: mk, answer: months }
        if (density) this.density = { key: dk, answer: density }
        this.draw()
        this.render()
      },
    )
  }

  private draw(): void {
    const hk = JSON.stringify(hotspotQuery(this.params))
    const dk = JSON.stringify(densityQuery(this.params))
    this.layers.showHexes(this.hexes?.key === hk ? this.hexes.answer : null)
    this.layers.showDensity(this.heat && this.density?.key === dk ? this.density.answer : null)
  }

  render(): void {
    const body = this.body
    if (!body) return
    if (this.other) return this.other.render()
    const q = hotspotQuery(this.params)
    const layer = findLayer(q.layer!)!
    const form = el('section', 'an-section an-params')
    form.append(el('h3', undefined, t('analysis.params')))
    const layerChoice = segmented(
      t('analysis.hotspots.layer'),
      HOTSPOT_LAYERS.map((l) => [l, t(`analysis.hotspots.layer.${l}`)]),
      q.layer!,
      (v) => this.change({ layer: v, category: '' }),
      'hotspotLayer',
    )
    const categories = layer.properties.find((p) => p.name === 'category')?.values ?? []
    const category = select([['', t('analysis.hotspots.all')], ...categories.map((c): [string, string] => [c, valueLabel(layer.id, 'category', c)])], this.params.category ?? '', (v) => this.change({ category: v }))
    category.dataset.param = 'category'
    const season = select([['', t('analysis.hotspots.all')], ...SEASONS.map((s): [string, string] => [s, valueLabel(layer.id, 'season', s)])], this.params.season ?? '', (v) => this.change({ season: v }))
    season.dataset.param = 'season'
    const cell = select(CELL_SIZES.map((c) => [c, t('analysis.hotspots.cellValue', { m: c })]), q.cell!, (v) => this.change({ cell: v }))
    cell.dataset.param = 'cell'
    const from = dateInput(this.params.from ?? '', (v) => this.change({ from: v }))
    from.dataset.param = 'from'
    const to = dateInput(this.params.to ?? '', (v) => this.change({ to: v }))
    to.dataset.param = 'to'
    const heat = el('label', 'layer-toggle an-heat')
    const box = el('input')
    box.type = 'checkbox'
    box.checked = this.heat
    box.dataset.param = 'heat'
    box.addEventListener('change', () => this.change({ heat: box.checked ? '1' : '' }))
    heat.append(box, el('span', 'layer-title', t('analysis.hotspots.heat')))
    const rows = [el('div', 'an-row'), el('div', 'an-row'), el('div', 'an-row')]
    rows[0]!.append(field('analysis.hotspots.category', category), field('analysis.hotspots.season', season))
    rows[1]!.append(field('analysis.hotspots.from', from), field('analysis.hotspots.to', to))
    rows[2]!.append(field('analysis.hotspots.cell', cell))
    form.append(layerChoice, ...rows, heat)
    body.replaceChildren(this.kindSwitch(), form, this.progress.el, this.legend())
    const m = this.monthly
    if (m && m.key === JSON.stringify(filterQuery(this.params))) {
      if (m.answer) body.append(monthChart(m.answer))
      else {
        const failed = el('div', 'an-hint an-chart-failed', t('analysis.hotspots.chartFailed', { message: errorText(m.error) }))
        failed.dataset.state = 'error'
        body.append(failed)
      }
    }
  }

  private legend(): HTMLElement {
    const box = el('section', 'an-section an-legend')
    box.append(el('div', 'legend-title', t('analysis.hotspots.legend')))
    const hex = this.hexes?.key === JSON.stringify(hotspotQuery(this.params)) ? this.hexes.answer : null
    const list = el('ol', 'an-classes')
    for (const c of GI_CLASSES) {
      const li = el('li')
      li.dataset.class = c
      const chip = el('span', 'chip')
      chip.style.background = cssColor(CLASS_COLORS[c], c === 'not-significant' ? 0.35 : 0.9)
      li.append(chip, el('span', 'an-class-name', t(`analysis.hotspots.class.${c}`)), el('span', 'an-class-count', hex ? formatNumber(hex.summary.classes[c]) : ''))
      list.append(li)
    }
    box.append(list)
    if (hex) box.append(el('div', 'an-hint an-summary', t('analysis.hotspots.summary', { points: formatNumber(hex.summary.points), bins: formatNumber(hex.summary.bins) })))
    const d = this.density
    if (this.heat && d && d.key === JSON.stringify(densityQuery(this.params))) {
      const heat = el('div', 'an-heat-legend')
      heat.append(el('div', 'legend-title', t('analysis.hotspots.heatLegend', { bandwidth: formatNumber(d.answer.parameters.bandwidth, 0) })))
      const ramp = el('div', 'an-heat-ramp')
      ramp.style.background = `linear-gradient(90deg, ${HEAT_STOPS.map(([p, c]) => `${cssColor(c, Math.max(0.15, c[3] / 255))} ${p * 100}%`).join(', ')})`
      const scale = el('div', 'an-heat-scale')
      scale.append(el('span', undefined, '0'), el('span', undefined, formatNumber(d.answer.summary.max_density, 0)))
      heat.append(ramp, scale)
      box.append(heat)
    }
    return box
  }
}
