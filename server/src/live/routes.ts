import { ingestPositions as positionsCounter } from '../ops/metrics.ts'
import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql } from 'kysely'
import type { DbHandle } from '../db/create-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { ApiError, handle } from '../http/errors.ts'
import type { LiveHub } from './hub.ts'
import { IngestWriter, validateBatch } from './ingest.ts'
import { openStream, streamAccess } from './stream.ts'
import { requirePrincipal } from '../auth/policy.ts'
import { readTracks } from './tracks.ts'
import { tracksQuery, type UnitInfo } from '../contract/live.ts'
import { unitOfRequest } from './unit-token.ts'

export function liveRoutes({ db }: DbHandle, hub: LiveHub, options: { heartbeatMs?: number } = {}): Router {
  const router = secureRouter('/api')
  const writer = new IngestWriter(db)

  router.post(
    '/live/positions',
    handle(async (req, res) => {
      const unit = await unitOfRequest(db, req)
      const { good, rejected } = validateBatch(req.body, unit.code)
      const result = await writer.write(unit.id, good)
      positionsCounter.inc({ result: 'accepted' }, result.accepted)
      positionsCounter.inc({ result: 'duplicate' }, result.duplicates)
      positionsCounter.inc({ result: 'rejected' }, rejected.length)
      res.status(good.length === 0 ? 422 : 200).json({ unit: unit.code, ...result, rejected })
    }),
  )

  router.get(
    '/live/stream',
    handle(async (req, res) => {
      await openStream(db, hub, req, res, options.heartbeatMs ?? 15_000, streamAccess(requirePrincipal(req)))
    }),
  )

  router.get(
    '/live/units',
    handle(async (_req, res) => {
      const r = await sql<UnitInfo>`
        SELECT u.id, u.code, u.callsign, u.kind, u.station_id, u.zone_id, c.ts, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, c.speed, c.heading
        FROM patrol_units u LEFT JOIN unit_current c ON c.unit_id = u.id ORDER BY u.code`.execute(db)
      res.json({ units: r.rows })
    }),
  )

  router.get(
    '/live/tracks',
    handle(async (req, res) => {
      const q = tracksQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const units = await readTracks(db, q.data.units, q.data.from, q.data.to)
      const missing = q.data.units.filter((c) => !units.some((u) => u.code === c))
      if (missing.length) throw new ApiError(404, 'unknown_unit', `no unit ${missing.join(', ')}`)
      res.json({ from: q.data.from, to: q.data.to, units })
    }),
  )
  return router
}
