import type { Polygon } from 'geojson'
import { findLayer, SEASONS } from '../../../data/catalog/layers.ts'
import { formatNumber, getLang, t, valueLabel, type MessageKey } from '../i18n.ts'
import { analysisApi, EMERGING_CATEGORIES, type EmergingAnswer, type EmergingCategory, type EmergingProps } from './analysis-api.ts'
import { dateInput, el, field, segmented, select, svgEl } from './dom.ts'
import { EMERGING_COLORS, EmergingLayers } from './emerging-layers.ts'
import { BinKindView } from './bin-kind-view.ts'
import type { Params } from './mode.ts'
import type { ViewContext } from './view.ts'

const LAYERS = ['incidents', 'disputes', 'hazards'] as const
const CELLS = ['500', '1000', '2000'] as const
/** The categories listed by place, in the order a commander reads them. */
const WATCH: readonly EmergingCategory[] = ['new-hot', 'intensifying-hot', 'consecutive-hot', 'persistent-hot']
const WATCH_LIST = 12

/** The endpoint's parameters from the view's (hash) parameters. */
export function emergingQuery(p: Params): Params {
  return {
    layer: (LAYERS as readonly string[]).includes(p.layer ?? '') ? p.layer! : 'incidents',
    category: p.category ?? '',
    season: p.season ?? '',
    from: p.from ? `${p.from}T00:00:00+08:00` : '',
    to: p.to ? `${p.to}T23:59:59+08:00` : '',
    cell: (CELLS as readonly string[]).includes(p.cell ?? '') ? p.cell! : '500',
    step: p.step === 'month' ? 'month' : 'week',
  }
}

const catKey = (c: EmergingCategory) => `analysis.emerging.cat.${c}` as MessageKey

/**
 * Emerging hot spots (a kind of the hotspot mode): the bins coloured by Esri's categories, the
 * legend with their counts, the new and intensifying hot spots by place, and a clicked bin's
 * counts and Gi* z-scores step by step.
 */
export class EmergingView extends BinKindView<EmergingAnswer> {
  constructor(ctx: ViewContext, header: () => HTMLElement, change: (p: Params) => void) {
    super(ctx, new EmergingLayers(ctx.map), header, change)
  }

  protected query(params: Params): Params {
    return emergingQuery(params)
  }

  protected fetch(query: Params, signal: AbortSignal): Promise<EmergingAnswer> {
    return analysisApi.emerging(query, signal)
  }

  protected draw(answer: EmergingAnswer): void {
    ;(this.layers as EmergingLayers).showAnswer(answer)
  }

  protected ringOf(answer: EmergingAnswer, key: string): Array<[number, number]> | null {
    const f = answer.features.find((x) => `${x.properties.i}:${x.properties.j}` === key)
    return f ? (f.geometry as Polygon).coordinates[0] as Array<[number, number]> : null
  }

  render(): void {
    const body = this.body
    if (!body) return
    const q = emergingQuery(this.params)
    const layer = findLayer(q.layer!)!
    const form = el('section', 'an-section an-params')
    form.append(el('h3', undefined, t('analysis.params')))
    const layerChoice = segmented(t('analysis.hotspots.layer'), LAYERS.map((l) => [l, t(`analysis.hotspots.layer.${l}`)]), q.layer!, (v) => this.change({ layer: v, category: '' }), 'hotspotLayer')
    const categories = layer.properties.find((p) => p.name === 'category')?.values ?? []
    const category = select([['', t('analysis.hotspots.all')], ...categories.map((c): [string, string] => [c, valueLabel(layer.id, 'category', c)])], this.params.category ?? '', (v) => this.change({ category: v }))
    category.dataset.param = 'category'
    const season = select([['', t('analysis.hotspots.all')], ...SEASONS.map((s): [string, string] => [s, valueLabel(layer.id, 'season', s)])], this.params.season ?? '', (v) => this.change({ season: v }))
    season.dataset.param = 'season'
    const step = select([['week', t('analysis.emerging.step.week')], ['month', t('analysis.emerging.step.month')]], q.step!, (v) => this.change({ step: v }))
    step.dataset.param = 'step'
    const cell = select(CELLS.map((c) => [c, t('analysis.hotspots.cellValue', { m: c })]), q.cell!, (v) => this.change({ cell: v }))
    cell.dataset.param = 'cell'
    const from = dateInput(this.params.from ?? '', (v) => this.change({ from: v }))
    from.dataset.param = 'from'
    const to = dateInput(this.params.to ?? '', (v) => this.change({ to: v }))
    to.dataset.param = 'to'
    const rows = [el('div', 'an-row'), el('div', 'an-row'), el('div', 'an-row')]
    rows[0]!.append(field('analysis.hotspots.category', category), field('analysis.hotspots.season', season))
    rows[1]!.append(field('analysis.emerging.step', step), field('analysis.hotspots.cell', cell))
    rows[2]!.append(field('analysis.hotspots.from', from), field('analysis.hotspots.to', to))
    form.append(layerChoice, ...rows)
    body.replaceChildren(this.header(), form, this.progress.el)
    const a = this.current()
    if (!a) return
    body.append(this.legend(a), this.series(a), this.watchList(a))
  }

  private legend(a: EmergingAnswer): HTMLElement {
    const box = el('section', 'an-section an-legend an-emerging-legend')
    box.append(el('div', 'legend-title', t('analysis.emerging.legend')))
    const list = el('ol', 'an-classes')
    for (const c of EMERGING_CATEGORIES) {
      const n = a.summary.categories[c] ?? 0
      if (n === 0 && c !== 'no-pattern') continue
      const li = el('li')
      li.dataset.category = c
      const chip = el('span', 'chip')
      chip.style.background = c === 'no-pattern' ? 'rgba(148, 163, 184, 0.25)' : EMERGING_COLORS[c]
      li.append(chip, el('span', 'an-class-name', t(catKey(c))), el('span', 'an-class-count', formatNumber(n)))
      list.append(li)
    }
    box.append(list)
    const unit = t(`analysis.emerging.step.${a.parameters.step}`)
    box.append(el('div', 'an-hint an-summary', t('analysis.emerging.summary', { bins: formatNumber(a.summary.bins), steps: formatNumber(a.summary.steps), unit: getLang() === 'zh' ? unit : unit.toLowerCase(), points: formatNumber(a.summary.points), alpha: String(a.parameters.alpha) })))
    return box
  }

  private watchList(a: EmergingAnswer): HTMLElement {
    const box = el('section', 'an-section an-watch')
    box.append(el('h3', undefined, t('analysis.emerging.watch')), el('div', 'an-hint', t('analysis.emerging.watchHint')))
    const watched = a.features
      .map((f) => f.properties)
      .filter((p) => WATCH.includes(p.category))
      .sort((x, y) => WATCH.indexOf(x.category) - WATCH.indexOf(y.category) || y.total - x.total)
      .slice(0, WATCH_LIST)
    if (watched.length === 0) {
      box.append(el('p', 'an-hint', t('analysis.emerging.none')))
      return box
    }
    const list = el('ol', 'an-worst-list an-watch-list')
    for (const p of watched) {
      const key = `${p.i}:${p.j}`
      const li = el('li')
      const b = el('button', 'an-cell')
      b.type = 'button'
      b.dataset.bin = key
      b.dataset.category = p.category
      const chip = el('span', 'chip')
      chip.style.background = EMERGING_COLORS[p.category]
      const name = el('span', 'an-cell-name')
      name.append(chip, document.createTextNode(p.place ?? t('analysis.emerging.unnamed')))
      b.append(name, el('span', 'an-cell-share', formatNumber(p.total)), el('span', 'an-cell-meta', t(catKey(p.category))))
      b.addEventListener('click', () => this.pick(key, true))
      li.append(b)
      list.append(li)
    }
    box.append(list)
    return box
  }

  /** The selected bin's counts (bars) and Gi* z-scores (line, with the ±1.96 band). */
  private series(a: EmergingAnswer): HTMLElement {
    const box = el('section', 'an-section an-series')
    box.append(el('h3', undefined, t('analysis.emerging.series')))
    const f = this.selected ? a.features.find((x) => `${x.properties.i}:${x.properties.j}` === this.selected) : undefined
    if (!f) {
      box.append(el('p', 'an-hint', t('analysis.emerging.pick')))
      return box
    }
    box.dataset.bin = this.selected!
    const p = f.properties
    box.append(el('div', 'an-series-title', `${p.place ?? t('analysis.emerging.unnamed')} · ${t(catKey(p.category))}`))
    box.append(seriesChart(p, a.steps))
    box.append(el('div', 'an-hint', t('analysis.emerging.trend', { s: formatNumber(p.trend_s), p: p.trend_p < 0.001 ? '< 0.001' : p.trend_p.toFixed(3) })))
    return box
  }
}

/** The Beijing-time date an instant falls on (the steps start at Beijing midnights). */
const localDate = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10)

const W = 300
const H = 120
const PAD = { l: 26, r: 26, t: 8, b: 18 }

function seriesChart(p: EmergingProps, steps: EmergingAnswer['steps']): SVGSVGElement {
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'an-chart-svg an-series-chart', role: 'img', 'aria-label': t('analysis.emerging.series') })
  const n = p.counts.length
  const maxCount = Math.max(1, ...p.counts)
  const zs = p.gi_z.map((z) => z ?? 0)
  const zMax = Math.max(2.5, ...zs.map(Math.abs))
  const x = (k: number) => PAD.l + ((W - PAD.l - PAD.r) * (k + 0.5)) / n
  const barW = Math.max(1, ((W - PAD.l - PAD.r) / n) * 0.7)
  const yCount = (v: number) => H - PAD.b - ((H - PAD.t - PAD.b) * v) / maxCount
  const yZ = (z: number) => PAD.t + ((H - PAD.t - PAD.b) * (zMax - z)) / (2 * zMax)
  // ±1.96: where a step's Gi* is significant at 95 %.
  for (const z of [1.96, -1.96]) svg.append(svgEl('line', { x1: PAD.l, x2: W - PAD.r, y1: yZ(z), y2: yZ(z), class: 'an-series-band' }))
  p.counts.forEach((c, k) => {
    const bar = svgEl('rect', { x: x(k) - barW / 2, y: yCount(c), width: barW, height: H - PAD.b - yCount(c), class: 'an-series-bar' })
    const tip = svgEl('title', {})
    tip.textContent = `${steps[k] ? localDate(steps[k]!.start) : ''}: ${c} · z ${p.gi_z[k] === null ? '—' : p.gi_z[k]!.toFixed(2)}`
    bar.append(tip)
    svg.append(bar)
  })
  svg.append(svgEl('polyline', { points: zs.map((z, k) => `${x(k).toFixed(1)},${yZ(z).toFixed(1)}`).join(' '), class: 'an-series-z' }))
  const label = (text: string, lx: number, ly: number, anchor: string) => {
    const e = svgEl('text', { x: lx, y: ly, class: 'axis', 'text-anchor': anchor })
    e.textContent = text
    svg.append(e)
  }
  label(formatNumber(maxCount), PAD.l - 4, PAD.t + 8, 'end')
  label('0', PAD.l - 4, H - PAD.b, 'end')
  label(`z ${zMax.toFixed(1)}`, W - PAD.r + 3, PAD.t + 8, 'start')
  label(`−${zMax.toFixed(1)}`, W - PAD.r + 3, H - PAD.b, 'start')
  if (steps.length) {
    label(localDate(steps[0]!.start), PAD.l, H - 4, 'start')
    label(localDate(steps.at(-1)!.start), W - PAD.r, H - 4, 'end')
  }
  return svg
}
