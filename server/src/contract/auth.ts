import { z } from 'zod'
import { LAYERS } from '../../../data/catalog/layers.ts'
import { ROLES } from '../auth/principal.ts'

/**
 * Signing in and the account's own credentials (server/src/auth/routes.ts): who is signed in and
 * what each layer allows them, and the account's API tokens. A session's secret never appears in
 * an answer (it is the httpOnly cookie); a token's secret only once, in the answer that creates it.
 * The client's auth/auth-api.ts takes its types from here.
 */

const id = z.number().int()
export const SCOPES = ['all', 'grids', 'own', 'none'] as const
const scope = z.enum(SCOPES)
const layerIds = LAYERS.map((l) => l.id) as [string, ...string[]]

export const loginBody = z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(500) })
export const tokenBody = z.strictObject({ name: z.string().min(1).max(80) })
export const passwordBody = z.strictObject({ current: z.string().min(1).max(500), password: z.string().min(1).max(500) })

export const sessionUser = z.strictObject({
  id,
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  gridIds: z.array(id).describe("an officer's grid cells (empty for other roles)"),
})
const sessionShape = {
  user: sessionUser,
  via: z.enum(['session', 'token']).describe('how the request was signed in: the session cookie or an API token'),
  csrfToken: z.string().optional().describe('a session only: the value X-CSRF-Token carries on writes'),
  layers: z
    .record(z.enum(layerIds), z.strictObject({ read: scope, create: scope, update: scope, delete: scope }))
    .describe('every layer, with what the account may read and write of it'),
}
/** The signed-in account as `GET /api/auth/me` describes it. */
export const sessionAnswer = z.strictObject(sessionShape)
export const signedOut = z.strictObject({ user: z.null() })
/**
 * `GET /api/auth/me`: the account, or `{"user": null}` signed out. One object (so that the
 * document lists its members), refined to the two forms.
 */
export const meAnswer = z
  .strictObject({
    user: sessionUser.nullable().describe('null when signed out, and then nothing else'),
    via: sessionShape.via.optional(),
    csrfToken: sessionShape.csrfToken,
    layers: sessionShape.layers.optional(),
  })
  .refine((m) => (m.user === null ? Object.keys(m).length === 1 : m.via !== undefined && m.layers !== undefined), 'signed in: user, via and layers; signed out: {"user": null} alone')
export const loginAnswer = z.strictObject({
  ...sessionShape,
  csrfToken: z.string().describe('the value X-CSRF-Token carries on writes (the session itself is the httpOnly cookie)'),
  via: z.literal('session'),
  expiresAt: z.iso.datetime().describe('when the session ends'),
})

export const tokenRow = z.strictObject({
  id,
  name: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
})
export const tokensAnswer = z.strictObject({ tokens: z.array(tokenRow).describe('every token of the account, revoked ones too (never the secrets)') })
export const tokenCreated = z.strictObject({
  id,
  token: z.string().startsWith('pgt_').describe('the secret, shown this once: send it as Authorization: Bearer'),
  name: z.string(),
  note: z.string(),
})

export type SessionUser = z.output<typeof sessionUser>
export type SessionAnswer = z.output<typeof sessionAnswer>
export type MeAnswer = SessionAnswer | z.output<typeof signedOut>
export type LoginRequest = z.input<typeof loginBody>
export type LoginAnswer = z.output<typeof loginAnswer>
export type TokenRow = z.output<typeof tokenRow>
export type TokenCreated = z.output<typeof tokenCreated>
