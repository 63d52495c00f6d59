import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import type { DbHandle } from '../db/create-db.ts'
import type { LiveHub } from '../live/hub.ts'
import { METRICS } from './metrics.ts'

/** `GET /api/metrics`: Prometheus text for this process (scrape it with a command account's token). */
export function metricsRoutes(database: DbHandle, hub: LiveHub): Router {
  METRICS.gauge('pingan_db_pool_connections', 'database pool connections by state (PostgreSQL)', () => {
    const s = database.poolStats()
    return s ? [{ labels: { state: 'total' }, value: s.total }, { labels: { state: 'idle' }, value: s.idle }, { labels: { state: 'waiting' }, value: s.waiting }] : []
  })
  METRICS.gauge('pingan_sse_clients', 'open live-stream clients', () => [{ value: hub.subscriberCount }])
  const router = secureRouter('/api')
  router.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4; charset=utf-8').send(METRICS.render())
  })
  return router
}
