import type { Router } from 'express'
import { findLayer } from '../../../data/catalog/layers.ts'
import { readScopeOf } from '../auth/request-scope.ts'
import { secureRouter } from '../auth/route-guard.ts'
import type { DbHandle } from '../db/create-db.ts'
import { dbStep } from '../analysis/hex-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { handle } from '../http/errors.ts'
import { myDayQuery } from '../contract/volunteer.ts'
import { volunteerDay } from './volunteer-day.ts'

const hazards = findLayer('hazards')!
const disputes = findLayer('disputes')!

/**
 * The volunteer's phone view (issue 15): `GET /api/volunteer/my-day`, the account's own reports
 * with their status, its linked volunteer's points and the shop. The reports are those the layer
 * scope lets the account read (a volunteer: the ones it reported), in the SQL.
 */
export function volunteerDayRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')
  router.get(
    '/volunteer/my-day',
    handle(async (req, res) => {
      const q = myDayQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const h = readScopeOf(req, hazards)
      const d = readScopeOf(req, disputes)
      const day = await dbStep('reading the volunteer\u2019s day', () => volunteerDay(db, h.principal.userId, { hazards: h.where, disputes: d.where }))
      res.set('cache-control', 'no-store').json(day)
    }),
  )
  return router
}
