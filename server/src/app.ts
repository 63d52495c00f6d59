import express, { type Express } from 'express'
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { DbHandle } from './db/create-db.ts'
import { hotspotRoutes } from './analysis/hotspot-routes.ts'
import { alertRoutes } from './alerts/routes.ts'
import { coverageRoutes } from './analysis/coverage-routes.ts'
import { auditRoutes } from './audit/routes.ts'
import { importRoutes } from './features/import-routes.ts'
import { featureReadRoutes } from './features/routes.ts'
import { transitionRoutes } from './features/transition-routes.ts'
import { featureWriteRoutes } from './features/write-routes.ts'
import { healthRoutes } from './health/routes.ts'
import { clientConfigRoutes } from './http/client-config.ts'
import { errorHandler, notFound } from './http/errors.ts'
import type { Config } from './config.ts'
import type { Logger } from './logger.ts'
import { LiveHub } from './live/hub.ts'
import { liveRoutes } from './live/routes.ts'
import { ogcRoutes } from './ogc/routes.ts'
import { statsRoutes } from './stats/routes.ts'
import { tileRoutes } from './tiles/routes.ts'

export interface AppOptions {
  database: DbHandle
  logger: Logger
  /** Built client (vite build output); served at / when present. */
  clientDir?: string
  /** Largest accepted JSON body. */
  bodyLimit?: string
  /** Largest accepted import (GeoJSON or CSV). */
  importLimit?: string
  /** SSE heartbeat interval. */
  liveHeartbeatMs?: number
  /** The installation's basemap setting, for `GET /api/config`. */
  basemap?: Pick<Config, 'BASEMAP' | 'TIANDITU_KEY' | 'BASEMAP_DATUM'>
}

/** The whole HTTP app, not listening: main.ts listens, tests mount it. */
export function createApp({ database, logger, clientDir, bodyLimit = '2mb', importLimit = '20mb', liveHeartbeatMs, basemap = { BASEMAP: 'none', BASEMAP_DATUM: 'WGS84' } }: AppOptions): Express {
  const app = express()
  // One LISTEN per process, started by the first stream client; main.ts stops it on shutdown.
  const liveHub = new LiveHub(database, logger)
  app.locals.liveHub = liveHub
  app.disable('x-powered-by')
  app.set('query parser', 'simple')
  // Hashing every multi-megabyte GeoJSON answer for a weak ETag costs more than it saves;
  // cacheable resources (tiles) set their own.
  app.set('etag', false)
  const jsonTypes = ['application/json', 'application/geo+json']
  // Imports may be larger than other bodies; parsed first, the general parser then skips them.
  app.use('/api/layers/:layer/import', express.json({ limit: importLimit, type: jsonTypes }), express.text({ limit: importLimit, type: ['text/csv', 'text/plain'] }))
  app.use(express.json({ limit: bodyLimit, type: jsonTypes }))

  const api = express.Router()
  api.use(healthRoutes(database, logger))
  api.use(statsRoutes(database))
  api.use(clientConfigRoutes(basemap))
  api.use(featureReadRoutes(database))
  api.use(featureWriteRoutes(database))
  api.use(transitionRoutes(database))
  api.use(importRoutes(database))
  api.use(auditRoutes(database))
  api.use(hotspotRoutes(database))
  api.use(coverageRoutes(database))
  api.use(liveRoutes(database, liveHub, liveHeartbeatMs ? { heartbeatMs: liveHeartbeatMs } : {}))
  api.use(alertRoutes(database))
  api.use(notFound)
  app.use('/api', api)
  app.use('/ogc', ogcRoutes(database))
  app.use('/tiles', tileRoutes(database))

  if (clientDir && existsSync(path.join(clientDir, 'index.html'))) {
    app.use(express.static(clientDir, { index: 'index.html', maxAge: '1h' }))
    app.get(/^\/(?!api\/|ogc\/|tiles\/).*/, (_req, res) => res.sendFile(path.join(clientDir, 'index.html')))
  }
  app.use(notFound)
  app.use(errorHandler(logger))
  return app
}
