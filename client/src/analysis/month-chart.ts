import { formatNumber, getLang, t } from '../i18n.ts'
import type { MonthlyAnswer } from './analysis-api.ts'
import { el, svgEl } from './dom.ts'

const W = 300
const H = 120
const PAD = { l: 30, r: 6, t: 10, b: 20 }

/** A rounded axis maximum: 1, 2 or 5 × a power of ten, at least the largest count. */
function niceMax(v: number): number {
  if (v <= 0) return 1
  const p = 10 ** Math.floor(Math.log10(v))
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p
}

/** Counts per month as SVG bars: a labelled top gridline, years under their Januaries, a tooltip per bar. */
export function monthChart(answer: MonthlyAnswer): HTMLElement {
  const box = el('figure', 'an-chart')
  box.append(el('figcaption', 'legend-title', t('analysis.hotspots.chart')))
  const months = answer.months
  if (months.length === 0 || answer.total === 0) {
    box.append(el('div', 'an-hint', t('analysis.hotspots.chartEmpty')))
    return box
  }
  const max = niceMax(Math.max(...months.map((m) => m.count)))
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'an-chart-svg', role: 'img', 'aria-label': t('analysis.hotspots.chart') })
  const iw = W - PAD.l - PAD.r
  const ih = H - PAD.t - PAD.b
  const step = iw / months.length
  for (const v of [0, max / 2, max]) {
    const y = PAD.t + ih - (v / max) * ih
    svg.append(svgEl('line', { x1: PAD.l, x2: W - PAD.r, y1: y, y2: y, class: 'grid' }))
    const label = svgEl('text', { x: PAD.l - 4, y: y + 3, class: 'axis', 'text-anchor': 'end' })
    label.textContent = formatNumber(v, 0)
    svg.append(label)
  }
  const labels: AxisLabel[] = []
  months.forEach((m, k) => {
    const h = (m.count / max) * ih
    const x = PAD.l + k * step
    const bar = svgEl('rect', { x: x + step * 0.12, y: PAD.t + ih - h, width: Math.max(1, step * 0.76), height: h, class: 'bar', 'data-month': m.month, 'data-count': m.count })
    const tip = svgEl('title', {})
    tip.textContent = t('analysis.hotspots.chartBar', { month: m.month, count: formatNumber(m.count) })
    bar.append(tip)
    svg.append(bar)
    const [year, month] = m.month.split('-')
    if (month === '01') {
      labels.push({ x: x + 1, text: getLang() === 'zh' ? `${year}年` : year!, rank: 0 })
      if (k > 0) svg.append(svgEl('line', { x1: x, x2: x, y1: PAD.t, y2: PAD.t + ih, class: 'year' }))
    } else if (k === 0) labels.push({ x: x + 1, text: m.month, rank: 1 })
  })
  for (const l of axisLabels(labels, PAD.l, W - PAD.r)) {
    const label = svgEl('text', { x: l.x, y: H - 6, class: 'axis' })
    label.textContent = l.text
    svg.append(label)
  }
  box.append(svg)
  return box
}

interface AxisLabel {
  x: number
  text: string
  /** Lower first: years keep their place over the first month's label. */
  rank: number
}

/** Width of a label in the chart's units (9 px axis font: CJK full width, digits about 0.6 of it). */
const labelWidth = (text: string) => [...text].reduce((w, c) => w + (/[\u3000-\u9fff]/.test(c) ? 9 : 5.4), 0)

/** The labels that fit without touching (4 units apart), by rank, each kept inside [left, right]. */
export function axisLabels(labels: readonly AxisLabel[], left: number, right: number): AxisLabel[] {
  const kept: Array<AxisLabel & { w: number }> = []
  for (const l of [...labels].sort((a, b) => a.rank - b.rank || a.x - b.x)) {
    const w = labelWidth(l.text)
    const x = Math.max(left, Math.min(l.x, right - w))
    if (kept.every((k) => x + w + 4 <= k.x || x >= k.x + k.w + 4)) kept.push({ ...l, x, w })
  }
  return kept.sort((a, b) => a.x - b.x).map(({ w: _w, ...l }) => l)
}
