/**
 * Signing in and out. The answers' types come from the API's contract (server/src/contract/auth.ts),
 * as types only; the session the page keeps (session.ts's SessionInfo) must accept them.
 */
import type { LoginAnswer, LoginRequest, MeAnswer } from '../../../server/src/contract/auth.ts'
import { setSession, type SessionInfo } from './session.ts'
export type { LoginAnswer, MeAnswer, SessionAnswer, TokenCreated, TokenRow } from '../../../server/src/contract/auth.ts'

export class SignInError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** The current session, or null when signed out (401). */
export async function loadSession(): Promise<SessionInfo | null> {
  const res = await fetch('/api/auth/me', { headers: { accept: 'application/json' } })
  if (!res.ok) throw new SignInError(res.status, 'unavailable', `${res.status} ${res.statusText}`)
  const body = (await res.json()) as MeAnswer
  return body.user ? body : null
}

export async function signIn(username: string, password: string): Promise<SessionInfo> {
  const res = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password } satisfies LoginRequest),
  })
  const body = (await res.json().catch(() => null)) as (LoginAnswer & { error?: { code: string; message: string } }) | null
  if (!res.ok || !body || body.error) throw new SignInError(res.status, body?.error?.code ?? 'failed', body?.error?.message ?? res.statusText)
  setSession(body)
  return body
}

export async function signOut(csrf: string | undefined): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) }, body: '{}' })
  setSession(null)
}
