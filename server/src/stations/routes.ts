import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import type { DbHandle } from '../db/create-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { handle } from '../http/errors.ts'
import { listStations } from './stations.ts'
import { stationsQuery } from '../contract/stations.ts'

/**
 * `GET /api/stations[?at=lon,lat]`: every police unit that owns grid cells or patrol zones
 * (stations.ts), the one list every station picker and table uses; `at` answers the station
 * owning that point (a list of one).
 */
export function stationRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')
  router.get(
    '/stations',
    handle(async (req, res) => {
      const q = stationsQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      res.json({ stations: await listStations(db, q.data.at) })
    }),
  )
  return router
}
