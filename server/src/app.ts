import compression from 'compression'
import expressStaticGzip from 'express-static-gzip'
import express, { type Express, type RequestHandler, type Router } from 'express'
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { DbHandle } from './db/create-db.ts'
import { hotspotRoutes } from './analysis/hotspot-routes.ts'
import { alertRoutes } from './alerts/routes.ts'
import { apiDocsRoutes } from './api-docs/routes.ts'
import { coverageRoutes } from './analysis/coverage-routes.ts'
import { communityRoutes } from './community/routes.ts'
import { auditRoutes } from './audit/routes.ts'
import { adminRoutes } from './auth/admin-routes.ts'
import { assertRoutesGuarded, secureRouter, type AccessContext } from './auth/route-guard.ts'
import { PrincipalCache } from './auth/principal.ts'
import { LoginThrottle, WriteLimiter } from './auth/rate-limit.ts'
import { authRoutes } from './auth/routes.ts'
import { importRoutes } from './features/import-routes.ts'
import { featureReadRoutes } from './features/routes.ts'
import { transitionRoutes } from './features/transition-routes.ts'
import { photoRoutes } from './features/photo-routes.ts'
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
import { peopleRoutes } from './people/people-routes.ts'
import { searchRoutes } from './search/search-routes.ts'
import { plannerRoutes } from './planner/routes.ts'
import { statsRoutes } from './stats/routes.ts'
import { stationRoutes } from './stations/routes.ts'
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
  /**
   * Express's `trust proxy`: which hops' X-Forwarded-For to believe for the client address (the
   * per-address sign-in limit). Off unless set (TRUST_PROXY): a list of addresses or a hop count.
   */
  trustProxy?: string | number | false
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

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])

/** OPTIONS, TRACE and other methods get no automatic answer from the router: 405, nothing listed. */
const onlyKnownMethods: RequestHandler = (req, res, next) => {
  if (KNOWN_METHODS.has(req.method)) return next()
  res.status(405).json({ error: { code: 'method_not_allowed', message: `method ${req.method} is not served` } })
}

/** The whole HTTP app, not listening: main.ts listens, tests mount it. */
export function createApp({ database, logger, clientDir, bodyLimit = '2mb', importLimit = '20mb', liveHeartbeatMs, basemap = { BASEMAP: 'none', BASEMAP_DATUM: 'WGS84' }, auth = {}, trustProxy = false }: AppOptions): Express {
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
  // A second wall behind the route guards: /API/x and /api/x/ are not /api/x.
  app.set('case sensitive routing', true)
  app.set('strict routing', true)
  app.set('query parser', 'simple')
  // Hashing every multi-megabyte GeoJSON answer for a weak ETag costs more than it saves;
  // cacheable resources (tiles) set their own.
  app.set('etag', false)
  app.set('trust proxy', trustProxy)
  const access: AccessContext = { db: database.db, credentials, cookie, writes: new WriteLimiter(settings.writesPerMinute), logger, bodyLimit, importLimit }
  app.locals.access = access
  app.use(onlyKnownMethods)
  app.use(requestLogging(logger))
  app.use(securityHeaders(basemapOrigins(basemap)))
  // Answers go out compressed when the client accepts it (a city's hotspots: megabytes of JSON;
  // the map client: 2 MB → ~0.6 MB), except: the live stream (it must not be held back), tiles
  // (gzipped already; compression leaves an encoded body alone), writes and the sign-in answers,
  // which can carry a secret beside what the caller sent (BREACH).
  app.use(
    compression({
      threshold: 1024,
      // zlib's fastest level: on GeoJSON about 4× less CPU than the default (6) for ~10 % more
      // bytes; the server's one event loop (and PGlite inside it) is the scarcer resource.
      level: 1,
      filter: (req, res) =>
        (req.method === 'GET' || req.method === 'HEAD') &&
        !req.originalUrl.startsWith('/api/auth/') &&
        !String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream') &&
        compression.filter(req, res),
    }),
  )
  // Who is asking and whether they may is decided by each route's guard (route-guard.ts), on
  // the route Express matched; bodies are read there too, once the caller may send one.

  const api = secureRouter('/api')
  api.use(healthRoutes(database, logger))
  api.use(authRoutes(database.db, logger, { sessionHours: settings.sessionHours, cookie, throttle, ipThrottle, cache: credentials }))
  api.use(adminRoutes(database.db, credentials))
  api.use(statsRoutes(database))
  api.use(stationRoutes(database))
  api.use(clientConfigRoutes(basemap))
  api.use(featureReadRoutes(database))
  api.use(apiDocsRoutes())
  api.use(featureWriteRoutes(database))
  api.use(transitionRoutes(database))
  api.use(photoRoutes(database))
  api.use(importRoutes(database))
  api.use(auditRoutes(database))
  api.use(hotspotRoutes(database))
  api.use(coverageRoutes(database))
  api.use(plannerRoutes(database))
  api.use(liveRoutes(database, liveHub, liveHeartbeatMs ? { heartbeatMs: liveHeartbeatMs } : {}))
  api.use(alertRoutes(database))
  api.use(communityRoutes(database))
  api.use(officerRoutes(database))
  api.use(peopleRoutes(database))
  api.use(searchRoutes(database))
  api.use(metricsRoutes(database, liveHub))
  api.use(notFound)
  const mounts: Array<[string, Router]> = [
    ['/api', api],
    ['/ogc', ogcRoutes(database)],
    ['/tiles', tileRoutes(database)],
  ]
  for (const [prefix, router] of mounts) app.use(prefix, router)

  // The page routes by its URL hash, so the server has no page routes: the built files, else 404.
  if (clientDir && existsSync(path.join(clientDir, 'index.html'))) {
    // Precompressed at build time (vite.config.ts): brotli or gzip as the browser accepts, else plain.
    app.use(expressStaticGzip(clientDir, { enableBrotli: true, orderPreference: ['br', 'gzip'], index: 'index.html', serveStatic: { maxAge: '1h' } }))
  }
  app.use(notFound)
  app.use(errorHandler(logger))
  // Every route with its full path; start-up fails here when one has no access declaration.
  app.locals.routes = assertRoutesGuarded(app)
  return app
}
