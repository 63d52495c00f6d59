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
  /** Ends the subscriber's stream (shutdown); the client reconnects elsewhere with Last-Event-ID. */
  close?(): void
}

/**
 * An event's payload as clients get it (`live_events e`): an incident, hazard or dispute also
 * carries where it is (a deletion logs only the id, its point is the row's geom) and the town and
 * village or community of its grid cell, so every feed line reads by place and can be located.
 */
export const eventPayload = sql`CASE WHEN e.kind IN ('incidents', 'hazards', 'disputes') THEN e.payload || jsonb_strip_nulls(jsonb_build_object(
    'lon', coalesce(e.payload -> 'lon', to_jsonb(ST_X(e.geom))), 'lat', coalesce(e.payload -> 'lat', to_jsonb(ST_Y(e.geom))),
    'place', (SELECT t.name || v.name FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code JOIN admin_areas t ON t.code = v.parent_code
              WHERE g.id = (e.payload ->> 'grid_id')::int)))
  ELSE e.payload END`

const CHANNEL = 'pingan_live'
const BATCH = 2000
/** How long an id skipped by a concurrent transaction is waited for. */
const GAP_WAIT_MS = 10_000

/**
 * One LISTEN per server process; on each NOTIFY it reads the new rows of `live_events` and hands
 * them to every subscriber. Several processes on one database each run their own hub, so all of
 * them deliver every event.
 */
export class LiveHub {
  readonly #subscribers = new Set<Subscriber>()
  #lastId = 0
  readonly #pending = new Map<number, number>()
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

  /** Ends every open stream (graceful shutdown): they are never-ending requests. */
  closeAll(): void {
    for (const s of this.#subscribers) s.close?.()
  }

  /** Open stream clients of this process. */
  get subscriberCount(): number {
    return this.#subscribers.size
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
    // Ids a concurrent transaction had taken but not yet committed when a larger id was read:
    // asked for again on the next polls (a rolled-back id never shows up and expires).
    const now = Date.now()
    for (const [id, since] of this.#pending) if (now - since > GAP_WAIT_MS) this.#pending.delete(id)
    if (this.#pending.size) {
      const late = await this.#read(sql`id IN (${sql.join([...this.#pending.keys()])})`)
      for (const e of late) {
        this.#pending.delete(e.id)
        this.#deliver(e, true)
      }
    }
    for (;;) {
      const rows = await this.#read(sql`id > ${this.#lastId}`)
      for (const e of rows) {
        if (e.id - this.#lastId > 1 && e.id - this.#lastId < 1000) {
          for (let missing = this.#lastId + 1; missing < e.id; missing++) this.#pending.set(missing, now)
        }
        this.#lastId = e.id
        this.#deliver(e)
      }
      if (rows.length < BATCH) return
    }
  }

  async #read(where: ReturnType<typeof sql>): Promise<LiveEvent[]> {
    const r = await sql<{ id: string; kind: LiveEvent['kind']; at: Date; payload: unknown }>`
      SELECT e.id::text AS id, e.kind, e.at, ${eventPayload} AS payload FROM live_events e WHERE ${where} ORDER BY e.id LIMIT ${BATCH}`.execute(this.database.db)
    return r.rows.map((row) => ({ id: Number(row.id), kind: row.kind, at: new Date(row.at).toISOString(), payload: row.payload }))
  }

  /** In-order events go to subscribers past whose cursor they are; late ones to everyone. */
  #deliver(event: LiveEvent, late = false): void {
    for (const s of this.#subscribers) if (late || event.id > s.cursor) s.send(event)
  }
}
