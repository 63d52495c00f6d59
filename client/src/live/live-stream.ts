import type { LivePosition } from './unit-store.ts'

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed'

export interface FeedEvent {
  id: number
  kind: 'incidents' | 'hazards' | 'disputes' | 'alerts'
  at: string
  payload: Record<string, unknown>
}

export interface StreamHandlers {
  /** Every unit's current position (first message of a fresh connection). */
  snapshot(units: LivePosition[], serverAt: string): void
  positions(units: LivePosition[], serverAt: string): void
  event(e: FeedEvent): void
  state(s: ConnectionState): void
}

const KINDS = ['incidents', 'hazards', 'disputes', 'alerts'] as const

/**
 * `GET /api/live/stream` over EventSource. The browser reconnects by itself and sends
 * Last-Event-ID, so nothing is missed; when the server refuses the stream (EventSource gives
 * up), we reopen it after a pause with `lastEventId` in the query. The state is reported as it
 * is: connected only while the stream is open.
 */
export class LiveStream {
  private source: EventSource | null = null
  private lastId: string | null = null
  private retry: ReturnType<typeof setTimeout> | null = null
  private stopped = false

  constructor(private readonly handlers: StreamHandlers) {}

  start(): void {
    this.stopped = false
    this.open()
  }

  stop(): void {
    this.stopped = true
    if (this.retry) clearTimeout(this.retry)
    this.source?.close()
    this.source = null
    this.handlers.state('closed')
  }

  private open(): void {
    const params = new URLSearchParams({ layers: ['positions', ...KINDS].join(',') })
    if (this.lastId) params.set('lastEventId', this.lastId)
    const source = new EventSource(`/api/live/stream?${params}`)
    this.source = source
    this.handlers.state(this.lastId ? 'reconnecting' : 'connecting')
    source.onopen = () => this.handlers.state('connected')
    source.onerror = () => {
      if (source.readyState === EventSource.CONNECTING) this.handlers.state('reconnecting')
      else if (source.readyState === EventSource.CLOSED) {
        this.handlers.state('reconnecting')
        source.close()
        if (!this.stopped) this.retry = setTimeout(() => this.open(), 5000)
      }
    }
    const parse = (m: MessageEvent) => {
      if (m.lastEventId) this.lastId = m.lastEventId
      return JSON.parse(m.data as string) as { at: string; payload: unknown }
    }
    source.addEventListener('snapshot', (m) => {
      const d = parse(m)
      this.handlers.snapshot(d.payload as LivePosition[], d.at)
    })
    source.addEventListener('positions', (m) => {
      const d = parse(m)
      this.handlers.positions(d.payload as LivePosition[], d.at)
    })
    for (const kind of KINDS) {
      source.addEventListener(kind, (m) => {
        const d = parse(m)
        this.handlers.event({ id: Number(m.lastEventId), kind, at: d.at, payload: d.payload as Record<string, unknown> })
      })
    }
  }
}
