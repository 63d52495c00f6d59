/**
 * Who is signed in, as the server says (`/api/auth/me`), and what they may do. The session
 * cookie is httpOnly: the page never sees it; it keeps only the CSRF token for its writes.
 */
export type Role = 'admin' | 'command' | 'planner' | 'officer' | 'volunteer'
export type Scope = 'all' | 'grids' | 'own' | 'none'

export interface SessionInfo {
  user: { id: number; username: string; displayName: string; role: Role; gridIds: number[] }
  csrfToken?: string
  layers: Record<string, { read: Scope; create: Scope; update: Scope; delete: Scope }>
}

let current: SessionInfo | null = null
const listeners = new Set<(s: SessionInfo | null) => void>()

export function session(): SessionInfo | null {
  return current
}

export function setSession(s: SessionInfo | null): void {
  current = s
  if (s) {
    document.body.dataset.role = s.user.role
  } else {
    delete document.body.dataset.role
  }
  for (const cb of listeners) cb(s)
}

export function onSessionChange(cb: (s: SessionInfo | null) => void): () => void {
  listeners.add(cb)
  return () => listeners.delete(cb)
}

/** Whether the account may see a layer at all (layers closed to it are not offered). */
export function canRead(layerId: string): boolean {
  return !current || (current.layers[layerId]?.read ?? 'none') !== 'none'
}

export function canCreate(layerId: string): boolean {
  return !!current && (current.layers[layerId]?.create ?? 'none') !== 'none'
}

/** Roles that see the command tools (live view, analyses). */
export function hasRole(...roles: Role[]): boolean {
  return !!current && roles.includes(current.user.role)
}

/** Headers a same-origin write needs: the session's CSRF token. */
export function csrfHeaders(): Record<string, string> {
  return current?.csrfToken ? { 'x-csrf-token': current.csrfToken } : {}
}
