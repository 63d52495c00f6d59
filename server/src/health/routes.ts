import { Router } from 'express'
import { sql } from 'kysely'
import type { DbHandle } from '../db/create-db.ts'
import { handle } from '../http/errors.ts'
import { errorMessage, type Logger } from '../logger.ts'

export function healthRoutes(handle_: DbHandle, logger: Logger): Router {
  const router = Router()
  router.get(
    '/health',
    handle(async (_req, res) => {
      try {
        const r = await sql<{ v: string }>`SELECT postgis_lib_version() AS v`.execute(handle_.db)
        res.json({ status: 'ok', database: { backend: handle_.backend, postgis: r.rows[0]?.v ?? 'unknown' } })
      } catch (err) {
        logger.warn(`health check: database unavailable: ${errorMessage(err)}`)
        res.status(503).json({ status: 'unavailable', database: { backend: handle_.backend, error: 'database unreachable' } })
      }
    }),
  )
  return router
}
