import type { Router, Request } from 'express'
import { secureRouter } from './route-guard.ts'
import { sql, type Kysely } from 'kysely'
import { LAYERS } from '../../../data/catalog/layers.ts'
import { parseJsonBody } from '../http/body.ts'
import { ApiError, handle } from '../http/errors.ts'
import type { Logger } from '../logger.ts'
import { readScope, writeScope } from './layer-access.ts'
import { clearSessionCookie, readCookie, setSessionCookie, type SessionCookieOptions } from './middleware.ts'
import { dummyHash, verifyPassword } from './passwords.ts'
import { newSecret, principalFromSession, principalOf, SESSION_COOKIE, sha256, type Principal, type PrincipalCache } from './principal.ts'
import { requirePrincipal } from './policy.ts'
import type { LoginThrottle } from './rate-limit.ts'
import { createApiToken, revokeApiToken, updateUser } from './users.ts'
import { parseId } from '../http/ints.ts'
import { loginBody, passwordBody, tokenBody, type LoginAnswer, type SessionAnswer, type TokenCreated, type TokenRow } from '../contract/auth.ts'

export interface AuthOptions {
  sessionHours: number
  cookie: SessionCookieOptions
  /** Failed sign-ins per username (existing or not). */
  throttle: LoginThrottle
  /** Failed sign-ins per client address: ten times the per-user allowance, so one station behind NAT is not locked out by one user. */
  ipThrottle: LoginThrottle
  cache: PrincipalCache
}


/** What the signed-in account may do, for the client to show only that. */
export function describePrincipal(p: Principal): SessionAnswer {
  return {
    user: { id: p.userId, username: p.username, displayName: p.displayName, role: p.role, gridIds: [...p.gridIds] },
    via: p.via,
    ...(p.csrfToken ? { csrfToken: p.csrfToken } : {}),
    layers: Object.fromEntries(
      LAYERS.map((l) => [l.id, { read: readScope(p, l), create: writeScope(p, l, 'create'), update: writeScope(p, l, 'update'), delete: writeScope(p, l, 'delete') }]),
    ),
  }
}

const clientKey = (req: Request) => `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`

export function authRoutes(db: Kysely<any>, logger: Logger, options: AuthOptions): Router {
  const router = secureRouter('/api')
  const { throttle, ipThrottle, cookie, cache } = options

  router.post(
    '/auth/login',
    handle(async (req, res) => {
      const { username, password } = parseJsonBody(loginBody, req.body)
      const userKey = `user:${username.trim().toLowerCase()}`
      const ipKey = clientKey(req)
      // An attempt is reserved for the username and for the address before any password is
      // checked (synchronously: nothing runs in between), so however many sign-ins arrive at once,
      // at most the allowance is ever checked; the others are 429 at once.
      const refuse = (wait: number): never => {
        res.set('Retry-After', String(Math.max(1, Math.ceil(wait / 1000))))
        throw new ApiError(429, 'locked', wait > 60_000 ? `too many failed sign-ins; try again in ${Math.ceil(wait / 60_000)} min` : 'too many sign-ins for this account at once; try again shortly')
      }
      const userWait = throttle.reserve(userKey)
      if (userWait > 0) refuse(userWait)
      const ipWait = ipThrottle.reserve(ipKey)
      if (ipWait > 0) {
        throttle.release(userKey)
        refuse(ipWait)
      }
      let decided = false
      let user: { id: number; password_hash: string } | undefined
      try {
        const r = await sql<{ id: number; password_hash: string }>`
          SELECT id, password_hash FROM users WHERE username = ${username.trim().toLowerCase()} AND NOT disabled`.execute(db)
        user = r.rows[0]
        // The same scrypt work whether or not the account exists.
        const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash()))
        decided = true
        if (!user || !ok) {
          throttle.fail(userKey)
          ipThrottle.fail(ipKey)
          logger.warn({ ip: req.ip }, 'failed sign-in')
          throw new ApiError(401, 'invalid_credentials', 'wrong username or password')
        }
        throttle.succeed(userKey)
        ipThrottle.release(ipKey)
      } finally {
        // A database error before the decision: the attempt is given back, not counted.
        if (!decided) {
          throttle.release(userKey)
          ipThrottle.release(ipKey)
        }
      }
      // Never reuse a session id the browser brought along (session fixation): end it, issue a new one.
      const old = readCookie(req, SESSION_COOKIE)
      if (old) await sql`DELETE FROM sessions WHERE token_hash = ${sha256(old)}`.execute(db)
      const token = newSecret()
      const csrf = newSecret()
      const maxAgeMs = options.sessionHours * 3600_000
      await db.transaction().execute(async (trx) => {
        await sql`DELETE FROM sessions WHERE expires_at < now()`.execute(trx)
        await sql`INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at)
          VALUES (${sha256(token)}, ${user.id}, ${csrf}, now() + ${`${options.sessionHours} hours`}::interval)`.execute(trx)
        await sql`INSERT INTO audit_log (actor, action, layer, feature_id) VALUES (${username.trim().toLowerCase()}, 'login', 'sessions', ${String(user.id)})`.execute(trx)
      })
      cache.clear()
      setSessionCookie(res, token, maxAgeMs, cookie)
      const principal = (await principalFromSession(db, token))!
      res.json({ ...describePrincipal(principal), via: 'session', csrfToken: csrf, expiresAt: new Date(Date.now() + maxAgeMs).toISOString() } satisfies LoginAnswer)
    }),
  )

  router.post(
    '/auth/logout',
    handle(async (req, res) => {
      const p = principalOf(res)
      if (p?.sessionHash) {
        await sql`DELETE FROM sessions WHERE token_hash = ${p.sessionHash}`.execute(db)
        await sql`INSERT INTO audit_log (actor, action, layer, feature_id) VALUES (${p.username}, 'logout', 'sessions', ${String(p.userId)})`.execute(db)
        cache.clear()
      }
      clearSessionCookie(res, cookie)
      res.status(204).end()
    }),
  )

  // Public, so a signed-out page learns it without a failed request: `{"user": null}`.
  router.get('/auth/me', (req, res) => {
    const p = principalOf(res)
    res.json(p ? describePrincipal(p) : { user: null })
  })

  router.get(
    '/auth/tokens',
    handle(async (req, res) => {
      const p = requirePrincipal(req)
      const r = await sql<TokenRow>`SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ${p.userId} ORDER BY id`.execute(db)
      res.json({ tokens: r.rows })
    }),
  )

  router.post(
    '/auth/tokens',
    handle(async (req, res) => {
      const p = requirePrincipal(req)
      const { name } = parseJsonBody(tokenBody, req.body)
      const created = await db.transaction().execute((trx) => createApiToken(trx, p.userId, name, p.username))
      res.status(201).json({ ...created, name, note: 'shown once: keep it; send it as Authorization: Bearer TOKEN' } satisfies TokenCreated)
    }),
  )

  router.delete(
    '/auth/tokens/:id',
    handle(async (req, res) => {
      const p = requirePrincipal(req)
      const id = parseId(req.params.id)
      if (id === null) throw new ApiError(404, 'unknown_token', 'no such token')
      const done = await db.transaction().execute((trx) => revokeApiToken(trx, p.userId, id, p.username))
      if (!done) throw new ApiError(404, 'unknown_token', 'no such token')
      cache.clear()
      res.status(204).end()
    }),
  )

  router.post(
    '/auth/password',
    handle(async (req, res) => {
      const p = requirePrincipal(req)
      const body = parseJsonBody(passwordBody, req.body)
      const r = await sql<{ password_hash: string }>`SELECT password_hash FROM users WHERE id = ${p.userId}`.execute(db)
      if (!(await verifyPassword(body.current, r.rows[0]!.password_hash))) throw new ApiError(403, 'wrong_password', 'the current password is wrong')
      await db.transaction().execute((trx) => updateUser(trx, p.userId, { password: body.password }, p.username))
      cache.clear()
      clearSessionCookie(res, cookie)
      res.status(204).end()
    }),
  )
  return router
}
