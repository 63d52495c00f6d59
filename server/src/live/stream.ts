import type { Request, Response } from 'express'
import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import { bboxSchema, invalidQuery } from '../features/query-schema.ts'
import { eventPayload, type LiveEvent, type LiveHub } from './hub.ts'
import { ApiError } from '../http/errors.ts'
import { intArray } from '../auth/layer-access.ts'
import type { Principal } from '../auth/principal.ts'

const KINDS = ['positions', 'incidents', 'hazards', 'disputes', 'alerts'] as const

const streamQuery = z
  .object({
    layers: z
      .string()
      .transform((s) => s.split(',').filter(Boolean))
      .pipe(z.array(z.enum(KINDS)).min(1))
      .optional(),
    bbox: bboxSchema.optional(),
    lastEventId: z.string().regex(/^\d+$/).optional(),
  })
  .strict()

type Bbox = readonly [number, number, number, number]
const inBox = (b: Bbox | undefined, lon: unknown, lat: unknown) =>
  !b || (typeof lon === 'number' && typeof lat === 'number' && lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3])

/**
 * What a stream client may receive: command staff everything; an officer the incidents, hazards
 * and disputes of their own grid cells (no unit positions, no alerts).
 */
export interface StreamAccess {
  kinds: ReadonlySet<string>
  /** Only events whose `grid_id` is one of these (undefined: no grid limit). */
  grids?: ReadonlySet<number>
}

export function streamAccess(p: Principal): StreamAccess {
  if (p.role === 'officer') return { kinds: new Set(['incidents', 'hazards', 'disputes']), grids: new Set(p.gridIds) }
  if (p.role === 'volunteer') return { kinds: new Set() }
  return { kinds: new Set(KINDS) }
}

/** The event as this client should see it (positions trimmed to its bbox), or null. */
function filtered(e: LiveEvent, kinds: ReadonlySet<string>, bbox: Bbox | undefined, grids?: ReadonlySet<number>): LiveEvent | null {
  if (!kinds.has(e.kind)) return null
  if (grids && !grids.has(Number((e.payload as { grid_id?: unknown }).grid_id))) return null
  if (e.kind === 'positions' && Array.isArray(e.payload)) {
    const units = (e.payload as Array<{ lon?: unknown; lat?: unknown }>).filter((p) => inBox(bbox, p.lon, p.lat))
    return units.length ? { ...e, payload: units } : null
  }
  const p = e.payload as { lon?: unknown; lat?: unknown; op?: string }
  return p.op === 'delete' || inBox(bbox, p.lon, p.lat) ? e : null
}

/**
 * `GET /api/live/stream`: Server-Sent Events. A new client first gets a `snapshot` of current
 * unit positions; a reconnecting one (Last-Event-ID) gets every event it missed, then live ones.
 * Heartbeat comments keep proxies from closing the connection.
 */
export async function openStream(db: Kysely<any>, hub: LiveHub, req: Request, res: Response, heartbeatMs: number, access: StreamAccess): Promise<void> {
  const q = streamQuery.safeParse(req.query)
  if (!q.success) throw invalidQuery(q.error.issues)
  const refused = (q.data.layers ?? []).filter((k) => !access.kinds.has(k))
  if (refused.length) throw new ApiError(403, 'forbidden', `this account may not follow ${refused.join(', ')}`)
  const kinds = new Set<string>(q.data.layers ?? [...access.kinds])
  const grids = access.grids
  const bbox = q.data.bbox
  const resumeFrom = req.get('last-event-id') ?? q.data.lastEventId
  const resume = resumeFrom && /^\d+$/.test(resumeFrom) ? Number(resumeFrom) : null
  await hub.start()

  // Set before the head is written, so the compression filter sees a stream (and `no-transform`) and leaves it alone.
  res.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' })
  res.writeHead(200)
  res.write('retry: 2000\n\n')
  const write = (e: LiveEvent, name: string = e.kind) => res.write(`id: ${e.id}\nevent: ${name}\ndata: ${JSON.stringify({ at: e.at, payload: e.payload })}\n\n`)

  // Subscribe first and hold live events until the replay/snapshot is written: no gap, no repeat.
  const held: LiveEvent[] = []
  let ready = false
  const sub = {
    cursor: resume ?? hub.lastId,
    close() {
      res.end()
    },
    send(e: LiveEvent) {
      const f = filtered(e, kinds, bbox, grids)
      if (!f) return
      if (ready) write(f)
      else held.push(f)
    },
  }
  const unsubscribe = hub.subscribe(sub)
  let cursor: number
  if (resume !== null) {
    const missed = await sql<{ id: string; kind: LiveEvent['kind']; at: Date; payload: unknown }>`
      SELECT e.id::text AS id, e.kind, e.at, ${eventPayload} AS payload FROM live_events e
      WHERE e.id > ${resume} AND e.kind IN (${sql.join([...kinds])})
        ${grids ? sql`AND (e.payload ->> 'grid_id')::int = ANY(${intArray([...grids])})` : sql``}
      ORDER BY e.id LIMIT 50000`.execute(db)
    cursor = resume
    for (const row of missed.rows) {
      const e: LiveEvent = { id: Number(row.id), kind: row.kind, at: new Date(row.at).toISOString(), payload: row.payload }
      cursor = e.id
      const f = filtered(e, kinds, bbox, grids)
      if (f) write(f)
    }
  } else if (!kinds.has('positions')) {
    cursor = sub.cursor
    write({ id: cursor, kind: 'positions', at: new Date().toISOString(), payload: [] }, 'snapshot')
  } else {
    cursor = sub.cursor
    const snap = await sql<{ units: unknown }>`
      SELECT coalesce(jsonb_agg(jsonb_build_object('unit_id', u.id, 'code', u.code, 'callsign', u.callsign, 'kind', u.kind, 'ts', c.ts,
               'lon', ST_X(c.geom), 'lat', ST_Y(c.geom), 'speed', c.speed, 'heading', c.heading) ORDER BY u.id), '[]'::jsonb) AS units
      FROM unit_current c JOIN patrol_units u ON u.id = c.unit_id
      ${bbox ? sql`WHERE c.geom && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)` : sql``}`.execute(db)
    write({ id: cursor, kind: 'positions', at: new Date().toISOString(), payload: snap.rows[0]?.units ?? [] }, 'snapshot')
  }
  for (const e of held) if (e.id > cursor) write(e)
  sub.cursor = cursor
  ready = true

  const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs)
  req.on('close', () => {
    clearInterval(heartbeat)
    unsubscribe()
  })
}
