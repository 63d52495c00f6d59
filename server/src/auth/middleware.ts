import { timingSafeEqual } from 'node:crypto'
import type { Request, Response } from 'express'
import { ApiError } from '../http/errors.ts'
import { SESSION_COOKIE, type Principal } from './principal.ts'

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

/** The credentials a request carries: a Bearer API token first, else the session cookie. */
export function readCredentials(req: Request): { token: string | null; session: string | null } {
  const token = bearerToken(req)
  return { token, session: token ? null : readCookie(req, SESSION_COOKIE) }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * For a write: a request from another origin is refused whatever it carries, and one made with
 * the session cookie must carry the session's CSRF token in `X-CSRF-Token` (the page gets it from
 * sign-in and /api/auth/me). Bearer-token requests carry no ambient credential and are exempt;
 * signing in uses the password, not the ambient cookie (which it replaces).
 */
export function checkCsrf(req: Request, principal: Principal | undefined, isLogin: boolean): void {
  const origin = req.get('origin')
  if (origin && origin !== 'null') {
    const host = req.get('host')
    let sameOrigin = false
    try {
      sameOrigin = new URL(origin).host === host
    } catch {
      sameOrigin = false
    }
    if (!sameOrigin) throw new ApiError(403, 'cross_origin', 'writes from another origin are refused')
  }
  if (!principal || principal.via !== 'session' || isLogin) return
  const sent = req.get('x-csrf-token')
  if (!sent || !sameSecret(sent, principal.csrfToken ?? '')) {
    throw new ApiError(403, 'csrf', 'missing or wrong X-CSRF-Token for this session; reload the page')
  }
}
