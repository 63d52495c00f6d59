import express, { Router, type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express'
import type { Kysely } from 'kysely'
import { ApiError } from '../http/errors.ts'
import { checkBodyJson, checkBodyText, checkRequestStrings } from '../http/input-guard.ts'
import { errorMessage, type Logger } from '../logger.ts'
import { checkCsrf, clearSessionCookie, readCredentials, type SessionCookieOptions } from './middleware.ts'
import { declaredPolicy, ROUTE_POLICIES, type Mount, type RoutePolicy } from './policy.ts'
import { principalFromSession, principalFromToken, sha256, type Principal, type PrincipalCache } from './principal.ts'
import type { WriteLimiter } from './rate-limit.ts'

/** What the route guards of one app share: set once by createApp in `app.locals.access`. */
export interface AccessContext {
  db: Kysely<any>
  credentials: PrincipalCache
  cookie: SessionCookieOptions
  writes: WriteLimiter
  logger: Logger
  /** Largest JSON body, and the import routes' larger limit (express/body-parser syntax: '2mb'). */
  bodyLimit: string
  importLimit: string
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const
const JSON_TYPES = ['application/json', 'application/geo+json']
/** Spreadsheets an import route takes as they are (people rosters, server/src/people/roster-parse.ts). */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
/** Every guard this module made, so the start-up check can tell a guarded route from a bare one. */
const GUARDS = new WeakMap<RequestHandler, RoutePolicy>()

/**
 * A router for one mount (`/api`, `/ogc`, `/tiles`) whose routes carry their access. Each
 * `router.get|post|put|patch|delete(path, ...handlers)` looks its declaration up in
 * ROUTE_POLICIES by method and full pattern (exactly, as written) and throws at registration when
 * there is none; the route then runs the declaration's guard before any handler. So the access
 * decision is made on the route Express matched, never by reading the URL's text, and a request
 * that matches no route reaches no handler (404). Matching is case-sensitive and strict.
 */
export function secureRouter(mount: Mount): Router {
  const router = Router({ caseSensitive: true, strict: true })
  const loose = router as unknown as Record<string, (...args: unknown[]) => unknown>
  const route = loose.route!.bind(router)
  let registering = false
  for (const m of METHODS) {
    const register = loose[m]!.bind(router)
    loose[m] = (path: unknown, ...handlers: unknown[]) => {
      if (typeof path !== 'string') throw new Error(`${mount} routes: a route path must be a string pattern (got ${String(path)})`)
      const method = m.toUpperCase() as RoutePolicy['method']
      const full = path === '/' ? mount : mount + path
      const policy = declaredPolicy(method, full)
      if (!policy) throw new Error(`route ${method} ${full} has no access declaration: add it to ROUTE_POLICIES in server/src/auth/policy.ts`)
      registering = true
      try {
        return register(path, routeGuard(policy), ...handlers)
      } finally {
        registering = false
      }
    }
  }
  // router.get() goes through router.route(); nothing else may.
  loose.route = (path: unknown) => {
    if (!registering) throw new Error(`${mount} routes: router.route() is not allowed; declare each method's route with its access`)
    return route(path)
  }
  for (const m of ['all', 'options', 'head'] as const) {
    loose[m] = () => {
      throw new Error(`${mount} routes: router.${m}() is not allowed; declare each method's route with its access`)
    }
  }
  return router
}

/** The guard of one declared route: who is asking, whether they may, then the request's input. */
export function routeGuard(policy: RoutePolicy): RequestHandler {
  const guard: RequestHandler = (req, res, next) => {
    const ctx = req.app.locals.access as AccessContext | undefined
    if (!ctx) return next(new Error('route guard: app.locals.access is not set (createApp sets it)'))
    res.locals.routePolicy = policy
    principalFor(req, res, ctx, policy)
      .then(() => {
        decide(req, res, ctx, policy)
        checkRequestStrings(req)
        return UNSAFE.has(req.method) ? readBody(req, res, ctx, policy) : undefined
      })
      .then(() => next(), next)
  }
  GUARDS.set(guard, policy)
  return guard
}

/** The request's principal from its Bearer token or session cookie (devices' unit tokens are the ingest handler's). */
async function principalFor(req: Request, res: Response, ctx: AccessContext, policy: RoutePolicy): Promise<void> {
  if (policy.allow === 'device') return
  const { token, session } = readCredentials(req)
  if (!token && !session) return
  let principal: Principal | null
  try {
    principal = token
      ? await ctx.credentials.get(`t:${sha256(token)}`, () => principalFromToken(ctx.db, token))
      : await ctx.credentials.get(`s:${sha256(session!)}`, () => principalFromSession(ctx.db, session!))
  } catch (err) {
    ctx.logger.error({ route: policy.path }, `credential lookup failed: ${errorMessage(err)}`)
    res.set('Retry-After', '5')
    throw new ApiError(503, 'database_unavailable', 'cannot check credentials now: the database is not reachable; retry shortly')
  }
  if (principal) {
    res.locals.principal = principal
    res.locals.actor = principal.username
  } else if (session) clearSessionCookie(res, ctx.cookie)
}

/** The access decision from the declaration: 401 without credentials, 403 for a role not listed; CSRF and the write limit on writes. */
function decide(req: Request, res: Response, ctx: AccessContext, policy: RoutePolicy): void {
  const principal = res.locals.principal as Principal | undefined
  if (policy.allow !== 'public' && policy.allow !== 'device') {
    if (!principal) throw new ApiError(401, 'unauthenticated', 'sign in first (session cookie or Authorization: Bearer token)')
    if (policy.allow !== 'signed-in' && !policy.allow.includes(principal.role)) {
      throw new ApiError(403, 'forbidden', `the ${principal.role} role may not ${policy.method} ${policy.path}`)
    }
  }
  if (!UNSAFE.has(req.method)) return
  checkCsrf(req, principal, policy.path === '/api/auth/login')
  if (!principal) return
  const waitMs = ctx.writes.take(`u:${principal.userId}`)
  if (waitMs > 0) {
    res.set('Retry-After', String(Math.ceil(waitMs / 1000)))
    throw new ApiError(429, 'rate_limited', `too many writes; retry in ${Math.ceil(waitMs / 1000)} s`)
  }
}

const parsers = new WeakMap<AccessContext, { json: RequestHandler; importJson: RequestHandler; importText: RequestHandler; importRaw: RequestHandler }>()

function parsersOf(ctx: AccessContext) {
  let p = parsers.get(ctx)
  if (!p) {
    p = {
      json: express.json({ limit: ctx.bodyLimit, type: JSON_TYPES }),
      importJson: express.json({ limit: ctx.importLimit, type: JSON_TYPES }),
      importText: express.text({ limit: ctx.importLimit, type: ['text/csv', 'text/plain'] }),
      importRaw: express.raw({ limit: ctx.importLimit, type: [XLSX_TYPE] }),
    }
    parsers.set(ctx, p)
  }
  return p
}

const run = (handler: RequestHandler, req: Request, res: Response) =>
  new Promise<void>((resolve, reject) => handler(req, res, ((err?: unknown) => (err ? reject(err) : resolve())) as NextFunction))

/**
 * The body, read only once the caller may send it (an anonymous megabyte is refused unread), then
 * checked: its strings free of control characters, its JSON no deeper than a limit.
 */
async function readBody(req: Request, res: Response, ctx: AccessContext, policy: RoutePolicy): Promise<void> {
  const p = parsersOf(ctx)
  if (policy.body === 'import') {
    await run(p.importJson, req, res)
    await run(p.importText, req, res)
    await run(p.importRaw, req, res)
  } else await run(p.json, req, res)
  // A spreadsheet's bytes are checked by the route's own parser, cell by cell.
  if (Buffer.isBuffer(req.body)) return
  if (typeof req.body === 'string') checkBodyText(req.body)
  else checkBodyJson(req.body)
}

/**
 * Start-up check over the whole app: every route's first handler is the guard of its own
 * declaration, and every declaration has its route. Throws naming the first offenders, so an
 * app with an undeclared (or bare `Router()`) route cannot start.
 */
export function assertRoutesGuarded(app: Express): Array<{ method: string; path: string }> {
  const seen: Array<{ method: string; path: string }> = []
  const bare: string[] = []
  const declared = new Set<RoutePolicy>()
  const walk = (stack: any[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const route = layer.route as { path: unknown; methods: Record<string, boolean>; stack: Array<{ handle: RequestHandler }> }
        const path = typeof route.path === 'string' ? (route.path === '/' && prefix ? prefix : prefix + route.path) : `${prefix}${String(route.path)}`
        for (const m of Object.keys(route.methods)) {
          if (m === '_all') continue
          const method = m.toUpperCase()
          const policy = route.stack[0] ? GUARDS.get(route.stack[0].handle) : undefined
          if (!policy || policy.method !== method || policy.path !== path) bare.push(`${method} ${path}`)
          else declared.add(policy)
          seen.push({ method, path })
        }
      } else if (Array.isArray(layer.handle?.stack)) {
        walk(layer.handle.stack, prefix + mountOf(layer))
      }
    }
  }
  walk((app as unknown as { router: { stack: any[] } }).router.stack, '')
  if (bare.length) throw new Error(`routes without an access declaration (register them with secureRouter): ${bare.join(', ')}`)
  const unused = ROUTE_POLICIES.filter((p) => !declared.has(p)).map((p) => `${p.method} ${p.path}`)
  if (unused.length) throw new Error(`access declarations without a route (remove them from ROUTE_POLICIES): ${unused.join(', ')}`)
  return seen
}

/** The literal path a router was mounted at (`app.use('/api', router)`): the layer's raw path, '/' for none. */
function mountOf(layer: { rawPath?: unknown }): string {
  return typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''
}
