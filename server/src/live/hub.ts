import { sql } from 'kysely'
import type { DbHandle } from '../db/create-db.ts'
import { errorMessage, type Logger } from '../logger.ts'

export interface LiveEvent {
  id: number
  kind: 'positions' | 'incidents' | 'hazards' | 'disputes' | 'alerts'
  at: string
  payload: unknown
}

export interface Subscriber {
  /** Only events after this id reach the subscriber (resume point). */
  cursor: number
  send(event: LiveEvent): void
}

const CHANNEL = 'pingan_live'
/** Ids that committed late (a smaller id committing after a larger one) are caught this far back. */
const LOOKBACK = 500

/**
 * One LISTEN per server process; on each NOTIFY it reads the new rows of `live_events` and hands
 * them to every subscriber. Several processes on one database each run their own hub, so all of
 * them deliver every event.
 */
export class LiveHub {
  readonly #subscribers = new Set<Subscriber>()
  #lastId = 0
  #seen = new Set<number>()
  #fetching: Promise<void> | null = null
  #again = false
  #unlisten: (() => Promise<void>) | null = null
  #starting: Promise<void> | null = null

  constructor(
    private readonly database: DbHandle,
    private readonly logger: Logger,
  ) {}

  /** Starts listening (once); resolves when NOTIFYs will be seen. */
  start(): Promise<void> {
    this.#starting ??= (async () => {
      const r = await sql<{ id: string | null }>`SELECT max(id)::text AS id FROM live_events`.execute(this.database.db)
      this.#lastId = Number(r.rows[0]?.id ?? 0)
      this.#unlisten = await this.database.listen(CHANNEL, () => this.#poll())
      // Events committed between reading max(id) and LISTEN are caught by one poll.
      this.#poll()
    })()
    return this.#starting
  }

  async stop(): Promise<void> {
    const unlisten = this.#unlisten
    this.#unlisten = null
    this.#starting = null
    if (unlisten) await unlisten()
  }

  get lastId(): number {
    return this.#lastId
  }

  subscribe(s: Subscriber): () => void {
    this.#subscribers.add(s)
    return () => this.#subscribers.delete(s)
  }

  /** Coalesces bursts of NOTIFYs into sequential reads. */
  #poll(): void {
    if (this.#fetching) {
      this.#again = true
      return
    }
    this.#fetching = this.#fetch()
      .catch((err) => this.logger.warn(`live hub: reading live_events failed: ${errorMessage(err)}`))
      .finally(() => {
        this.#fetching = null
        if (this.#again) {
          this.#again = false
          this.#poll()
        }
      })
  }

  async #fetch(): Promise<void> {
    for (;;) {
      const r = await sql<{ id: string; kind: LiveEvent['kind']; at: Date; payload: unknown }>`
        SELECT id::text AS id, kind, at, payload FROM live_events WHERE id > ${Math.max(0, this.#lastId - LOOKBACK)} ORDER BY id LIMIT 2000`.execute(this.database.db)
      const fresh = r.rows.filter((row) => !this.#seen.has(Number(row.id)))
      for (const row of fresh) {
        const event: LiveEvent = { id: Number(row.id), kind: row.kind, at: new Date(row.at).toISOString(), payload: row.payload }
        this.#remember(event.id)
        for (const s of this.#subscribers) if (event.id > s.cursor) s.send(event)
      }
      if (r.rows.length < 2000) return
    }
  }

  #remember(id: number): void {
    this.#seen.add(id)
    if (id > this.#lastId) this.#lastId = id
    if (this.#seen.size > LOOKBACK * 4) {
      for (const old of this.#seen) {
        if (old < this.#lastId - LOOKBACK) this.#seen.delete(old)
      }
    }
  }
}
