import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import { intArray } from '../auth/layer-access.ts'
import { ApiError, isDatabaseUnavailable } from '../http/errors.ts'
import { issuesMessage } from '../features/write-schema.ts'

export const MAX_BATCH = 10000

const positionSchema = z
  .object({
    unit: z.string().min(1).max(40),
    ts: z.iso.datetime({ offset: true }),
    lon: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    speed: z.number().min(0).max(100).nullable().optional(),
    heading: z.number().min(0).lt(360).nullable().optional(),
    accuracy: z.number().min(0).max(10000).nullable().optional(),
  })
  .strict()

export type Position = z.infer<typeof positionSchema>

export interface IngestResult {
  accepted: number
  duplicates: number
  rejected: Array<{ index: number; reason: string }>
  /** Whether the unit's current position moved (a newer report than the stored one). */
  currentMoved: boolean
}

/** Splits a batch into valid positions of this unit and per-item rejections. */
export function validateBatch(body: unknown, unitCode: string, now = Date.now()): { good: Position[]; rejected: IngestResult['rejected'] } {
  const items = Array.isArray(body) ? body : (body as { positions?: unknown } | null)?.positions
  if (!Array.isArray(items)) throw new ApiError(400, 'invalid_body', 'send an array of positions, or {"positions": [...]}')
  if (items.length === 0) throw new ApiError(400, 'empty_batch', 'no positions')
  if (items.length > MAX_BATCH) throw new ApiError(413, 'batch_too_large', `at most ${MAX_BATCH} positions a batch`)
  const good: Position[] = []
  const rejected: IngestResult['rejected'] = []
  items.forEach((item, index) => {
    const r = positionSchema.safeParse(item)
    if (!r.success) rejected.push({ index, reason: issuesMessage(r.error.issues) })
    else if (r.data.unit !== unitCode) rejected.push({ index, reason: `this token reports for unit ${unitCode}, not ${r.data.unit}` })
    else if (Date.parse(r.data.ts) > now + 5 * 60_000) rejected.push({ index, reason: 'ts is more than 5 minutes in the future' })
    else good.push(r.data)
  })
  return { good, rejected }
}

type Written = Omit<IngestResult, 'rejected'>

interface Pending {
  unitId: number
  positions: Position[]
  resolve: (r: Written) => void
  reject: (err: unknown) => void
}

/**
 * Stores units' positions, many requests in one transaction (group commit): while one batch is
 * being written, the requests that arrive wait and go together in the next. One report costs a
 * share of three statements instead of five round trips of its own, so a thousand units a second
 * is a few dozen transactions. Each request is answered only after its batch has committed.
 * Idempotent on (unit, ts): a retried report is never stored twice; out-of-order reports join the
 * track but a unit's current position only moves forward; each batch that moved any unit logs one
 * `positions` live event listing them (NOTIFY fans it out).
 */
export class IngestWriter {
  readonly #queue: Pending[] = []
  #writing = false

  constructor(
    private readonly db: Kysely<any>,
    /** Most positions in one transaction. */
    private readonly maxPositions = 5000,
  ) {}

  write(unitId: number, positions: Position[]): Promise<Written> {
    if (positions.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0, currentMoved: false })
    return new Promise((resolve, reject) => {
      this.#queue.push({ unitId, positions, resolve, reject })
      void this.#drain()
    })
  }

  async #drain(): Promise<void> {
    if (this.#writing) return
    this.#writing = true
    try {
      while (this.#queue.length > 0) {
        // One turn of the event loop first: requests whose token lookups have just finished join.
        await new Promise((resolve) => setImmediate(resolve))
        const batch: Pending[] = []
        let n = 0
        while (this.#queue.length > 0 && (batch.length === 0 || n + this.#queue[0]!.positions.length <= this.maxPositions)) {
          const next = this.#queue.shift()!
          batch.push(next)
          n += next.positions.length
        }
        try {
          const results = await writeBatch(this.db, batch)
          batch.forEach((p, i) => p.resolve(results[i]!))
        } catch (err) {
          // The database is away: every request of the batch is refused now (503; devices retry).
          // Anything else (a deadlock with another process, a unit deleted meanwhile): each request
          // alone, so one cannot fail the others.
          if (batch.length === 1 || isDatabaseUnavailable(err)) for (const p of batch) p.reject(err)
          else
            for (const p of batch) {
              try {
                p.resolve((await writeBatch(this.db, [p]))[0]!)
              } catch (one) {
                p.reject(one)
              }
            }
        }
      }
    } finally {
      this.#writing = false
    }
  }
}

async function writeBatch(db: Kysely<any>, batch: Pending[]): Promise<Written[]> {
  const rows = JSON.stringify(
    batch.flatMap((p, req) =>
      p.positions.map(({ ts, lon, lat, speed, heading, accuracy }, ord) => ({ req, ord, unit_id: p.unitId, ts, lon, lat, speed: speed ?? null, heading: heading ?? null, accuracy: accuracy ?? null })),
    ),
  )
  const input = sql`SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS x(req int, ord int, unit_id int, ts timestamptz, lon float8, lat float8, speed real, heading real, accuracy real)`
  return db.transaction().execute(async (trx) => {
    // The same (unit, ts) twice in one batch (a retry racing its original) is stored once, and
    // counted for the first request that sent it.
    const inserted = await sql<{ req: number; n: number }>`
      WITH input AS (${input}),
      firsts AS (SELECT DISTINCT ON (unit_id, ts) * FROM input ORDER BY unit_id, ts, req, ord),
      ins AS (
        INSERT INTO unit_positions (unit_id, ts, speed, heading, accuracy, geom)
        SELECT unit_id, ts, speed, heading, accuracy, ST_SetSRID(ST_MakePoint(lon, lat), 4326) FROM firsts ORDER BY unit_id, ts
        ON CONFLICT (unit_id, ts) DO NOTHING RETURNING unit_id, ts
      )
      SELECT f.req, count(*)::int AS n FROM ins JOIN firsts f USING (unit_id, ts) GROUP BY f.req`.execute(trx)
    const moved = await sql<{ unit_id: number; ts: string }>`
      WITH input AS (${input}),
      latest AS (SELECT DISTINCT ON (unit_id) * FROM input ORDER BY unit_id, ts DESC, req DESC, ord DESC)
      INSERT INTO unit_current (unit_id, ts, speed, heading, geom)
      SELECT unit_id, ts, speed, heading, ST_SetSRID(ST_MakePoint(lon, lat), 4326) FROM latest ORDER BY unit_id
      ON CONFLICT (unit_id) DO UPDATE SET ts = excluded.ts, speed = excluded.speed, heading = excluded.heading, geom = excluded.geom
      WHERE unit_current.ts < excluded.ts
      RETURNING unit_id`.execute(trx)
    const movedUnits = new Set(moved.rows.map((r) => Number(r.unit_id)))
    if (movedUnits.size > 0) {
      // One event for the batch; its point only when it is one unit (the column is a point).
      await sql`
        INSERT INTO live_events (kind, payload, geom)
        SELECT 'positions',
               jsonb_agg(jsonb_build_object('unit_id', u.id, 'code', u.code, 'callsign', u.callsign, 'kind', u.kind,
                 'ts', c.ts, 'lon', ST_X(c.geom), 'lat', ST_Y(c.geom), 'speed', c.speed, 'heading', c.heading) ORDER BY u.id),
               CASE WHEN count(*) = 1 THEN (array_agg(c.geom))[1] END
        FROM unit_current c JOIN patrol_units u ON u.id = c.unit_id WHERE c.unit_id = ANY(${intArray([...movedUnits])})`.execute(trx)
    }
    const accepted = new Map(inserted.rows.map((r) => [Number(r.req), Number(r.n)]))
    // Per unit, the newest report of the batch is the one that moved it.
    const newest = new Map<number, number>()
    for (const p of batch) for (const q of p.positions) newest.set(p.unitId, Math.max(newest.get(p.unitId) ?? -Infinity, Date.parse(q.ts)))
    return batch.map((p, req) => {
      const n = accepted.get(req) ?? 0
      const mine = Math.max(...p.positions.map((q) => Date.parse(q.ts)))
      return { accepted: n, duplicates: p.positions.length - n, currentMoved: movedUnits.has(p.unitId) && mine === newest.get(p.unitId) }
    })
  })
}
