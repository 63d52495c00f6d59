import { timingSafeEqual } from 'node:crypto'
import type { Request, RequestHandler, Response } from 'express'
import type { Kysely } from 'kysely'
import { ApiError } from '../http/errors.ts'
import { errorMessage, type Logger } from '../logger.ts'
import { principalFromSession, principalFromToken, PrincipalCache, SESSION_COOKIE, sha256, type Principal } from './principal.ts'
import type { WriteLimiter } from './rate-limit.ts'

/** One cookie's value from the Cookie header (no dependency for one name). */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim()
      return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null
    }
  }
  return null
}

export function bearerToken(req: Request): string | null {
  const header = req.get('authorization')
  if (!header) return null
  const m = /^Bearer\s+(\S{10,200})\s*$/i.exec(header)
  return m ? m[1]! : null
}

export interface SessionCookieOptions {
  secure: boolean
}

export function setSessionCookie(res: Response, token: string, maxAgeMs: number, opts: SessionCookieOptions): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: opts.secure, path: '/', maxAge: maxAgeMs })
}

export function clearSessionCookie(res: Response, opts: SessionCookieOptions): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: opts.secure, path: '/' })
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const GUARDED = /^\/(api|ogc|tiles)(\/|$)/

/**
 * Resolves the credentials of a request to /api, /ogc or /tiles into `res.locals.principal`
 * (and `res.locals.actor`, the audit name): a Bearer API token first, else the session cookie.
 * Bad or expired credentials leave the request anonymous (the gate then answers 401) and a dead
 * session cookie is cleared.
 */
export function authenticate(db: Kysely<any>, cache: PrincipalCache, cookie: SessionCookieOptions, logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (!GUARDED.test(req.path)) return next()
    const token = bearerToken(req)
    const session = token ? null : readCookie(req, SESSION_COOKIE)
    if (!token && !session) return next()
    const load = token
      ? cache.get(`t:${sha256(token)}`, () => principalFromToken(db, token))
      : cache.get(`s:${sha256(session!)}`, () => principalFromSession(db, session!))
    load
      .then((principal) => {
        if (principal) {
          res.locals.principal = principal
          res.locals.actor = principal.username
        } else if (session) clearSessionCookie(res, cookie)
        next()
      })
      .catch((err: unknown) => {
        logger.error({ path: req.path }, `credential lookup failed: ${errorMessage(err)}`)
        res.set('Retry-After', '5')
        next(new ApiError(503, 'database_unavailable', 'cannot check credentials now: the database is not reachable; retry shortly'))
      })
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Cookie-authenticated writes must carry the session's CSRF token in `X-CSRF-Token` (the page
 * gets it from sign-in and /api/auth/me); a request from another origin is refused whatever it
 * carries. Bearer-token requests carry no ambient credential and are exempt.
 */
export function csrfProtection(): RequestHandler {
  return (req, res, next) => {
    if (!UNSAFE.has(req.method) || !GUARDED.test(req.path)) return next()
    const origin = req.get('origin')
    if (origin && origin !== 'null') {
      const host = req.get('host')
      let sameOrigin = false
      try {
        sameOrigin = new URL(origin).host === host
      } catch {
        sameOrigin = false
      }
      if (!sameOrigin) return next(new ApiError(403, 'cross_origin', 'writes from another origin are refused'))
    }
    const principal = res.locals.principal as Principal | undefined
    // Signing in uses the password, not the ambient cookie (which it replaces).
    if (!principal || principal.via !== 'session' || req.path === '/api/auth/login') return next()
    const sent = req.get('x-csrf-token')
    if (!sent || !sameSecret(sent, principal.csrfToken ?? '')) {
      return next(new ApiError(403, 'csrf', 'missing or wrong X-CSRF-Token for this session; reload the page'))
    }
    next()
  }
}

/** Writes per account per minute (429 with Retry-After beyond it). Ingest has its own path. */
export function writeRateLimit(limiter: WriteLimiter): RequestHandler {
  return (req, res, next) => {
    if (!UNSAFE.has(req.method) || !GUARDED.test(req.path)) return next()
    const principal = res.locals.principal as Principal | undefined
    if (!principal) return next()
    const waitMs = limiter.take(`u:${principal.userId}`)
    if (waitMs > 0) {
      res.set('Retry-After', String(Math.ceil(waitMs / 1000)))
      return next(new ApiError(429, 'rate_limited', `too many writes; retry in ${Math.ceil(waitMs / 1000)} s`))
    }
    next()
  }
}
