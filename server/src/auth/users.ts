import { sql, type Kysely } from 'kysely'
import { ApiError } from '../http/errors.ts'
import { hashPassword, passwordProblem } from './passwords.ts'
import { intArray } from './layer-access.ts'
import { newSecret, ROLES, sha256, TOKEN_PREFIX, type Role } from './principal.ts'
import type { UserRecord } from '../contract/admin.ts'

/** An account as the admin API answers it (the contract's row). */
export type { UserRecord } from '../contract/admin.ts'

const USERNAME = /^[a-z0-9_.-]{3,40}$/

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x)
}

async function audit(db: Kysely<any>, actor: string, action: string, layer: string, id: number, before: unknown, after: unknown, reason?: string): Promise<void> {
  await sql`INSERT INTO audit_log (actor, action, layer, feature_id, before, after, reason)
    VALUES (${actor}, ${action}, ${layer}, ${String(id)}, ${before === null ? null : JSON.stringify(before)}::jsonb, ${after === null ? null : JSON.stringify(after)}::jsonb, ${reason ?? null})`.execute(db)
}

export async function readUser(db: Kysely<any>, id: number): Promise<UserRecord | null> {
  const r = await sql<UserRecord>`
    SELECT u.id, u.username, u.display_name, u.role, u.disabled, u.officer_id, u.volunteer_id, u.created_at,
      (SELECT coalesce(json_agg(g.grid_id ORDER BY g.grid_id), '[]'::json) FROM user_grid_cells g WHERE g.user_id = u.id) AS grid_ids
    FROM users u WHERE u.id = ${id}`.execute(db)
  const row = r.rows[0]
  if (!row) return null
  return { ...row, grid_ids: typeof row.grid_ids === 'string' ? JSON.parse(row.grid_ids) : row.grid_ids }
}

export async function listUsers(db: Kysely<any>): Promise<UserRecord[]> {
  const r = await sql<{ id: number }>`SELECT id FROM users ORDER BY id`.execute(db)
  const out: UserRecord[] = []
  for (const { id } of r.rows) out.push((await readUser(db, id))!)
  return out
}

/** Grid ids that exist; unknown ones are a 400 naming them. */
async function checkGrids(db: Kysely<any>, ids: readonly number[]): Promise<void> {
  if (!ids.every((n) => Number.isSafeInteger(n) && n > 0)) throw new ApiError(400, 'invalid_grids', 'grid ids are positive integers')
  if (ids.length === 0) return
  const r = await sql<{ id: number }>`SELECT id FROM grid_cells WHERE id = ANY(${intArray(ids)})`.execute(db)
  const known = new Set(r.rows.map((x) => x.id))
  const unknown = ids.filter((n) => !known.has(n))
  if (unknown.length) throw new ApiError(400, 'unknown_grids', `no grid cells ${unknown.join(', ')}`)
}

/** A volunteer record for a volunteer account: one that exists, and no other role links one (400 otherwise). */
async function checkVolunteer(db: Kysely<any>, role: Role, volunteerId: number | null | undefined): Promise<void> {
  if (volunteerId === undefined || volunteerId === null) return
  if (role !== 'volunteer') throw new ApiError(400, 'invalid_volunteer', 'only volunteer accounts are linked to a volunteer record')
  const r = await sql`SELECT 1 FROM volunteers WHERE id = ${volunteerId}`.execute(db)
  if (!r.rows.length) throw new ApiError(400, 'unknown_volunteer', `no volunteer ${volunteerId}`)
}

async function setGrids(db: Kysely<any>, userId: number, ids: readonly number[]): Promise<void> {
  await sql`DELETE FROM user_grid_cells WHERE user_id = ${userId}`.execute(db)
  if (ids.length) await sql`INSERT INTO user_grid_cells (user_id, grid_id) SELECT ${userId}, unnest(${intArray([...new Set(ids)])})`.execute(db)
}

export interface NewUser {
  username: string
  role: Role
  password: string
  displayName?: string
  gridIds?: readonly number[]
  officerId?: number | null
  volunteerId?: number | null
}

/** Creates an account (in the caller's transaction) and audits it; the password is only hashed. */
export async function createUser(db: Kysely<any>, input: NewUser, actor: string): Promise<UserRecord> {
  if (!USERNAME.test(input.username)) throw new ApiError(400, 'invalid_username', 'usernames are 3–40 characters: a–z, 0–9, _ . -')
  if (!isRole(input.role)) throw new ApiError(400, 'invalid_role', `role must be one of ${ROLES.join(', ')}`)
  const problem = passwordProblem(input.password)
  if (problem) throw new ApiError(400, 'weak_password', problem)
  const gridIds = input.gridIds ?? []
  if (gridIds.length && input.role !== 'officer') throw new ApiError(400, 'invalid_grids', 'only officer accounts are scoped to grid cells')
  await checkGrids(db, gridIds)
  await checkVolunteer(db, input.role, input.volunteerId)
  const exists = await sql`SELECT 1 FROM users WHERE username = ${input.username}`.execute(db)
  if (exists.rows.length) throw new ApiError(409, 'username_taken', `user ${input.username} exists`)
  const hash = await hashPassword(input.password)
  const r = await sql<{ id: number }>`
    INSERT INTO users (username, display_name, role, password_hash, officer_id, volunteer_id)
    VALUES (${input.username}, ${input.displayName ?? input.username}, ${input.role}, ${hash}, ${input.officerId ?? null}, ${input.volunteerId ?? null}) RETURNING id`.execute(db)
  const id = r.rows[0]!.id
  await setGrids(db, id, gridIds)
  const user = (await readUser(db, id))!
  await audit(db, actor, 'create', 'users', id, null, user)
  return user
}

export interface UserPatch {
  displayName?: string
  role?: Role
  disabled?: boolean
  password?: string
  gridIds?: readonly number[]
  /** Link the account to a volunteer record (null: unlink). */
  volunteerId?: number | null
}

/**
 * Changes an account. Audited (never the password). Credentials end together: disabling the
 * account or setting a new password ends every session *and revokes every API token* of the
 * account (each revocation audited), so a token issued under the old password, or before the
 * disable, does not come back when the account is re-enabled. A new role ends the sessions.
 */
export async function updateUser(db: Kysely<any>, id: number, patch: UserPatch, actor: string): Promise<UserRecord> {
  const before = await readUser(db, id)
  if (!before) throw new ApiError(404, 'unknown_user', `no user ${id}`)
  if (patch.role !== undefined && !isRole(patch.role)) throw new ApiError(400, 'invalid_role', `role must be one of ${ROLES.join(', ')}`)
  const role = patch.role ?? before.role
  if (patch.gridIds) {
    if (patch.gridIds.length && role !== 'officer') throw new ApiError(400, 'invalid_grids', 'only officer accounts are scoped to grid cells')
    await checkGrids(db, patch.gridIds)
  }
  if (patch.volunteerId !== undefined) await checkVolunteer(db, role, patch.volunteerId)
  if (patch.password !== undefined) {
    const problem = passwordProblem(patch.password)
    if (problem) throw new ApiError(400, 'weak_password', problem)
  }
  const sets = [sql`updated_at = now()`]
  if (patch.displayName !== undefined) sets.push(sql`display_name = ${patch.displayName}`)
  if (patch.role !== undefined) sets.push(sql`role = ${patch.role}`)
  if (patch.disabled !== undefined) sets.push(sql`disabled = ${patch.disabled}`)
  if (patch.volunteerId !== undefined) sets.push(sql`volunteer_id = ${patch.volunteerId}`)
  // Only a volunteer account is a volunteer.
  else if (role !== 'volunteer') sets.push(sql`volunteer_id = NULL`)
  if (patch.password !== undefined) sets.push(sql`password_hash = ${await hashPassword(patch.password)}`)
  await sql`UPDATE users SET ${sql.join(sets)} WHERE id = ${id}`.execute(db)
  if (patch.gridIds) await setGrids(db, id, patch.gridIds)
  else if (role !== 'officer') await setGrids(db, id, [])
  // A disabled account, a new password or a new role ends every session of the account.
  if (patch.disabled || patch.password !== undefined || (patch.role !== undefined && patch.role !== before.role)) {
    await sql`DELETE FROM sessions WHERE user_id = ${id}`.execute(db)
  }
  const after = (await readUser(db, id))!
  await audit(db, actor, 'update', 'users', id, before, after, patch.password !== undefined ? 'password reset' : undefined)
  if (patch.disabled || patch.password !== undefined) await revokeAccountTokens(db, id, actor, patch.disabled ? 'account disabled' : 'password reset')
  return after
}

/**
 * Revokes every live API token of an account (in the caller's transaction), one audit entry per
 * token with the reason; returns how many. Revoked tokens stay revoked whatever happens to the
 * account later.
 */
export async function revokeAccountTokens(db: Kysely<any>, userId: number, actor: string, reason: string): Promise<number> {
  const r = await sql<{ id: number; name: string }>`
    UPDATE api_tokens SET revoked_at = now() WHERE user_id = ${userId} AND revoked_at IS NULL RETURNING id, name`.execute(db)
  for (const t of r.rows) await audit(db, actor, 'token', 'api-tokens', t.id, { user_id: userId, name: t.name }, { user_id: userId, name: t.name, revoked: true }, reason)
  return r.rows.length
}

/** A new API token for an account: returned once, only its hash is kept. */
export async function createApiToken(db: Kysely<any>, userId: number, name: string, actor: string): Promise<{ id: number; token: string }> {
  if (!name || name.length > 80) throw new ApiError(400, 'invalid_name', 'a token name is 1–80 characters')
  const token = TOKEN_PREFIX + newSecret()
  const r = await sql<{ id: number }>`INSERT INTO api_tokens (user_id, name, token_hash) VALUES (${userId}, ${name}, ${sha256(token)}) RETURNING id`.execute(db)
  const id = r.rows[0]!.id
  await audit(db, actor, 'token', 'api-tokens', id, null, { user_id: userId, name })
  return { id, token }
}

export async function revokeApiToken(db: Kysely<any>, userId: number, tokenId: number, actor: string): Promise<boolean> {
  const r = await sql<{ id: number }>`UPDATE api_tokens SET revoked_at = now() WHERE id = ${tokenId} AND user_id = ${userId} AND revoked_at IS NULL RETURNING id`.execute(db)
  if (!r.rows.length) return false
  await audit(db, actor, 'token', 'api-tokens', tokenId, { user_id: userId }, { user_id: userId, revoked: true })
  return true
}

export async function findUserId(db: Kysely<any>, username: string): Promise<number | null> {
  const r = await sql<{ id: number }>`SELECT id FROM users WHERE username = ${username}`.execute(db)
  return r.rows[0]?.id ?? null
}
