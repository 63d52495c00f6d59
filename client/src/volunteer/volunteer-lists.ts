import { el } from '../analysis/dom.ts'
import { entryApi } from '../field/entry-api.ts'
import type { OutboxEntry } from '../field/outbox.ts'
import { formatDate, formatDateTime, formatNumber, t, valueLabel, type MessageKey } from '../i18n.ts'
import type { LedgerItem, MyDay, ReportItem } from './volunteer-api.ts'

/** The way a report normally goes (data/catalog/lifecycles.ts); `rejected` and `escalated` leave it. */
const MAIN_PATH: Record<ReportItem['layer'], readonly string[]> = {
  hazards: ['reported', 'verified', 'rectifying', 'eliminated'],
  disputes: ['reported', 'mediating', 'resolved'],
}

export interface ReportActions {
  locate: (lon: number, lat: number) => void
  refresh: () => void
  discard: (ref: string) => void
  /** A refused entry's reason in the UI's words. */
  refusal: (entry: OutboxEntry) => string
}

const categoryOf = (layer: string, category: unknown) => valueLabel(layer, 'category', String(category ?? ''))

/** The steps of the report's lifecycle, the ones passed marked done and the current one highlighted. */
function steps(r: ReportItem): HTMLElement {
  const path = MAIN_PATH[r.layer]
  const at = path.indexOf(r.status)
  // Off the main path (rejected, escalated): the steps reached before it stay done.
  const reached = at >= 0 ? at : Math.max(0, ...r.history.map((h) => path.indexOf(h.from)))
  const ol = el('ol', 'vd-steps')
  ol.setAttribute('aria-label', t('volunteer.report.history'))
  path.forEach((s, i) => {
    const li = el('li', 'vd-step', valueLabel(r.layer, 'status', s))
    li.dataset.state = i < reached || (at < 0 && i === reached) ? 'done' : i === at ? 'current' : 'todo'
    ol.append(li)
  })
  return ol
}

function reportRow(r: ReportItem, actions: ReportActions): HTMLLIElement {
  const li = el('li', 'og-item vd-report')
  li.dataset.layer = r.layer
  li.dataset.id = String(r.id)
  li.dataset.status = r.status
  const main = el('button', 'og-item-main')
  main.type = 'button'
  main.setAttribute('aria-expanded', 'false')
  const head = el('span', 'og-item-head')
  head.append(el('span', 'og-item-title', `${categoryOf(r.layer, r.category)} · ${r.code}`), el('span', `og-chip og-chip-${r.status}`, valueLabel(r.layer, 'status', r.status)))
  const when = r.history.length
    ? `${t('volunteer.report.reported', { time: formatDateTime(r.reported_at) })} · ${t('volunteer.report.changed', { time: formatDateTime(r.changed_at) })}`
    : t('volunteer.report.reported', { time: formatDateTime(r.reported_at) })
  main.append(head, el('span', 'og-item-line vd-when', when))
  if (r.description) main.append(el('span', 'og-item-line', r.description))
  main.append(steps(r))

  // Tapped: the progress with dates and the officer's notes, and the report on the map.
  const details = el('div', 'vd-details')
  details.hidden = true
  const place = [r.community, r.grid_name].filter(Boolean).join(' · ')
  if (place) details.append(el('p', 'og-hint', t('volunteer.report.where', { place })))
  details.append(el('span', 'og-label', t('volunteer.report.history')))
  const history = el('ul', 'og-history')
  history.append(el('li', undefined, `${formatDateTime(r.reported_at)} ${valueLabel(r.layer, 'status', 'reported')}`))
  for (const h of r.history) history.append(el('li', undefined, `${formatDateTime(h.at)} ${valueLabel(r.layer, 'status', h.to)}${h.reason ? `：${h.reason}` : ''}`))
  if (!r.history.length) history.append(el('li', undefined, t('volunteer.report.noHistory')))
  details.append(history)
  main.addEventListener('click', () => {
    details.hidden = !details.hidden
    main.setAttribute('aria-expanded', String(!details.hidden))
    if (!details.hidden) actions.locate(r.lon, r.lat)
  })
  li.append(main)
  if (r.has_photo) {
    const photo = el('a', 'og-btn og-act vd-photo-link', t('volunteer.report.photo'))
    photo.href = entryApi.photoUrl(r.layer, r.id)
    photo.target = '_blank'
    photo.rel = 'noopener'
    li.append(photo)
  }
  li.append(details)
  return li
}

/** An entry still on the phone: waiting for the network, or refused by the server (with why, and a delete button). */
function waitingRow(e: OutboxEntry, actions: ReportActions): HTMLLIElement {
  const li = el('li', 'og-item vd-report vd-waiting')
  li.dataset.ref = e.ref
  li.dataset.state = e.state
  const main = el('div', 'og-item-main')
  const head = el('span', 'og-item-head')
  head.append(el('span', 'og-item-title', `${categoryOf(e.layer, e.feature.properties.category)} · ${t(`officer.layer.${e.layer}` as MessageKey)}`))
  head.append(el('span', 'og-chip og-chip-pending', e.state === 'failed' ? t('officer.queue.failed', { n: 1 }) : t('volunteer.report.pending')))
  main.append(head)
  if (e.state === 'failed') main.append(el('span', 'og-error', actions.refusal(e)))
  else main.append(el('span', 'og-item-line', t('volunteer.report.pendingLine', { time: formatDateTime(e.createdAt) })))
  const text = e.feature.properties.description
  if (typeof text === 'string' && text) main.append(el('span', 'og-item-line', text))
  li.append(main)
  if (e.state === 'failed') {
    const discard = el('button', 'og-btn og-act', t('officer.queue.discard'))
    discard.type = 'button'
    discard.addEventListener('click', () => actions.discard(e.ref))
    li.append(discard)
  }
  return li
}

/** My reports: those still on the phone first, then the server's, newest first, each with its progress. */
export function reportList(day: MyDay | null, waiting: readonly OutboxEntry[], actions: ReportActions): HTMLElement {
  const box = el('div', 'vd-reports')
  const bar = el('div', 'vd-bar')
  bar.append(el('span', 'og-hint', day ? t('volunteer.reports.updated', { time: formatDateTime(day.at) }) : ''))
  const refresh = el('button', 'og-btn og-btn-secondary vd-refresh', t('volunteer.reports.refresh'))
  refresh.type = 'button'
  refresh.addEventListener('click', actions.refresh)
  bar.append(refresh)
  box.append(bar)
  const ul = el('ul', 'og-list')
  for (const e of waiting) ul.append(waitingRow(e, actions))
  for (const r of day?.reports ?? []) ul.append(reportRow(r, actions))
  if (!ul.childElementCount) ul.append(el('li', 'og-empty', t('volunteer.reports.empty')))
  box.append(ul)
  if (day && day.reports_total > day.reports.length) box.append(el('p', 'og-hint', t('volunteer.reports.more', { total: day.reports_total, n: day.reports.length })))
  return box
}

function ledgerWords(l: LedgerItem): string {
  const kind = t(`volunteer.ledger.${l.kind}` as MessageKey)
  // A service record's label is its rule's kind: said in words.
  const what = l.kind === 'record' && l.label ? t(`volunteer.rule.${l.label}` as MessageKey) : (l.label ?? l.note ?? '')
  return what ? `${kind} · ${what}` : kind
}

/** Balance, earned and spent (from the ledger), the organisation, and the latest movements. */
export function pointsView(day: MyDay): HTMLElement {
  const box = el('div', 'vd-points')
  const v = day.volunteer
  if (!v) {
    box.append(el('p', 'vd-note', t('volunteer.points.unlinked')))
    return box
  }
  const kpis = el('div', 'vd-kpis')
  const kpi = (name: string, value: number, key: MessageKey) => {
    const k = el('div', 'vd-kpi')
    k.dataset.kpi = name
    k.append(el('div', 'v', formatNumber(value, 0)), el('div', 'k', t(key)))
    kpis.append(k)
  }
  kpi('balance', v.balance, 'volunteer.points.balance')
  kpi('earned', v.earned, 'volunteer.points.earned')
  kpi('spent', v.spent, 'volunteer.points.spent')
  box.append(kpis)
  box.append(el('p', 'og-hint vd-org', t('volunteer.points.org', { org: v.org_name, unit: v.unit_name ?? '—' })))
  box.append(el('h3', 'vd-h', t('volunteer.points.ledger')))
  const ul = el('ul', 'og-list vd-ledger')
  for (const l of v.ledger) {
    const li = el('li', 'vd-move')
    li.dataset.kind = l.kind
    const text = el('div', 'vd-move-text')
    text.append(el('span', 'vd-move-what', ledgerWords(l)), el('span', 'og-item-line', formatDate(l.at)))
    const delta = el('span', `vd-delta ${l.delta > 0 ? 'in' : 'out'}`, `${l.delta > 0 ? '+' : '−'}${formatNumber(Math.abs(l.delta), 0)}`)
    li.append(text, delta)
    ul.append(li)
  }
  if (!v.ledger.length) ul.append(el('li', 'og-empty', t('volunteer.points.noLedger')))
  box.append(ul, el('p', 'og-hint', t('volunteer.points.howTo')))
  return box
}

/** The safety shop's items, each with whether the balance affords it (or how many points are short). */
export function shopView(day: MyDay): HTMLElement {
  const box = el('div', 'vd-shop')
  const v = day.volunteer
  box.append(el('p', 'og-hint', t('volunteer.shop.intro')))
  if (v) box.append(el('p', 'vd-summary', t('volunteer.shop.summary', { balance: formatNumber(v.balance, 0), n: day.shop.filter((i) => i.affordable).length })))
  const ul = el('ul', 'og-list')
  for (const item of day.shop) {
    const li = el('li', 'vd-item')
    li.dataset.id = String(item.id)
    li.dataset.affordable = String(item.affordable)
    const text = el('div', 'vd-move-text')
    text.append(el('span', 'vd-move-what', item.name), el('span', 'og-item-line', `${t('volunteer.shop.price', { n: formatNumber(item.price, 0) })} · ${t('volunteer.shop.stock', { n: formatNumber(item.stock, 0) })}`))
    const verdict = !v
      ? t('volunteer.shop.unlinked')
      : item.stock <= 0
        ? t('volunteer.shop.outOfStock')
        : item.affordable
          ? t('volunteer.shop.affordable')
          : t('volunteer.shop.short', { n: formatNumber(item.price - v.balance, 0) })
    li.append(text, el('span', `og-chip vd-verdict${item.affordable ? ' ok' : ''}`, verdict))
    ul.append(li)
  }
  if (!day.shop.length) ul.append(el('li', 'og-empty', t('volunteer.shop.empty')))
  box.append(ul)
  return box
}
