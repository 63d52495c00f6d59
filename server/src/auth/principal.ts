import { createHash, randomBytes } from 'node:crypto'
import type { Request, Response } from 'express'
import { sql, type Kysely } from 'kysely'

export const ROLES = ['admin', 'command', 'planner', 'officer', 'volunteer'] as const
export type Role = (typeof ROLES)[number]

/** Who is asking: a signed-in person (session cookie) or a person's API token. */
export interface Principal {
  userId: number
  username: string
  displayName: string
  role: Role
  /** Officer accounts: the grid cells they are responsible for (empty for other roles). */
  gridIds: readonly number[]
  via: 'session' | 'token'
  /** Session only: the value `X-CSRF-Token` must carry on unsafe requests. */
  csrfToken?: string
  /** Session only: the session's token hash (logout deletes it). */
  sessionHash?: string
}

export const SESSION_COOKIE = 'pingan_session'
export const TOKEN_PREFIX = 'pgt_'

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')
export const newSecret = (): string => randomBytes(32).toString('base64url')

/** The principal the auth middleware attached, or null for an anonymous request. */
export function principalOf(res: Response): Principal | null {
  return (res.locals as { principal?: Principal }).principal ?? null
}

/** Same, from the request (handlers get both). */
export function principalOfReq(req: Request): Principal | null {
  return req.res ? principalOf(req.res) : null
}

interface UserRow {
  user_id: number
  username: string
  display_name: string
  role: Role
  grid_ids: number[] | string | null
  csrf_token?: string
}

function toPrincipal(row: UserRow, via: Principal['via'], extra: Partial<Principal> = {}): Principal {
  const ids = typeof row.grid_ids === 'string' ? (JSON.parse(row.grid_ids) as number[]) : (row.grid_ids ?? [])
  return { userId: row.user_id, username: row.username, displayName: row.display_name, role: row.role, gridIds: ids.map(Number), via, ...extra }
}

const gridIds = sql`(SELECT coalesce(json_agg(g.grid_id ORDER BY g.grid_id), '[]'::json) FROM user_grid_cells g WHERE g.user_id = u.id)`

/** The live session behind a cookie value, or null. Expiry is absolute (set at sign-in). */
export async function principalFromSession(db: Kysely<any>, token: string): Promise<Principal | null> {
  const hash = sha256(token)
  const r = await sql<UserRow>`
    SELECT u.id AS user_id, u.username, u.display_name, u.role, s.csrf_token, ${gridIds} AS grid_ids
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = ${hash} AND s.expires_at > now() AND NOT u.disabled`.execute(db)
  const row = r.rows[0]
  return row ? toPrincipal(row, 'session', { csrfToken: row.csrf_token!, sessionHash: hash }) : null
}

/** The account behind an API token (not revoked, account enabled), or null. */
export async function principalFromToken(db: Kysely<any>, token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null
  const hash = sha256(token)
  const r = await sql<UserRow>`
    SELECT u.id AS user_id, u.username, u.display_name, u.role, ${gridIds} AS grid_ids
    FROM api_tokens t JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = ${hash} AND t.revoked_at IS NULL AND NOT u.disabled`.execute(db)
  const row = r.rows[0]
  if (!row) return null
  // Last use is kept to the minute: no write per tile request.
  await sql`UPDATE api_tokens SET last_used_at = now() WHERE token_hash = ${hash} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`.execute(db)
  return toPrincipal(row, 'token')
}

/**
 * A few seconds' memory of resolved credentials, so a map drawing fifty tiles does not look its
 * session up fifty times. Disabling a user, logout and revocation clear it in this process;
 * another process sees them within `ttlMs`.
 */
export class PrincipalCache {
  readonly #entries = new Map<string, { principal: Principal | null; until: number }>()
  constructor(readonly ttlMs = 5000, readonly max = 5000) {}

  async get(key: string, load: () => Promise<Principal | null>): Promise<Principal | null> {
    const now = Date.now()
    const hit = this.#entries.get(key)
    if (hit && hit.until > now) return hit.principal
    const principal = await load()
    if (this.#entries.size >= this.max) this.#entries.clear()
    this.#entries.set(key, { principal, until: now + this.ttlMs })
    return principal
  }

  clear(): void {
    this.#entries.clear()
  }
}
