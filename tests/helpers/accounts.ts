import { sql, type Kysely } from 'kysely'
import type { Role } from '../../server/src/auth/principal.ts'
import { sha256 } from '../../server/src/auth/principal.ts'
import { createUser } from '../../server/src/auth/users.ts'

/**
 * Test accounts, one per role plus a second officer, each with a fixed API token (only its hash
 * is stored, as for real tokens). Officers get grid cells from the seeded city: `officer` the
 * cells of the first cell's officer, `officer2` those of another officer.
 */
export const TEST_PASSWORD = 'test-password-123'
export const TEST_TOKENS = {
  admin: 'pgt_test-admin-000000000000000000000000',
  command: 'pgt_test-command-0000000000000000000000',
  planner: 'pgt_test-planner-0000000000000000000000',
  officer: 'pgt_test-officer-0000000000000000000000',
  officer2: 'pgt_test-officer2-000000000000000000000',
  volunteer: 'pgt_test-volunteer-00000000000000000000',
} as const
export type TestAccount = keyof typeof TEST_TOKENS
export const ROLE_OF: Record<TestAccount, Role> = { admin: 'admin', command: 'command', planner: 'planner', officer: 'officer', officer2: 'officer', volunteer: 'volunteer' }

export const authHeader = (who: TestAccount) => ({ authorization: `Bearer ${TEST_TOKENS[who]}` })

export async function createTestAccounts(db: Kysely<any>): Promise<void> {
  const officers = await sql<{ officer_id: number; ids: number[] | string }>`
    SELECT officer_id, json_agg(id ORDER BY id) AS ids FROM grid_cells WHERE officer_id IS NOT NULL
    GROUP BY officer_id ORDER BY min(id) LIMIT 2`.execute(db)
  const cells = officers.rows.map((r) => (typeof r.ids === 'string' ? (JSON.parse(r.ids) as number[]) : r.ids))
  await db.transaction().execute(async (trx) => {
    for (const who of Object.keys(TEST_TOKENS) as TestAccount[]) {
      const role = ROLE_OF[who]
      const gridIds = who === 'officer' ? cells[0]! : who === 'officer2' ? cells[1]! : []
      const user = await createUser(trx, { username: `test-${who}`, role, password: TEST_PASSWORD, gridIds }, 'test-setup')
      await sql`INSERT INTO api_tokens (user_id, name, token_hash) VALUES (${user.id}, 'tests', ${sha256(TEST_TOKENS[who])})`.execute(trx)
    }
  })
}

/** Signs in over HTTP as a browser would; returns the session cookie and CSRF token. */
export async function signIn(base: string, username: string, password: string): Promise<{ cookie: string; csrf: string; body: any }> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
  const body = await res.json()
  if (res.status !== 200) throw new Error(`sign-in as ${username} answered ${res.status}: ${JSON.stringify(body)}`)
  const setCookie = res.headers.get('set-cookie') ?? ''
  const cookie = /pingan_session=[^;]+/.exec(setCookie)?.[0]
  if (!cookie) throw new Error('sign-in set no session cookie')
  return { cookie, csrf: body.csrfToken, body }
}

/** Signs in and issues an API token for the account (as a GIS user would for QGIS). */
export async function tokenFor(base: string, username: string, password: string): Promise<string> {
  const { cookie, csrf } = await signIn(base, username, password)
  const res = await fetch(`${base}/api/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body: JSON.stringify({ name: 'test' }) })
  const body = (await res.json()) as { token?: string }
  if (res.status !== 201 || !body.token) throw new Error(`token request answered ${res.status}: ${JSON.stringify(body)}`)
  return body.token
}

const BENCH_TOKEN = 'pgt_bench-admin-000000000000000000000000'

/** For the benchmarks: an administrator API token on `db` (created once), as a header. */
export async function benchAuth(db: Kysely<any>): Promise<Record<string, string>> {
  const has = await sql`SELECT 1 FROM api_tokens WHERE token_hash = ${sha256(BENCH_TOKEN)}`.execute(db)
  if (has.rows.length === 0) {
    await db.transaction().execute(async (trx) => {
      const existing = await sql<{ id: number }>`SELECT id FROM users WHERE username = 'bench-admin'`.execute(trx)
      const id = existing.rows[0]?.id ?? (await createUser(trx, { username: 'bench-admin', role: 'admin', password: TEST_PASSWORD }, 'bench')).id
      await sql`INSERT INTO api_tokens (user_id, name, token_hash) VALUES (${id}, 'bench', ${sha256(BENCH_TOKEN)})`.execute(trx)
    })
  }
  return { authorization: `Bearer ${BENCH_TOKEN}` }
}
