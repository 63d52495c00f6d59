import type { Router } from 'express'
import { z } from 'zod'
import { secureRouter } from '../auth/route-guard.ts'
import type { DbHandle } from '../db/create-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { handle } from '../http/errors.ts'
import { listStations } from './stations.ts'

/** `lon,lat` in WGS84. */
const point = z.string().transform((s, ctx) => {
  const parts = s.split(',')
  const [lon, lat] = parts.map((x) => (x.trim() === '' ? NaN : Number(x)))
  if (parts.length !== 2 || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon!) > 180 || Math.abs(lat!) > 90) {
    ctx.addIssue({ code: 'custom', message: 'at is lon,lat in degrees (WGS84), e.g. 125.145,42.9' })
    return z.NEVER
  }
  return [lon!, lat!] as const
})

const stationsQuery = z.strictObject({ at: point.optional() })

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
