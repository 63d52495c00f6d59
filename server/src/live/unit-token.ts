import { createHash, randomBytes } from 'node:crypto'
import type { Request } from 'express'
import { sql, type Kysely } from 'kysely'
import { ApiError } from '../http/errors.ts'

/** Unit tokens are stored only as their SHA-256; a token is 32 random bytes, base64url. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** The unit a device token belongs to (401 without a valid `Authorization: Bearer <token>`). */
export async function unitOfRequest(db: Kysely<any>, req: Request): Promise<{ id: number; code: string }> {
  const header = req.get('authorization') ?? ''
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
  if (!token) throw new ApiError(401, 'unit_token_required', 'send the unit token as Authorization: Bearer <token>')
  const r = await sql<{ id: number; code: string }>`SELECT id, code FROM patrol_units WHERE token_hash = ${hashToken(token)}`.execute(db)
  const unit = r.rows[0]
  if (!unit) throw new ApiError(401, 'unit_token_invalid', 'this unit token is not known')
  return unit
}

/** Gives each listed unit (all when empty) a fresh token; returns code → token (shown once). */
export async function issueTokens(db: Kysely<any>, codes: string[]): Promise<Array<{ code: string; token: string }>> {
  const r = await sql<{ code: string }>`SELECT code FROM patrol_units ${codes.length ? sql`WHERE code IN (${sql.join(codes)})` : sql``} ORDER BY code`.execute(db)
  const issued = r.rows.map((u) => ({ code: u.code, token: newToken() }))
  await db.transaction().execute(async (trx) => {
    for (const { code, token } of issued) await sql`UPDATE patrol_units SET token_hash = ${hashToken(token)} WHERE code = ${code}`.execute(trx)
  })
  return issued
}
