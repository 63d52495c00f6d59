import { formatDateTime, onLangChange, t, valueLabel, type MessageKey } from '../i18n.ts'
import { liveApi, type AlertRow } from './live-api.ts'
import type { FeedEvent } from './live-stream.ts'

const MAX_ITEMS = 150

interface Item {
  key: string
  kind: FeedEvent['kind']
  at: string
  lon: number | null
  lat: number | null
  /** Heading words (re-made on a language change). */
  title: () => string
  detail: () => string
  alert?: AlertRow & { state: 'open' | 'cleared' }
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/**
 * The incident and alert feed beside the map: new incidents, hazard and dispute changes, alerts
 * opening and clearing. Newest first; a click flies the map there; an open alert has an
 * acknowledge button that calls the alerts API and shows who acknowledged it.
 */
export class LiveFeed {
  private items: Item[] = []
  private readonly list: HTMLOListElement
  private readonly note: HTMLElement

  constructor(
    private readonly body: HTMLElement,
    private readonly flyTo: (lon: number, lat: number) => void,
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
      for (const a of alerts.reverse()) this.addAlert({ ...a, state: 'open' }, a.opened_at)
    } catch (err) {
      this.note.textContent = t('live.feed.loadFailed', { message: (err as Error).message })
    }
  }

  add(e: FeedEvent): void {
    if (e.kind === 'alerts') {
      const p = e.payload as unknown as AlertRow & { state: 'open' | 'cleared' }
      this.addAlert({ ...p, id: Number(p.id), acknowledged_by: null, acknowledged_at: null }, e.at)
      return
    }
    const p = e.payload
    const op = (typeof p.op === 'string' ? p.op : 'update') as 'insert' | 'update' | 'delete'
    const layer = e.kind
    this.push({
      key: `${e.kind}:${e.id}`,
      kind: e.kind,
      at: e.at,
      lon: num(p.lon),
      lat: num(p.lat),
      title: () => t(`live.feed.${layer}.${op}` as MessageKey),
      detail: () =>
        [p.code, typeof p.category === 'string' ? valueLabel(layer, 'category', p.category) : null, typeof p.status === 'string' ? valueLabel(layer, 'status', p.status) : null]
          .filter(Boolean)
          .join(' · '),
    })
  }

  private addAlert(a: AlertRow & { state: 'open' | 'cleared' }, at: string): void {
    // One row per alert: a clearing replaces the opening.
    this.items = this.items.filter((i) => i.key !== `alert:${a.id}`)
    this.push({
      key: `alert:${a.id}`,
      kind: 'alerts',
      at,
      lon: num(a.lon),
      lat: num(a.lat),
      title: () => t(a.state === 'open' ? 'live.feed.alert.open' : 'live.feed.alert.cleared'),
      detail: () => a.message,
      alert: a,
    })
  }

  private push(item: Item): void {
    this.items.unshift(item)
    if (this.items.length > MAX_ITEMS) this.items.length = MAX_ITEMS
    this.render()
  }

  private render(): void {
    this.note.textContent = this.items.length ? '' : t('live.feed.empty')
    this.note.hidden = this.items.length > 0
    this.list.replaceChildren(...this.items.map((i) => this.row(i)))
  }

  private row(item: Item): HTMLLIElement {
    const li = document.createElement('li')
    li.className = `live-item live-${item.kind}${item.alert?.state === 'open' ? ' open' : ''}`
    li.dataset.key = item.key
    const head = document.createElement('button')
    head.type = 'button'
    head.className = 'live-item-head'
    head.disabled = item.lon === null
    head.title = t('live.feed.flyTo')
    const title = document.createElement('span')
    title.className = 'live-item-title'
    title.textContent = item.title()
    const time = document.createElement('time')
    time.dateTime = item.at
    time.textContent = formatDateTime(item.at)
    const detail = document.createElement('span')
    detail.className = 'live-item-detail'
    detail.textContent = item.detail()
    head.append(title, time, detail)
    head.addEventListener('click', () => {
      if (item.lon !== null && item.lat !== null) this.flyTo(item.lon, item.lat)
    })
    li.append(head)
    const a = item.alert
    if (a && a.state === 'open') {
      if (a.acknowledged_by) {
        const done = document.createElement('span')
        done.className = 'live-acked'
        done.textContent = t('live.feed.acked', { who: a.acknowledged_by })
        li.append(done)
      } else {
        const ack = document.createElement('button')
        ack.type = 'button'
        ack.className = 'live-ack'
        ack.textContent = t('live.feed.ack')
        ack.dataset.alertId = String(a.id)
        ack.addEventListener('click', () => {
          ack.disabled = true
          liveApi
            .acknowledge(a.id)
            .then((r) => {
              a.acknowledged_by = r.acknowledged_by
              a.acknowledged_at = r.acknowledged_at
              this.render()
            })
            .catch((err: Error) => {
              ack.disabled = false
              ack.textContent = t('live.feed.ackFailed', { message: err.message })
            })
        })
        li.append(ack)
      }
    }
    return li
  }
}
