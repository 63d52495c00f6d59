import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql } from 'kysely'
import type { DbHandle } from '../db/create-db.ts'
import { handle } from '../http/errors.ts'
import { errorMessage, type Logger } from '../logger.ts'

export function healthRoutes(database: DbHandle, logger: Logger): Router {
  const router = secureRouter('/api')
  router.get(
    '/health',
    handle(async (_req, res) => {
      try {
        const r = await sql<{ v: string }>`SELECT postgis_lib_version() AS v`.execute(database.db)
        res.json({ status: 'ok', database: { backend: database.backend, postgis: r.rows[0]?.v ?? 'unknown' } })
      } catch (err) {
        logger.warn(`health check: database unavailable: ${errorMessage(err)}`)
        res.set('Retry-After', '5').status(503).json({ status: 'degraded', database: { backend: database.backend, error: 'database unreachable' } })
      }
    }),
  )
  return router
}
