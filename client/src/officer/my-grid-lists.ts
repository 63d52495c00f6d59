import type { CoverageAnswer, DosageAnswer } from '../analysis/analysis-api.ts'
import { el } from '../analysis/dom.ts'
import { formatNumber, t, valueLabel } from '../i18n.ts'
import { cellPeopleSection } from '../people/cell-people.ts'
import { officerApi, type DisputeItem, type GuardPostItem, type HazardItem, type MyGrid, type UnitItem } from './officer-api.ts'

/** Longest list drawn at once (the rest is counted). */
const MAX_ROWS = 200

const age = (days: number) => (days < 1 ? t('officer.age.today') : t('officer.age.days', { n: Math.floor(days) }))
const pct = (share: number) => `${formatNumber(share * 100, 0)}%`

export interface ListActions {
  locate: (lon: number, lat: number) => void
  act: (item: { layer: 'hazards' | 'disputes'; id: number; code: string; version: number }) => void
}

function list<T>(items: readonly T[], row: (item: T) => HTMLElement): HTMLElement {
  const ul = el('ul', 'og-list')
  if (items.length === 0) ul.append(el('li', 'og-empty', t('officer.list.empty')))
  for (const item of items.slice(0, MAX_ROWS)) ul.append(row(item))
  if (items.length > MAX_ROWS) ul.append(el('li', 'og-empty', t('officer.list.more', { n: items.length - MAX_ROWS })))
  return ul
}

function itemRow(kind: string, id: number, title: string, chip: string | null, lines: string[], onLocate: () => void): HTMLLIElement {
  const li = el('li', 'og-item')
  li.dataset.kind = kind
  li.dataset.id = String(id)
  const main = el('button', 'og-item-main')
  main.type = 'button'
  main.addEventListener('click', onLocate)
  const head = el('span', 'og-item-head')
  head.append(el('span', 'og-item-title', title))
  if (chip) head.append(el('span', `og-chip og-chip-${chip}`, valueLabel(kind === 'hazard' ? 'hazards' : 'disputes', 'status', chip)))
  main.append(head)
  for (const l of lines) main.append(el('span', 'og-item-line', l))
  li.append(main)
  return li
}

export function hazardList(items: readonly HazardItem[], actions: ListActions): HTMLElement {
  return list(items, (h) => {
    const li = itemRow('hazard', h.id, `${valueLabel('hazards', 'category', h.category)} · ${h.code}`, h.status, [`${age(h.age_days)} · ${h.description || '—'}`], () => actions.locate(h.lon, h.lat))
    if (h.has_photo) {
      const photo = el('a', 'og-btn og-act og-photo-link', t('officer.photo'))
      photo.href = officerApi.photoUrl(h.id)
      photo.target = '_blank'
      photo.rel = 'noopener'
      li.append(photo)
    }
    li.append(actButton(() => actions.act({ layer: 'hazards', id: h.id, code: h.code, version: h.version })))
    return li
  })
}

export function disputeList(items: readonly DisputeItem[], actions: ListActions): HTMLElement {
  return list(items, (d) => {
    const li = itemRow(
      'dispute', d.id, `${valueLabel('disputes', 'category', d.category)} · ${d.code}`, d.status,
      [`${age(d.age_days)} · ${valueLabel('disputes', 'source', d.source)} · ${t('officer.form.parties')} ${d.parties}`, ...(d.description ? [d.description] : [])],
      () => actions.locate(d.lon, d.lat),
    )
    li.append(actButton(() => actions.act({ layer: 'disputes', id: d.id, code: d.code, version: d.version })))
    return li
  })
}

function actButton(onClick: () => void): HTMLButtonElement {
  const b = el('button', 'og-btn og-act og-move', t('officer.action.move'))
  b.type = 'button'
  b.addEventListener('click', onClick)
  return b
}

export function unitList(items: readonly UnitItem[], actions: ListActions): HTMLElement {
  return list(items, (u) => {
    const li = itemRow('unit', u.id, u.name, null, [`${t('officer.unit.lead', { name: u.lead_name })} · ${t('officer.unit.households', { n: u.households })}`], () => actions.locate(u.lon, u.lat))
    if (u.lead_phone) {
      const call = el('a', 'og-btn og-act', t('officer.unit.call'))
      call.href = `tel:${u.lead_phone}`
      call.title = u.lead_phone
      li.append(call)
    }
    return li
  })
}

export function postList(items: readonly GuardPostItem[], actions: ListActions): HTMLElement {
  return list(items, (p) =>
    itemRow(
      'post', p.id, p.name, null,
      [t('officer.post.school', { name: p.school }), p.today.length ? t('officer.post.today', { times: p.today.map((w) => `${w.from}–${w.to}`).join('，') }) : t('officer.post.noDuty')],
      () => actions.locate(p.lon, p.lat),
    ),
  )
}

/** Coverage, time since the last patrol, the counts, each cell, and the season's focus. */
export function overview(grid: MyGrid, coverage: CoverageAnswer | null | 'failed', dosage: DosageAnswer | null | 'failed' = null): HTMLElement {
  const box = el('div', 'og-overview')
  const kpis = el('div', 'og-kpis')
  const kpi = (value: string, key: Parameters<typeof t>[0], name: string) => {
    const k = el('div', 'og-kpi')
    k.dataset.kpi = name
    k.append(el('div', 'v', value), el('div', 'k', t(key)))
    kpis.append(k)
  }
  const cells = coverage && coverage !== 'failed' ? coverage.features.map((f) => f.properties) : []
  const hours = cells.map((c) => c.hours_since_patrol)
  // The most neglected of my cells: the longest time since a patrol passed through.
  const worst = hours.some((h) => h === null) ? null : hours.length ? Math.max(...(hours as number[])) : undefined
  const waiting = coverage === null ? t('officer.coverage.loading') : coverage === 'failed' ? t('officer.coverage.failed') : null
  kpi(waiting ?? pct(coverage !== null && coverage !== 'failed' ? coverage.totals.city.covered_share : 0), 'officer.kpi.coverage', 'coverage')
  kpi(waiting ?? (worst === null ? t('officer.never') : worst === undefined ? '—' : t('officer.hours', { n: formatNumber(worst, 0) })), 'officer.kpi.sincePatrol', 'since-patrol')
  kpi(String(grid.hazards.length), 'officer.kpi.hazards', 'hazards')
  kpi(String(grid.disputes.length), 'officer.kpi.disputes', 'disputes')
  box.append(kpis)

  if (cells.length) {
    const ul = el('ul', 'og-cells')
    for (const c of cells) {
      const li = el('li', undefined, c.hours_since_patrol === null
        ? t('officer.cell.rowNever', { name: c.name, share: pct(c.covered_share) })
        : t('officer.cell.row', { name: c.name, share: pct(c.covered_share), since: t('officer.hours', { n: formatNumber(c.hours_since_patrol, 0) }) }))
      li.dataset.grid = String(c.id)
      ul.append(li)
    }
    box.append(ul)
  }
  box.append(dosageSection(dosage))
  box.append(cellPeopleSection(grid.people ?? []))
  if (grid.season) {
    const s = el('section', 'og-season')
    s.append(el('h3', undefined, t('officer.season.title')))
    s.append(el('p', 'og-season-focus', t('officer.season.focus', { season: valueLabel('disputes', 'season', grid.season.season), category: valueLabel('disputes', 'category', grid.season.focus_category) })))
    const ul = el('ul', 'og-cells')
    for (const c of grid.season.cells) {
      const li = el('li', undefined, t('officer.season.cell', { name: c.name, past: c.past_same_season, now: c.this_season }))
      if (c.screen) li.append(el('span', 'og-chip og-chip-screen', t('officer.season.screen')))
      ul.append(li)
    }
    s.append(ul)
    box.append(s)
  }
  return box
}

/** Patrol dosage in the hot spots of my cells, last 7 days: each hot spot's minutes a day and days the target was met. */
function dosageSection(dosage: DosageAnswer | null | 'failed'): HTMLElement {
  const s = el('section', 'og-dosage')
  s.append(el('h3', undefined, t('officer.dosage.title')))
  if (dosage === null || dosage === 'failed') {
    s.append(el('p', 'og-hint', t(dosage === null ? 'officer.coverage.loading' : 'officer.coverage.failed')))
    return s
  }
  if (dosage.bins.length === 0) {
    s.append(el('p', 'og-hint', t('officer.dosage.none')))
    return s
  }
  s.append(el('p', 'og-hint', t('officer.dosage.target', { n: dosage.parameters.target_visits, min: dosage.parameters.visit_min })))
  const ul = el('ul', 'og-cells')
  for (const b of dosage.bins) {
    const li = el('li', undefined, t('officer.dosage.row', { place: b.place ?? '—', min: formatNumber(b.minutes_per_day, 0), met: b.days_met, days: b.days.length }))
    li.dataset.bin = `${b.i}:${b.j}`
    li.dataset.met = String(b.days_met)
    ul.append(li)
  }
  s.append(ul)
  return s
}
