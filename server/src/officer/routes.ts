import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import type { DbHandle } from '../db/create-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { handle } from '../http/errors.ts'
import { requirePrincipal } from '../auth/policy.ts'
import { myGridQuery } from '../contract/officer.ts'
import { myGrid } from './my-grid.ts'

/** The officer's phone view (issue 8): `GET /api/officer/my-grid`, scoped to the account's own cells. */
export function officerRoutes(database: DbHandle): Router {
  const { db } = database
  const router = secureRouter('/api')
  router.get(
    '/officer/my-grid',
    handle(async (req, res) => {
      const q = myGridQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const principal = requirePrincipal(req)
      res.set('cache-control', 'no-store').json(await myGrid(db, principal.userId, q.data.at ?? new Date().toISOString(), q.data.at !== undefined))
    }),
  )
  return router
}
