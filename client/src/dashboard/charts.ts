import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { init, use, type EChartsType } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import type { MessageKey } from '../i18n.ts'
import { figureLabel, t } from '../i18n.ts'
import type { DashboardData, EventFigure } from './dashboard-api.ts'
import { DASHBOARD_ZH } from './strings.ts'

// Only what the dashboard draws: line, bar and pie on canvas, with axes, tooltip and legend.
use([LineChart, BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer])

const COLORS = {
  disputes_resolved: '#38bdf8',
  hazards: '#f87171',
  hazards_eliminated: '#22c55e',
  river_patrols: '#a78bfa',
} as const
const PALETTE = ['#38bdf8', '#fbbf24', '#22c55e', '#f87171', '#a78bfa', '#2dd4bf', '#fb923c', '#94a3b8']
/** A category's words, or the category itself when the dashboard has none for it. */
const words = (key: string, fallback: string) => (key in DASHBOARD_ZH ? t(key as MessageKey) : fallback)

const TIME_FIGURES = ['disputes_resolved', 'hazards', 'hazards_eliminated', 'river_patrols'] as const satisfies readonly EventFigure[]

/** Text sizes that stay readable from a phone to a wall screen across the room. */
function sizes(width: number) {
  const wall = width >= 1600
  return { font: wall ? 16 : 12, legend: wall ? 15 : 12, symbol: wall ? 7 : 4 }
}

const FONT_FAMILY = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
const baseText = (font: number) => ({ color: '#c8d5e8', fontSize: font, fontFamily: FONT_FAMILY })

let measure: CanvasRenderingContext2D | null = null
/**
 * Rows the legend of these series names takes in a chart `width` px wide (echarts wraps a plain
 * legend: item = symbol + 5 px + text, 10 px between items and between rows, 5 px padding).
 */
export function legendRows(names: readonly string[], width: number, fontSize: number): number {
  measure ??= document.createElement('canvas').getContext('2d')
  if (!measure || width <= 0) return 1
  measure.font = `${fontSize}px ${FONT_FAMILY}`
  let rows = 1
  let x = 0
  for (const n of names) {
    const w = fontSize + 5 + measure.measureText(n).width
    if (x > 0 && x + 10 + w > width - 10) {
      rows++
      x = w
    } else x += (x > 0 ? 10 : 0) + w
  }
  return rows
}
const axis = (font: number) => ({
  axisLabel: { color: '#8ea3bf', fontSize: font },
  axisLine: { lineStyle: { color: 'rgba(148,163,184,0.35)' } },
  splitLine: { lineStyle: { color: 'rgba(148,163,184,0.12)' } },
})

export type ChartId = 'month' | 'season' | 'disputeCategory' | 'hazardCategory'

/** The four charts of the dashboard, each in its own element, redrawn from a dashboard answer. */
export class DashboardCharts {
  readonly charts = new Map<ChartId, EChartsType>()
  private readonly observer: ResizeObserver

  constructor(elements: Record<ChartId, HTMLElement>) {
    for (const [id, el] of Object.entries(elements) as Array<[ChartId, HTMLElement]>) this.charts.set(id, init(el, undefined, { renderer: 'canvas' }))
    this.observer = new ResizeObserver(() => this.resize())
    for (const el of Object.values(elements)) this.observer.observe(el)
  }

  resize(): void {
    for (const c of this.charts.values()) c.resize()
    // A legend that wraps into more rows at the new width needs the plot moved down: drawn again.
    if (this.last) this.render(this.last)
  }

  private last: DashboardData | null = null

  render(d: DashboardData): void {
    this.last = d
    const s = sizes(window.innerWidth)
    const text = baseText(s.font)
    const legend = { top: 0, textStyle: { color: '#c8d5e8', fontSize: s.legend }, itemWidth: s.legend, itemHeight: s.legend * 0.7 }
    const label = (f: EventFigure) => figureLabel(f)
    /** The plot under its legend, however many rows the legend wraps into at the chart's width (and room for the top axis label). */
    const grid = (id: ChartId, names: string[]) => {
      const rows = legendRows(names, this.charts.get(id)!.getWidth(), s.legend)
      return { left: 8, right: 12, top: 5 + rows * s.legend * 1.3 + (rows - 1) * 10 + s.legend * 1.3, bottom: 4, containLabel: true }
    }
    const timeNames = TIME_FIGURES.map(label)

    this.charts.get('month')!.setOption({
      textStyle: text, animation: false, color: TIME_FIGURES.map((f) => COLORS[f]),
      tooltip: { trigger: 'axis', textStyle: { fontSize: s.font } }, legend, grid: grid('month', timeNames),
      xAxis: { type: 'category', data: d.by_month.map((m) => m.month), ...axis(s.font) },
      yAxis: { type: 'value', minInterval: 1, ...axis(s.font) },
      series: TIME_FIGURES.map((f) => ({ name: label(f), type: 'line', smooth: true, symbolSize: s.symbol, lineStyle: { width: s.symbol / 2 + 1 }, data: d.by_month.map((m) => m[f]) })),
    }, true)

    this.charts.get('season')!.setOption({
      textStyle: text, animation: false, color: TIME_FIGURES.map((f) => COLORS[f]),
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, textStyle: { fontSize: s.font } }, legend, grid: grid('season', timeNames),
      // Four seasons: every one named, however narrow the card.
      xAxis: { type: 'category', data: d.by_season.map((x) => words(`dash.season.${x.season}`, x.season)), ...axis(s.font), axisLabel: { ...axis(s.font).axisLabel, interval: 0 } },
      yAxis: { type: 'value', minInterval: 1, ...axis(s.font) },
      series: TIME_FIGURES.map((f) => ({ name: label(f), type: 'bar', barMaxWidth: 28, data: d.by_season.map((x) => x[f]) })),
    }, true)

    const disputes = Object.entries(d.by_category.disputes_resolved).sort((a, b) => b[1] - a[1])
    this.charts.get('disputeCategory')!.setOption({
      textStyle: text, animation: false, color: PALETTE,
      tooltip: { trigger: 'item', textStyle: { fontSize: s.font } },
      series: [{
        type: 'pie', radius: ['30%', '54%'], center: ['50%', '52%'], minShowLabelAngle: 3,
        // Labels kept inside the card: aligned to its edges, name over number.
        label: { color: '#e6edf7', fontSize: s.font, formatter: '{b}\n{c}', alignTo: 'edge', edgeDistance: 4, lineHeight: s.font * 1.25 },
        labelLine: { length: 8, length2: 0 },
        data: disputes.map(([k, v]) => ({ name: words(`dash.dcat.${k}`, k), value: v })),
      }],
    }, true)

    const hazards = Object.entries(d.by_category.hazards).sort((a, b) => a[1] - b[1])
    const eliminated = d.by_category.hazards_eliminated
    this.charts.get('hazardCategory')!.setOption({
      textStyle: text, animation: false, color: [COLORS.hazards, COLORS.hazards_eliminated],
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, textStyle: { fontSize: s.font } }, legend, grid: grid('hazardCategory', [label('hazards'), label('hazards_eliminated')]),
      xAxis: { type: 'value', minInterval: 1, ...axis(s.font) },
      yAxis: { type: 'category', data: hazards.map(([k]) => words(`dash.hcat.${k}`, k)), ...axis(s.font) },
      series: [
        { name: label('hazards'), type: 'bar', barMaxWidth: 18, data: hazards.map(([, v]) => v) },
        { name: label('hazards_eliminated'), type: 'bar', barMaxWidth: 18, data: hazards.map(([k]) => eliminated[k] ?? 0) },
      ],
    }, true)
  }

  dispose(): void {
    this.observer.disconnect()
    for (const c of this.charts.values()) c.dispose()
  }
}
