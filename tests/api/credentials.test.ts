import { spawn } from 'node:child_process'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import type { DbHandle } from '../../server/src/db/create-db.ts'
import { createLogger } from '../../server/src/logger.ts'
import { createUser } from '../../server/src/auth/users.ts'
import { passwordChecks } from '../../server/src/ops/metrics.ts'
import { authHeader, signIn } from '../helpers/accounts.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { ROOT } from '../helpers/server-process.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const PG = Boolean(process.env.DATABASE_URL)

/**
 * Issue 14 items 6 and 7. Credentials end together: an administrator's password reset or a
 * disable (HTTP or `npm run user`) revokes the account's API tokens too, for good. Lockout is
 * atomic: however many sign-ins for one username arrive at once, at most five passwords are
 * checked.
 */
describe('credentials end together', () => {
  let t: TestDb
  let server: TestServer
  beforeAll(async () => {
    t = await getTestDb()
    // No credential cache: a revocation shows on the very next request.
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0, loginMaxFailures: 50 } }))
  })
  afterAll(async () => {
    await server.close()
  })

  const admin = authHeader('admin')
  const call = (method: string, p: string, headers: Record<string, string>, body?: unknown) =>
    fetch(server.url + p, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  /** What a token opens now: 200 while it is good, 401 once it is not. */
  const statusWith = async (token: string) => (await call('GET', '/api/layers', bearer(token))).status

  async function newAccount(username: string): Promise<{ id: number; password: string }> {
    const password = `${username}-password-1`
    const r = await call('POST', '/api/admin/users', admin, { username, role: 'planner', password })
    expect(r.status).toBe(201)
    return { id: ((await r.json()) as { id: number }).id, password }
  }
  async function adminToken(id: number, name: string): Promise<string> {
    const r = await call('POST', `/api/admin/users/${id}/tokens`, admin, { name })
    expect(r.status).toBe(201)
    return ((await r.json()) as { token: string }).token
  }
  async function ownToken(username: string, password: string): Promise<string> {
    const s = await signIn(server.url, username, password)
    const r = await call('POST', '/api/auth/tokens', { cookie: s.cookie, 'x-csrf-token': s.csrf }, { name: 'qgis' })
    expect(r.status).toBe(201)
    return ((await r.json()) as { token: string }).token
  }
  const revocations = async (userId: number) =>
    (await sql<{ actor: string; reason: string | null; after: unknown }>`
      SELECT actor, reason, after FROM audit_log WHERE layer = 'api-tokens' AND action = 'token' AND after->>'revoked' = 'true'
        AND (after->>'user_id')::int = ${userId} ORDER BY id`.execute(t.db)).rows

  it('disabling an account revokes its API tokens, and re-enabling it does not bring them back', async () => {
    const u = await newAccount('cred-test-disable')
    const issued = await adminToken(u.id, 'script')
    const own = await ownToken('cred-test-disable', u.password)
    expect(await statusWith(issued)).toBe(200)
    expect(await statusWith(own)).toBe(200)

    expect((await call('PATCH', `/api/admin/users/${u.id}`, admin, { disabled: true })).status).toBe(200)
    expect(await statusWith(issued)).toBe(401)
    expect(await statusWith(own)).toBe(401)

    expect((await call('PATCH', `/api/admin/users/${u.id}`, admin, { disabled: false })).status).toBe(200)
    expect(await statusWith(issued)).toBe(401)
    expect(await statusWith(own)).toBe(401)
    // The account itself works again: sign in, issue a new token.
    const fresh = await ownToken('cred-test-disable', u.password)
    expect(await statusWith(fresh)).toBe(200)

    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM api_tokens WHERE user_id = ${u.id} AND revoked_at IS NOT NULL`)).toBe(2)
    const audited = await revocations(u.id)
    expect(audited.map((a) => [a.actor, a.reason])).toEqual([
      ['test-admin', 'account disabled'],
      ['test-admin', 'account disabled'],
    ])
  })

  it('a password reset revokes the API tokens too', async () => {
    const u = await newAccount('cred-test-reset')
    const issued = await adminToken(u.id, 'script')
    const own = await ownToken('cred-test-reset', u.password)
    const s = await signIn(server.url, 'cred-test-reset', u.password)
    expect(await statusWith(issued)).toBe(200)

    expect((await call('PATCH', `/api/admin/users/${u.id}`, admin, { password: 'a-brand-new-password-2' })).status).toBe(200)
    expect(await statusWith(issued)).toBe(401)
    expect(await statusWith(own)).toBe(401)
    expect((await call('GET', '/api/layers', { cookie: s.cookie })).status).toBe(401)
    // The new password works and its new tokens work.
    const fresh = await ownToken('cred-test-reset', 'a-brand-new-password-2')
    expect(await statusWith(fresh)).toBe(200)
    expect((await revocations(u.id)).map((a) => [a.actor, a.reason])).toEqual([
      ['test-admin', 'password reset'],
      ['test-admin', 'password reset'],
    ])
    // Another account's tokens are untouched.
    expect(await statusWith('pgt_test-planner-0000000000000000000000')).toBe(200)
  })

  // PostgreSQL only: the CLI changes accounts through the same updateUser() the API test above
  // drives on both databases; on the embedded one each of its seven runs would start tsx and open
  // a data folder of its own (two minutes of the suite for no other code).
  it.runIf(PG)('the command line does the same: `user disable`, `user enable`, `user passwd`', async () => {
    // The CLI works on the test database itself.
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli/user.ts', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] })
        let out = ''
        child.stdout.on('data', (d) => (out += d))
        child.stderr.on('data', (d) => (out += d))
        child.on('exit', (code) => resolve({ code, out }))
      })
    const withApp = <T>(check: (status: (token: string) => Promise<number>, db: DbHandle['db']) => Promise<T>): Promise<T> => check(statusWith, t.db)
    try {
      const add = await cli('add', 'cred-test-cli', '--role', 'planner', '--password', 'cli-password-123')
      expect(add.code, add.out).toBe(0)
      const first = await cli('token', 'cred-test-cli')
      expect(first.code, first.out).toBe(0)
      const token = first.out.trim().split('\n').pop()!
      expect(token).toMatch(/^pgt_/)
      expect(await withApp((status) => status(token))).toBe(200)

      const disabled = await cli('disable', 'cred-test-cli')
      expect(disabled.code, disabled.out).toBe(0)
      expect(disabled.out).toContain('API tokens revoked')
      expect(await withApp((status) => status(token))).toBe(401)
      expect((await cli('enable', 'cred-test-cli')).code).toBe(0)
      // Re-enabled, with a second token, then a new password, then a third token.
      const second = (await cli('token', 'cred-test-cli')).out.trim().split('\n').pop()!
      const passwd = await cli('passwd', 'cred-test-cli')
      expect(passwd.code, passwd.out).toBe(0)
      const third = (await cli('token', 'cred-test-cli')).out.trim().split('\n').pop()!

      const after = await withApp(async (status, db) => ({
        // The first stays revoked though the account is enabled again; the password ended the second.
        statuses: [await status(token), await status(second), await status(third)],
        audited: (await sql<{ actor: string; reason: string }>`
          SELECT a.actor, a.reason FROM audit_log a JOIN users u ON u.id = (a.after->>'user_id')::int
          WHERE a.layer = 'api-tokens' AND a.after->>'revoked' = 'true' AND u.username = 'cred-test-cli' ORDER BY a.id`.execute(db)).rows,
      }))
      expect(after.statuses).toEqual([401, 401, 200])
      expect(after.audited).toEqual([
        { actor: 'cli', reason: 'account disabled' },
        { actor: 'cli', reason: 'password reset' },
      ])
    } finally {
      // Nothing to remove: the account stays, disabled tokens and all, like any audited change.
    }
  }, 120_000)
})

describe('sign-in lockout is atomic', () => {
  let t: TestDb
  let server: TestServer
  beforeAll(async () => {
    t = await getTestDb()
    // The default allowance: five failures per username, fifty per address.
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } }))
    await t.db.transaction().execute(async (trx) => {
      await createUser(trx, { username: 'lock-test-user', role: 'planner', password: 'lock-test-password-1' }, 'test-setup')
      await createUser(trx, { username: 'lock-test-ok', role: 'planner', password: 'lock-test-password-2' }, 'test-setup')
    })
  })
  afterAll(async () => {
    await server.close()
  })

  const login = (username: string, password: string) =>
    fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })

  /** 40 sign-ins at once; the answers and how many passwords the server checked meanwhile. */
  async function burst(username: string) {
    const before = passwordChecks.value()
    const answers = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const r = await login(username, `wrong-password-${i}`)
        return { status: r.status, code: ((await r.json()) as { error: { code: string } }).error.code, retryAfter: r.headers.get('retry-after') }
      }),
    )
    return { answers, checked: passwordChecks.value() - before }
  }

  for (const [label, username] of [
    ['an existing account', 'lock-test-user'],
    ['a username that does not exist', 'lock-test-nobody'],
  ] as const) {
    it(`40 simultaneous wrong sign-ins for ${label}: exactly 5 checked and answered 401, 35 answered 429`, async () => {
      const { answers, checked } = await burst(username)
      const refused = answers.filter((a) => a.status === 401)
      const limited = answers.filter((a) => a.status === 429)
      expect(refused.length).toBe(5)
      expect(refused.every((a) => a.code === 'invalid_credentials')).toBe(true)
      expect(limited.length).toBe(35)
      expect(limited.every((a) => a.code === 'locked' && Number(a.retryAfter) > 0)).toBe(true)
      // Counted by the server (scrypt checks started), not guessed from timing.
      expect(checked).toBe(5)
      // Locked now: even the right password is not checked.
      const before = passwordChecks.value()
      const right = await login(username, 'lock-test-password-1')
      expect(right.status).toBe(429)
      expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(14 * 60)
      expect(passwordChecks.value()).toBe(before)
    })
  }

  it('a success clears the failures: four wrong, right, four wrong again, and the right one still signs in', async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expect((await login('lock-test-ok', 'nope-nope-nope')).status).toBe(401)
      expect((await login('lock-test-ok', 'lock-test-password-2')).status).toBe(200)
    }
    // Concurrent right sign-ins are never turned away while tries are left.
    const together = await Promise.all(Array.from({ length: 5 }, () => login('lock-test-ok', 'lock-test-password-2')))
    expect(together.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
  })
})
