import express, { type Express, type Router } from 'express'
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { DbHandle } from './db/create-db.ts'
import { hotspotRoutes } from './analysis/hotspot-routes.ts'
import { alertRoutes } from './alerts/routes.ts'
import { coverageRoutes } from './analysis/coverage-routes.ts'
import { communityRoutes } from './community/routes.ts'
import { auditRoutes } from './audit/routes.ts'
import { adminRoutes } from './auth/admin-routes.ts'
import { authenticate, csrfProtection, writeRateLimit } from './auth/middleware.ts'
import { gate, listRoutes } from './auth/policy.ts'
import { PrincipalCache } from './auth/principal.ts'
import { LoginThrottle, WriteLimiter } from './auth/rate-limit.ts'
import { authRoutes } from './auth/routes.ts'
import { importRoutes } from './features/import-routes.ts'
import { featureReadRoutes } from './features/routes.ts'
import { transitionRoutes } from './features/transition-routes.ts'
import { featureWriteRoutes } from './features/write-routes.ts'
import { healthRoutes } from './health/routes.ts'
import { basemapOrigins, clientConfigRoutes } from './http/client-config.ts'
import { securityHeaders } from './http/security-headers.ts'
import { errorHandler, notFound } from './http/errors.ts'
import type { Config } from './config.ts'
import type { Logger } from './logger.ts'
import { LiveHub } from './live/hub.ts'
import { liveRoutes } from './live/routes.ts'
import { ogcRoutes } from './ogc/routes.ts'
import { officerRoutes } from './officer/routes.ts'
import { plannerRoutes } from './planner/routes.ts'
import { statsRoutes } from './stats/routes.ts'
import { metricsRoutes } from './ops/metrics-routes.ts'
import { requestLogging } from './ops/request-context.ts'
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
  auth?: Partial<AuthSettings>
}

export interface AuthSettings {
  /** Absolute lifetime of a browser session. */
  sessionHours: number
  /** Send the session cookie only over HTTPS (production). */
  secureCookie: boolean
  /** Writes per account per minute. */
  writesPerMinute: number
  /** How long resolved credentials are remembered in this process (0: look up every request). */
  credentialCacheMs: number
  /** Failed sign-ins before a 15-minute lockout. */
  loginMaxFailures: number
}

const DEFAULT_AUTH: AuthSettings = { sessionHours: 12, secureCookie: false, writesPerMinute: 600, credentialCacheMs: 5000, loginMaxFailures: 5 }

/** The whole HTTP app, not listening: main.ts listens, tests mount it. */
export function createApp({ database, logger, clientDir, bodyLimit = '2mb', importLimit = '20mb', liveHeartbeatMs, basemap = { BASEMAP: 'none', BASEMAP_DATUM: 'WGS84' }, auth = {} }: AppOptions): Express {
  const app = express()
  const settings = { ...DEFAULT_AUTH, ...auth }
  const cookie = { secure: settings.secureCookie }
  const credentials = new PrincipalCache(settings.credentialCacheMs)
  const throttle = new LoginThrottle(settings.loginMaxFailures)
  const ipThrottle = new LoginThrottle(settings.loginMaxFailures * 10)
  // One LISTEN per process, started by the first stream client; main.ts stops it on shutdown.
  const liveHub = new LiveHub(database, logger)
  app.locals.liveHub = liveHub
  app.disable('x-powered-by')
  app.set('query parser', 'simple')
  // Hashing every multi-megabyte GeoJSON answer for a weak ETag costs more than it saves;
  // cacheable resources (tiles) set their own.
  app.set('etag', false)
  app.set('trust proxy', 'loopback')
  app.use(requestLogging(logger))
  app.use(securityHeaders(basemapOrigins(basemap)))
  // Who is asking, then whether they may: before any body is read.
  app.use(authenticate(database.db, credentials, cookie, logger))
  app.use(gate())
  app.use(csrfProtection())
  app.use(writeRateLimit(new WriteLimiter(settings.writesPerMinute)))
  const jsonTypes = ['application/json', 'application/geo+json']
  // Imports may be larger than other bodies; parsed first, the general parser then skips them.
  app.use('/api/layers/:layer/import', express.json({ limit: importLimit, type: jsonTypes }), express.text({ limit: importLimit, type: ['text/csv', 'text/plain'] }))
  app.use(express.json({ limit: bodyLimit, type: jsonTypes }))

  const api = express.Router()
  api.use(healthRoutes(database, logger))
  api.use(authRoutes(database.db, logger, { sessionHours: settings.sessionHours, cookie, throttle, ipThrottle, cache: credentials }))
  api.use(adminRoutes(database.db, credentials))
  api.use(statsRoutes(database))
  api.use(clientConfigRoutes(basemap))
  api.use(featureReadRoutes(database))
  api.use(featureWriteRoutes(database))
  api.use(transitionRoutes(database))
  api.use(importRoutes(database))
  api.use(auditRoutes(database))
  api.use(hotspotRoutes(database))
  api.use(coverageRoutes(database))
  api.use(plannerRoutes(database))
  api.use(liveRoutes(database, liveHub, liveHeartbeatMs ? { heartbeatMs: liveHeartbeatMs } : {}))
  api.use(alertRoutes(database))
  api.use(communityRoutes(database))
  api.use(officerRoutes(database))
  api.use(metricsRoutes(database, liveHub))
  api.use(notFound)
  const mounts: Array<[string, Router]> = [
    ['/api', api],
    ['/ogc', ogcRoutes(database)],
    ['/tiles', tileRoutes(database)],
  ]
  for (const [prefix, router] of mounts) app.use(prefix, router)
  // Every route with its full path, for the authorization test (each must have a policy).
  app.locals.routes = listRoutes(mounts)

  if (clientDir && existsSync(path.join(clientDir, 'index.html'))) {
    app.use(express.static(clientDir, { index: 'index.html', maxAge: '1h' }))
    app.get(/^\/(?!api\/|ogc\/|tiles\/).*/, (_req, res) => res.sendFile(path.join(clientDir, 'index.html')))
  }
  app.use(notFound)
  app.use(errorHandler(logger))
  return app
}
