import { ApiError } from '../api/client.ts'
import { errorText } from '../api/error-text.ts'
import { formatDate, formatDateTime, formatTime, onLangChange, t, valueLabel, type MessageKey } from '../i18n.ts'
import { liveApi, type AlertRow } from './live-api.ts'
import type { FeedEvent } from './live-stream.ts'

const MAX_LINES = 150
/** Messages written out on a merged line before "and n more". */
const MAX_MESSAGES = 3

/** What a line locates on the map: a point, or an extent [minLon, minLat, maxLon, maxLat]. */
export type Target = { lon: number; lat: number } | [number, number, number, number]

type AlertState = AlertRow & { state: 'open' | 'cleared' }
type EventKind = Exclude<FeedEvent['kind'], 'alerts'>

/** An incident, hazard or dispute that was created, changed or deleted. */
interface EventLine {
  type: 'event'
  key: string
  kind: EventKind
  at: string
  op: 'insert' | 'update' | 'delete'
  payload: Record<string, unknown>
}

/** The alerts of one rule at one place (a village or community; an alert with no place stands alone). */
interface AlertLine {
  type: 'alert'
  key: string
  kind: string
  place: string | null
  at: string
  alerts: Map<number, AlertState>
  ackError?: unknown
}

type Line = EventLine | AlertLine

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const str = (v: unknown) => (typeof v === 'string' && v ? v : null)
const KNOWN_RULES = new Set(['guard_post_unmanned', 'left_zone', 'river_overdue', 'hotspot_unvisited'])

/** One rule's alerts at one place are one line. */
export const alertLineKey = (a: Pick<AlertRow, 'rule_id' | 'kind' | 'place_code' | 'subject'>) => `alert:${a.rule_id ?? a.kind}:${a.place_code ?? a.subject}`

/** Where a line is: its point, or the box around its alerts' points, or an alert's extent. */
export function targetOf(line: Line): Target | null {
  if (line.type === 'event') {
    const lon = num(line.payload.lon)
    const lat = num(line.payload.lat)
    return lon !== null && lat !== null ? { lon, lat } : null
  }
  const all = [...line.alerts.values()]
  const open = all.filter((a) => a.state === 'open')
  const pts = (open.length ? open : all).filter((a) => num(a.lon) !== null && num(a.lat) !== null)
  if (pts.length === 1) return { lon: pts[0]!.lon!, lat: pts[0]!.lat! }
  if (pts.length > 1) {
    const xs = pts.map((a) => a.lon!)
    const ys = pts.map((a) => a.lat!)
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
  }
  return all.find((a) => a.extent)?.extent ?? null
}

/**
 * The incident and alert feed beside the map, newest first: incidents, hazards and disputes as
 * they are created and change (with their place, category and status), and alerts merged by rule
 * and place into one line with how many, since when and the latest (20 "hotspot unvisited" cells
 * of one minute in five villages are five lines). A click locates the line's subject on the map;
 * an open line has an acknowledge button for its unacknowledged alerts.
 */
export class LiveFeed {
  private lines: Line[] = []
  private readonly list: HTMLOListElement
  private readonly note: HTMLElement
  private loadError: unknown = null

  constructor(
    private readonly body: HTMLElement,
    private readonly locate: (target: Target) => void,
  ) {
    this.note = document.createElement('p')
    this.note.className = 'live-feed-note'
    this.list = document.createElement('ol')
    this.list.className = 'live-feed'
    body.append(this.note, this.list)
    onLangChange(() => this.render())
    this.render()
  }

  /** The alerts open now (before the stream's news). */
  async loadOpenAlerts(): Promise<void> {
    try {
      const alerts = await liveApi.openAlerts()
      this.loadError = null
      for (const a of alerts.reverse()) this.addAlert({ ...a, state: 'open' }, a.opened_at, false)
    } catch (err) {
      console.warn('live: open alerts:', err)
      this.loadError = err
    }
    this.render()
  }

  add(e: FeedEvent): void {
    if (e.kind === 'alerts') {
      const p = e.payload as unknown as AlertState
      this.addAlert({ ...p, id: Number(p.id) }, e.at, true)
      return
    }
    const op = (str(e.payload.op) ?? 'update') as EventLine['op']
    this.unshift({ type: 'event', key: `${e.kind}:${e.id}`, kind: e.kind, at: e.at, op, payload: e.payload })
    this.render()
  }

  /** The lines as shown (for the browser tests). */
  get shown(): ReadonlyArray<{ key: string; count: number }> {
    return this.lines.map((l) => ({ key: l.key, count: l.type === 'alert' ? l.alerts.size : 1 }))
  }

  private addAlert(a: AlertState, at: string, render: boolean): void {
    const key = alertLineKey(a)
    const line = (this.lines.find((l) => l.key === key) as AlertLine | undefined) ?? { type: 'alert', key, kind: a.kind, place: a.place ?? null, at, alerts: new Map() }
    const before = line.alerts.get(a.id)
    // A clearing or a repeat keeps who acknowledged it (the stream's rows do not say).
    line.alerts.set(a.id, { ...a, acknowledged_by: a.acknowledged_by ?? before?.acknowledged_by ?? null, acknowledged_at: a.acknowledged_at ?? before?.acknowledged_at ?? null })
    line.at = at > line.at ? at : line.at
    this.lines = this.lines.filter((l) => l !== line)
    this.unshift(line)
    if (render) this.render()
  }

  private unshift(line: Line): void {
    this.lines.unshift(line)
    if (this.lines.length > MAX_LINES) this.lines.length = MAX_LINES
  }

  private render(): void {
    const empty = this.lines.length === 0
    this.note.textContent = this.loadError ? t('live.feed.loadFailed', { message: errorText(this.loadError) }) : empty ? t('live.feed.empty') : ''
    this.note.hidden = !this.loadError && !empty
    this.list.replaceChildren(...this.lines.map((l) => this.row(l)))
  }

  private row(line: Line): HTMLLIElement {
    const li = document.createElement('li')
    li.dataset.key = line.key
    const head = document.createElement('button')
    head.type = 'button'
    head.className = 'live-item-head'
    const target = targetOf(line)
    head.disabled = target === null
    head.title = t('live.feed.flyTo')
    head.addEventListener('click', () => {
      if (target) this.locate(target)
    })
    const title = document.createElement('span')
    title.className = 'live-item-title'
    const time = document.createElement('time')
    const detail = document.createElement('span')
    detail.className = 'live-item-detail'
    head.append(title, time, detail)
    li.append(head)
    if (line.type === 'event') {
      li.className = `live-item live-${line.kind}`
      title.textContent = t(`live.feed.${line.kind}.${line.op}` as MessageKey)
      time.dateTime = line.at
      time.textContent = formatDateTime(line.at)
      const p = line.payload
      detail.textContent = [
        str(p.place),
        str(p.category) ? valueLabel(line.kind, 'category', String(p.category)) : null,
        str(p.status) ? valueLabel(line.kind, 'status', String(p.status)) : null,
        str(p.code),
      ].filter(Boolean).join(' · ')
      return li
    }
    const alerts = [...line.alerts.values()].sort((a, b) => a.opened_at.localeCompare(b.opened_at) || a.id - b.id)
    const open = alerts.filter((a) => a.state === 'open')
    li.className = `live-item live-alerts${open.length ? ' open' : ''}`
    li.dataset.count = String(alerts.length)
    title.textContent = `${t(KNOWN_RULES.has(line.kind) ? (`live.rule.${line.kind}` as MessageKey) : 'live.feed.alert.open')}${open.length ? '' : ` · ${t('live.feed.alert.cleared')}`}`
    if (alerts.length > 1) {
      const count = document.createElement('span')
      count.className = 'live-count'
      count.textContent = t('live.feed.count', { n: alerts.length })
      title.append(' ', count)
    }
    const first = alerts[0]!.opened_at
    const last = alerts[alerts.length - 1]!.opened_at
    time.dateTime = last
    // A span goes on a row of its own under the title (beside it, it squeezed the title to a
    // character a line); its second instant is only the time when it is the same day.
    const sameDay = formatDate(first) === formatDate(last)
    time.textContent = first === last ? formatDateTime(first) : t('live.feed.span', { first: formatDateTime(first), last: sameDay ? formatTime(last) : formatDateTime(last) })
    time.classList.toggle('live-span', first !== last)
    const place = line.place ?? (alerts.some((a) => a.extent) ? t('live.feed.place.rivers') : null)
    // The server's words, less the place the line already says; one per distinct message.
    const messages = [...new Set(alerts.map((a) => (line.place && a.message.startsWith(`${line.place} `) ? a.message.slice(line.place.length + 1) : a.message)))]
    const more = messages.length - MAX_MESSAGES
    detail.textContent = [place, [...messages.slice(0, MAX_MESSAGES), ...(more > 0 ? [t('live.feed.more', { n: more })] : [])].join('；')].filter(Boolean).join(' · ')
    const waiting = open.filter((a) => !a.acknowledged_by)
    const acked = [...new Set(open.map((a) => a.acknowledged_by).filter((w): w is string => !!w))]
    if (acked.length) {
      const done = document.createElement('span')
      done.className = 'live-acked'
      done.textContent = t('live.feed.acked', { who: acked.join('、') })
      li.append(done)
    }
    if (waiting.length) {
      const ack = document.createElement('button')
      ack.type = 'button'
      ack.className = 'live-ack'
      ack.textContent = waiting.length > 1 ? t('live.feed.ackAll', { n: waiting.length }) : t('live.feed.ack')
      ack.dataset.alertId = String(waiting[0]!.id)
      ack.addEventListener('click', () => void this.acknowledge(line, waiting, ack))
      li.append(ack)
    }
    if (line.ackError) {
      const failed = document.createElement('span')
      failed.className = 'live-ack-failed'
      failed.textContent = t('live.feed.ackFailed', { message: errorText(line.ackError) })
      li.append(failed)
    }
    return li
  }

  /** Acknowledges every alert of the line that is open and not yet acknowledged. */
  private async acknowledge(line: AlertLine, alerts: AlertState[], button: HTMLButtonElement): Promise<void> {
    button.disabled = true
    line.ackError = undefined
    let beaten = false
    for (const a of alerts) {
      try {
        const r = await liveApi.acknowledge(a.id)
        a.acknowledged_by = r.acknowledged_by
        a.acknowledged_at = r.acknowledged_at
      } catch (err) {
        console.warn(`live: acknowledging alert ${a.id}:`, err)
        // Someone else was first: the alert is acknowledged all the same (by whom: asked below).
        if (err instanceof ApiError && err.code === 'already_acknowledged') beaten = true
        else line.ackError = err
      }
    }
    if (beaten) {
      const now = await liveApi.openAlerts().catch(() => [])
      for (const r of now) {
        const a = line.alerts.get(r.id)
        if (a && r.acknowledged_by) Object.assign(a, { acknowledged_by: r.acknowledged_by, acknowledged_at: r.acknowledged_at })
      }
    }
    this.render()
  }
}
