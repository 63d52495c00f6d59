import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql } from 'kysely'
import type { DbHandle } from '../db/create-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { ApiError, handle } from '../http/errors.ts'
import { communityDashboard, DASHBOARD_CSV_COLUMNS, dashboardRows } from './dashboard.ts'
import { csvText } from '../http/csv.ts'
import { stationExists } from '../stations/stations.ts'
import { dashboardQuery } from '../contract/dashboard.ts'

/** The community dashboard: the story's figures computed live, filterable, as JSON or CSV. */
export function dashboardRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')
  router.get(
    '/community/dashboard',
    handle(async (req, res) => {
      const q = dashboardQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const { format, ...filter } = q.data
      if (filter.district && !(await sql`SELECT 1 FROM admin_areas WHERE code = ${filter.district} AND level = 'district'`.execute(db)).rows.length) {
        throw new ApiError(404, 'unknown_district', `no district ${filter.district}`)
      }
      if (filter.station && !(await stationExists(db, filter.station))) {
        throw new ApiError(404, 'unknown_station', `no police station ${filter.station}`)
      }
      const dashboard = await communityDashboard(db, filter)
      if (format === 'csv') {
        res.type('text/csv; charset=utf-8').attachment('community-dashboard.csv')
          .send(csvText([...DASHBOARD_CSV_COLUMNS], dashboardRows(dashboard)))
        return
      }
      res.json({ filter, ...dashboard })
    }),
  )
  return router
}
