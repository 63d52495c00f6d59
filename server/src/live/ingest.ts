import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import { ApiError } from '../http/errors.ts'
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

/**
 * Stores a unit's positions in one transaction: idempotent on (unit, ts) so a retried batch never
 * doubles a point; out-of-order points join the track but the current position only moves
 * forward; a moved current position is logged as a live event (NOTIFY fans it out).
 */
export async function ingestPositions(db: Kysely<any>, unitId: number, positions: Position[]): Promise<Omit<IngestResult, 'rejected'>> {
  if (positions.length === 0) return { accepted: 0, duplicates: 0, currentMoved: false }
  const rows = JSON.stringify(positions.map(({ ts, lon, lat, speed, heading, accuracy }) => ({ ts, lon, lat, speed: speed ?? null, heading: heading ?? null, accuracy: accuracy ?? null })))
  return db.transaction().execute(async (trx) => {
    const ins = await sql<{ n: number }>`
      WITH input AS (SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS x(ts timestamptz, lon float8, lat float8, speed real, heading real, accuracy real)),
      ins AS (
        INSERT INTO unit_positions (unit_id, ts, speed, heading, accuracy, geom)
        SELECT ${unitId}, ts, speed, heading, accuracy, ST_SetSRID(ST_MakePoint(lon, lat), 4326) FROM input
        ON CONFLICT (unit_id, ts) DO NOTHING RETURNING 1
      )
      SELECT count(*)::int AS n FROM ins`.execute(trx)
    const accepted = ins.rows[0]?.n ?? 0
    const latest = positions.reduce((a, b) => (Date.parse(b.ts) > Date.parse(a.ts) ? b : a))
    const moved = await sql<{ unit_id: number }>`
      INSERT INTO unit_current (unit_id, ts, speed, heading, geom)
      VALUES (${unitId}, ${latest.ts}::timestamptz, ${latest.speed ?? null}, ${latest.heading ?? null}, ST_SetSRID(ST_MakePoint(${latest.lon}, ${latest.lat}), 4326))
      ON CONFLICT (unit_id) DO UPDATE SET ts = excluded.ts, speed = excluded.speed, heading = excluded.heading, geom = excluded.geom
      WHERE unit_current.ts < excluded.ts
      RETURNING unit_id`.execute(trx)
    const currentMoved = moved.rows.length > 0
    if (currentMoved) {
      await sql`
        INSERT INTO live_events (kind, payload, geom)
        SELECT 'positions', jsonb_build_array(jsonb_build_object('unit_id', u.id, 'code', u.code, 'callsign', u.callsign, 'kind', u.kind,
                 'ts', c.ts, 'lon', ST_X(c.geom), 'lat', ST_Y(c.geom), 'speed', c.speed, 'heading', c.heading)), c.geom
        FROM unit_current c JOIN patrol_units u ON u.id = c.unit_id WHERE c.unit_id = ${unitId}`.execute(trx)
    }
    return { accepted, duplicates: positions.length - accepted, currentMoved }
  })
}
