import { formatNumber, t } from '../i18n.ts'
import { analysisApi, type DosageAnswer, type DosageBin } from './analysis-api.ts'
import { dateInput, el, field, percent, select } from './dom.ts'
import { CategoryHexLayers } from './emerging-layers.ts'
import { hexagonMaker } from './hex-bins.ts'
import type { Params } from './mode.ts'
import { BinKindView } from './bin-kind-view.ts'
import type { ViewContext } from './view.ts'

/** A hot spot's dosage class: the target met every day, on some days, or never. */
export const DOSAGE_CLASSES = ['none', 'some', 'met'] as const
export type DosageClass = (typeof DOSAGE_CLASSES)[number]
export const DOSAGE_COLORS: Record<DosageClass, string> = { none: '#ef4444', some: '#f59e0b', met: '#22c55e' }
const WORST_LIST = 15

export const dosageClass = (b: DosageBin): DosageClass => (b.days_met === b.days.length ? 'met' : b.days_met > 0 ? 'some' : 'none')

/** The Beijing date `days` before today. */
const daysAgo = (days: number) => new Date(Date.now() + 8 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10)

/** The endpoint's parameters from the view's (hash) parameters: by default the last 7 days. */
export function dosageQuery(p: Params): Params {
  return {
    from: `${p.from || daysAgo(6)}T00:00:00+08:00`,
    to: `${p.to || daysAgo(0)}T23:59:59+08:00`,
    hotspots: p.source === 'emerging' ? 'emerging' : 'gi',
    cell: '500',
    target: ['1', '2', '3', '4', '5'].includes(p.target ?? '') ? p.target! : '3',
  }
}

/**
 * Patrol dosage (a kind of the hotspot mode): the hot spots coloured by how often the daily
 * target of full visits was met, the worst first with their minutes a day, and a hot spot's days.
 */
export class DosageView extends BinKindView<DosageAnswer> {
  constructor(ctx: ViewContext, header: () => HTMLElement, change: (p: Params) => void) {
    super(ctx, new CategoryHexLayers(ctx.map, 'analysis-dosage', DOSAGE_COLORS, ''), header, change)
  }

  protected query(params: Params): Params {
    return dosageQuery(params)
  }

  protected fetch(query: Params, signal: AbortSignal): Promise<DosageAnswer> {
    return analysisApi.dosage(query, signal)
  }

  protected draw(a: DosageAnswer): void {
    const hexagon = hexagonMaker(a.parameters.lattice)
    this.layers.show(a.bins.map((b) => ({ i: b.i, j: b.j, category: dosageClass(b), ring: hexagon(b.i, b.j) })))
  }

  protected ringOf(a: DosageAnswer, key: string): Array<[number, number]> | null {
    const b = a.bins.find((x) => `${x.i}:${x.j}` === key)
    return b ? hexagonMaker(a.parameters.lattice)(b.i, b.j) : null
  }

  render(): void {
    const body = this.body
    if (!body) return
    const q = dosageQuery(this.params)
    const form = el('section', 'an-section an-params')
    form.append(el('h3', undefined, t('analysis.params')))
    const source = select([['gi', t('analysis.dosage.source.gi')], ['emerging', t('analysis.dosage.source.emerging')]], q.hotspots!, (v) => this.change({ source: v === 'emerging' ? 'emerging' : '' }))
    source.dataset.param = 'source'
    const target = select(['1', '2', '3', '4', '5'].map((n) => [n, t('analysis.dosage.targetValue', { n, min: '10' })]), q.target!, (v) => this.change({ target: v }))
    target.dataset.param = 'target'
    const from = dateInput(q.from!.slice(0, 10), (v) => this.change({ from: v }))
    from.dataset.param = 'from'
    const to = dateInput(q.to!.slice(0, 10), (v) => this.change({ to: v }))
    to.dataset.param = 'to'
    const rows = [el('div', 'an-row'), el('div', 'an-row')]
    rows[0]!.append(field('analysis.dosage.source', source), field('analysis.dosage.target', target))
    rows[1]!.append(field('analysis.hotspots.from', from), field('analysis.hotspots.to', to))
    form.append(...rows)
    body.replaceChildren(this.header(), form, this.progress.el)
    const a = this.current()
    if (!a) return
    body.append(this.legend(a), this.days(a), this.worst(a), this.stations(a))
  }

  private legend(a: DosageAnswer): HTMLElement {
    const box = el('section', 'an-section an-legend an-dosage-legend')
    const counts = { none: 0, some: 0, met: 0 }
    for (const b of a.bins) counts[dosageClass(b)]++
    const list = el('ol', 'an-classes')
    for (const c of DOSAGE_CLASSES) {
      const li = el('li')
      li.dataset.class = c
      const chip = el('span', 'chip')
      chip.style.background = DOSAGE_COLORS[c]
      li.append(chip, el('span', 'an-class-name', t(`analysis.dosage.class.${c}`)), el('span', 'an-class-count', formatNumber(counts[c])))
      list.append(li)
    }
    const s = a.summary
    box.append(list, el('div', 'an-hint an-summary', t('analysis.dosage.summary', { spots: formatNumber(s.hot_spots), days: formatNumber(s.days), met: formatNumber(s.bin_days_met), share: s.share_met === null ? '—' : percent(s.share_met) })))
    return box
  }

  private worst(a: DosageAnswer): HTMLElement {
    const box = el('section', 'an-section an-dosage-worst')
    box.append(el('h3', undefined, t('analysis.dosage.worst')), el('div', 'an-hint', t('analysis.dosage.worstHint')))
    if (a.bins.length === 0) {
      box.append(el('p', 'an-hint', t('analysis.dosage.none')))
      return box
    }
    const list = el('ol', 'an-worst-list an-watch-list')
    for (const b of a.bins.slice(0, WORST_LIST)) {
      const key = `${b.i}:${b.j}`
      const li = el('li')
      const button = el('button', 'an-cell')
      button.type = 'button'
      button.dataset.bin = key
      button.dataset.class = dosageClass(b)
      const chip = el('span', 'chip')
      chip.style.background = DOSAGE_COLORS[dosageClass(b)]
      const name = el('span', 'an-cell-name')
      name.append(chip, document.createTextNode(b.place ?? t('analysis.emerging.unnamed')))
      button.append(name, el('span', 'an-cell-share', t('analysis.dosage.perDay', { min: formatNumber(b.minutes_per_day, 1) })), el('span', 'an-cell-meta', t('analysis.dosage.daysMet', { met: formatNumber(b.days_met), days: formatNumber(b.days.length) })))
      button.addEventListener('click', () => this.pick(key, true))
      li.append(button)
      list.append(li)
    }
    box.append(list)
    return box
  }

  /** The selected hot spot's days: minutes, visits and full visits, the longest gap, the units. */
  private days(a: DosageAnswer): HTMLElement {
    const box = el('section', 'an-section an-dosage-days')
    const b = this.selected ? a.bins.find((x) => `${x.i}:${x.j}` === this.selected) : undefined
    if (!b) return box
    box.dataset.bin = this.selected!
    box.append(el('div', 'an-series-title', b.place ?? t('analysis.emerging.unnamed')))
    const table = el('table', 'an-table')
    const head = el('tr')
    for (const k of ['analysis.dosage.day', 'analysis.dosage.minutes', 'analysis.dosage.visits', 'analysis.dosage.gap', 'analysis.dosage.units'] as const) head.append(el('th', k === 'analysis.dosage.day' || k === 'analysis.dosage.units' ? undefined : 'num', t(k)))
    table.append(head)
    for (const d of b.days) {
      const tr = el('tr')
      tr.dataset.met = String(d.met)
      tr.append(
        el('td', undefined, d.date.slice(5)),
        el('td', 'num', formatNumber(d.minutes, 0)),
        el('td', 'num', `${formatNumber(d.visits)}/${formatNumber(d.full_visits)}`),
        el('td', 'num', d.longest_gap_min === null ? '—' : formatNumber(d.longest_gap_min, 0)),
        el('td', 'an-units', d.units.join(' ') || '—'),
      )
      table.append(tr)
    }
    box.append(table)
    return box
  }

  /** Per station: patrol hours, the share spent in hot spots, and the dosage ratio (share of time ÷ share of area). */
  private stations(a: DosageAnswer): HTMLElement {
    const box = el('section', 'an-section an-stations an-dosage-stations')
    box.append(el('h3', undefined, t('analysis.dosage.stations')), el('div', 'an-hint', t('analysis.dosage.ratioHint')))
    const table = el('table', 'an-table')
    const head = el('tr')
    head.append(el('th', undefined, t('analysis.seasons.station')), el('th', 'num', t('analysis.dosage.patrolHours')), el('th', 'num', t('analysis.dosage.inHotSpots')), el('th', 'num', t('analysis.dosage.ratio')))
    table.append(head)
    const rows = [...a.stations].filter((s) => s.hot_spots > 0).sort((x, y) => (x.dosage_ratio ?? -1) - (y.dosage_ratio ?? -1))
    for (const s of rows) {
      const tr = el('tr')
      tr.dataset.stationId = String(s.station_id)
      tr.append(
        el('td', undefined, s.station_name),
        el('td', 'num', formatNumber(s.patrol_minutes / 60, 1)),
        el('td', 'num', s.patrol_minutes > 0 ? percent(s.hot_spot_minutes / s.patrol_minutes) : '—'),
        el('td', 'num', s.dosage_ratio === null ? '—' : formatNumber(s.dosage_ratio, 2)),
      )
      table.append(tr)
    }
    box.append(table)
    return box
  }
}
