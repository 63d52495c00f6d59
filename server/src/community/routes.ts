import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import type { DbHandle } from '../db/create-db.ts'
import { dashboardRoutes } from './dashboard-routes.ts'
import { householdReportRoutes } from './household-report-routes.ts'
import { mediationRoutes } from './mediation-routes.ts'
import { meetingRoutes } from './meeting-routes.ts'
import { ruleRoutes } from './rule-routes.ts'
import { shopRoutes } from './shop-routes.ts'
import { volunteerRoutes } from './volunteer-routes.ts'
import { volunteerDayRoutes } from './volunteer-day-routes.ts'

/** Community programmes (issue 9): volunteers and their points, the point rules, the safety shop, the dashboard;
 * ten-household units' reports, mediation cases and coordination meetings. */
export function communityRoutes(database: DbHandle): Router {
  const router = secureRouter('/api')
  router.use(volunteerRoutes(database))
  router.use(volunteerDayRoutes(database))
  router.use(ruleRoutes(database))
  router.use(shopRoutes(database))
  router.use(dashboardRoutes(database))
  router.use(householdReportRoutes(database))
  router.use(mediationRoutes(database))
  router.use(meetingRoutes(database))
  return router
}
