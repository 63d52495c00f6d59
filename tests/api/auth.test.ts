import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { authHeader, signIn, TEST_PASSWORD } from '../helpers/accounts.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const HAZARD = (description: string) => ({
  geometry: { type: 'Point', coordinates: [125.1435, 42.8878] },
  properties: { category: 'fire', source: 'offline', description },
})

describe('sign-in, sessions and tokens', () => {
  let t: TestDb
  let server: TestServer
  // No credential cache, so expiry and revocation show on the very next request.
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0, loginMaxFailures: 50 } }))
  })
  afterAll(async () => {
    await sql`DELETE FROM hazards WHERE description LIKE 'AUTH-TEST%'`.execute(t.db)
    await server.close()
  })

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers })

  it('sets an httpOnly SameSite=Strict session cookie and gives the CSRF token and the role', async () => {
    const res = await post('/api/auth/login', { username: 'test-planner', password: TEST_PASSWORD })
    expect(res.status).toBe(200)
    const cookie = res.headers.get('set-cookie')!
    expect(cookie).toMatch(/^pingan_session=[A-Za-z0-9_-]{43};/)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Strict/i)
    expect(cookie).toMatch(/Path=\//)
    expect(cookie).toMatch(/Max-Age=43200/)
    const body = await res.json()
    expect(body.user).toMatchObject({ username: 'test-planner', role: 'planner' })
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(body.layers['patrol-zones']).toMatchObject({ read: 'all', create: 'all' })
    expect(body.layers.hazards).toMatchObject({ read: 'all', create: 'none' })
    // Only a hash of the session is stored.
    const raw = /pingan_session=([^;]+)/.exec(cookie)![1]!
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM sessions WHERE token_hash = ${raw}`)).toBe(0)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM audit_log WHERE action = 'login' AND actor = 'test-planner'`)).toBeGreaterThan(0)
  })

  it('answers a wrong password and an unknown user alike, and treats SQL in either field as text', async () => {
    const users = await scalar<number>(t.db, sql`SELECT count(*)::int FROM users`)
    const wrong = await post('/api/auth/login', { username: 'test-planner', password: 'not-the-password' })
    const unknown = await post('/api/auth/login', { username: 'nobody-here', password: 'not-the-password' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(await wrong.json()).toEqual(await unknown.json())
    for (const attack of ["' OR '1'='1", "test-admin'--", "x'; DROP TABLE users; --", 'test-admin" OR ""="']) {
      const a = await post('/api/auth/login', { username: attack, password: attack })
      expect(a.status, attack).toBe(401)
      const b = await post('/api/auth/login', { username: 'test-admin', password: attack })
      expect(b.status, attack).toBe(401)
    }
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM users`)).toBe(users)
    expect((await post('/api/auth/login', { username: 'test-admin' })).status).toBe(400)
    expect((await post('/api/auth/login', { username: 'test-admin', password: TEST_PASSWORD, extra: 1 })).status).toBe(400)
  })

  it('refuses a cookie-authenticated write without the CSRF token or from another origin, and accepts it with the token', async () => {
    const { cookie, csrf } = await signIn(server.url, 'test-officer', TEST_PASSWORD)
    const before = await scalar<number>(t.db, sql`SELECT count(*)::int FROM hazards WHERE description LIKE 'AUTH-TEST%'`)
    const none = await post('/api/layers/hazards/features', HAZARD('AUTH-TEST csrf none'), { cookie })
    expect(none.status).toBe(403)
    expect((await none.json()).error.code).toBe('csrf')
    const wrong = await post('/api/layers/hazards/features', HAZARD('AUTH-TEST csrf wrong'), { cookie, 'x-csrf-token': csrf.slice(0, -2) + 'xx' })
    expect(wrong.status).toBe(403)
    const foreign = await post('/api/layers/hazards/features', HAZARD('AUTH-TEST csrf origin'), { cookie, 'x-csrf-token': csrf, origin: 'http://evil.example' })
    expect(foreign.status).toBe(403)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM hazards WHERE description LIKE 'AUTH-TEST%'`)).toBe(before)
    // The officer's own cell: the officer's grid cells come from the test accounts.
    const own = await scalar<string>(t.db, sql`SELECT json_build_array(ST_X(ST_PointOnSurface(g.geom)), ST_Y(ST_PointOnSurface(g.geom)))::text
      FROM grid_cells g JOIN user_grid_cells u ON u.grid_id = g.id JOIN users x ON x.id = u.user_id WHERE x.username = 'test-officer' ORDER BY g.id LIMIT 1`)
    const ok = await post('/api/layers/hazards/features', { ...HAZARD('AUTH-TEST csrf ok'), geometry: { type: 'Point', coordinates: JSON.parse(own) } }, { cookie, 'x-csrf-token': csrf })
    expect(ok.status).toBe(201)
    const id = (await ok.json()).id
    // The audit names the real account, and the hazard its reporter.
    expect(await scalar<string>(t.db, sql`SELECT actor FROM audit_log WHERE layer = 'hazards' AND feature_id = ${String(id)} AND action = 'create'`)).toBe('test-officer')
    expect(await scalar<string>(t.db, sql`SELECT u.username FROM hazards h JOIN users u ON u.id = h.created_by WHERE h.id = ${id}`)).toBe('test-officer')
    // Bearer requests carry no ambient credential: no CSRF token needed.
    expect((await post('/api/layers/hazards/features', HAZARD('AUTH-TEST bearer'), authHeader('admin'))).status).toBe(201)
  })

  it('never adopts a session id the browser brings to sign-in (fixation), and ends the old one', async () => {
    const first = await signIn(server.url, 'test-command', TEST_PASSWORD)
    expect((await get('/api/layers', { cookie: first.cookie })).status).toBe(200)
    const res = await fetch(server.url + '/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: first.cookie },
      body: JSON.stringify({ username: 'test-command', password: TEST_PASSWORD }),
    })
    const second = /pingan_session=[^;]+/.exec(res.headers.get('set-cookie')!)![0]
    expect(second).not.toBe(first.cookie)
    expect((await get('/api/layers', { cookie: first.cookie })).status).toBe(401)
    expect((await get('/api/layers', { cookie: second })).status).toBe(200)
    // An attacker-chosen value is never stored as a session.
    const planted = 'pingan_session=' + 'A'.repeat(43)
    const res2 = await fetch(server.url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', cookie: planted }, body: JSON.stringify({ username: 'test-command', password: TEST_PASSWORD }) })
    expect(res2.headers.get('set-cookie')).not.toContain(planted)
    expect((await get('/api/layers', { cookie: planted })).status).toBe(401)
  })

  it('tells a signed-out page who it is (nobody) without an error, and a signed-in one its account', async () => {
    expect(await (await get('/api/auth/me')).json()).toEqual({ user: null })
    const s = await signIn(server.url, 'test-officer', TEST_PASSWORD)
    const me = await (await get('/api/auth/me', { cookie: s.cookie })).json()
    expect(me.user).toMatchObject({ username: 'test-officer', role: 'officer' })
    expect(me.csrfToken).toBe(s.csrf)
    expect(me.layers.hazards).toMatchObject({ read: 'grids', create: 'grids', delete: 'none' })
    expect(me.layers['unit-positions'].read).toBe('none')
  })

  it('refuses an expired session, a tampered cookie and a logged-out session', async () => {
    const a = await signIn(server.url, 'test-command', TEST_PASSWORD)
    const value = a.cookie.split('=')[1]!
    const tampered = `pingan_session=${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`
    const res = await get('/api/layers', { cookie: tampered })
    expect(res.status).toBe(401)
    // A dead cookie is cleared.
    expect(res.headers.get('set-cookie')).toMatch(/pingan_session=;/)
    expect((await get('/api/layers', { cookie: a.cookie })).status).toBe(200)
    const { createHash } = await import('node:crypto')
    await sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = ${createHash('sha256').update(value).digest('hex')}`.execute(t.db)
    expect((await get('/api/layers', { cookie: a.cookie })).status).toBe(401)

    const b = await signIn(server.url, 'test-command', TEST_PASSWORD)
    expect((await post('/api/auth/logout', {}, { cookie: b.cookie })).status).toBe(403) // logout is a write: CSRF applies
    const out = await post('/api/auth/logout', {}, { cookie: b.cookie, 'x-csrf-token': b.csrf })
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toMatch(/pingan_session=;/)
    expect((await get('/api/layers', { cookie: b.cookie })).status).toBe(401)
  })

  it('lets a person issue and revoke their own API token, which then stops working', async () => {
    const s = await signIn(server.url, 'test-planner', TEST_PASSWORD)
    const created = await post('/api/auth/tokens', { name: 'QGIS' }, { cookie: s.cookie, 'x-csrf-token': s.csrf })
    expect(created.status).toBe(201)
    const { id, token } = (await created.json()) as { id: number; token: string }
    expect(token).toMatch(/^pgt_/)
    const bearer = { authorization: `Bearer ${token}` }
    expect((await get('/ogc/collections/patrol-zones/items?limit=1', bearer)).status).toBe(200)
    expect((await get('/tiles/patrol-zones.json', bearer)).status).toBe(200)
    const del = await fetch(`${server.url}/api/auth/tokens/${id}`, { method: 'DELETE', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } })
    expect(del.status).toBe(204)
    expect((await get('/ogc/collections/patrol-zones/items?limit=1', bearer)).status).toBe(401)
    expect((await get('/api/layers', { authorization: 'Bearer pgt_not-a-real-token-at-all' })).status).toBe(401)
  })

  it('lets an administrator create, scope, disable and reset accounts, all audited; a disabled account is out at once', async () => {
    const admin = authHeader('admin')
    const cell = await scalar<number>(t.db, sql`SELECT min(id) FROM grid_cells`)
    const created = await post('/api/admin/users', { username: 'auth-test-officer', role: 'officer', password: 'first-password-1', gridIds: [cell] }, admin)
    expect(created.status).toBe(201)
    const user = await created.json()
    expect(user).toMatchObject({ username: 'auth-test-officer', role: 'officer', grid_ids: [cell], disabled: false })
    expect((await post('/api/admin/users', { username: 'auth-test-officer', role: 'officer', password: 'first-password-1' }, admin)).status).toBe(409)
    expect((await post('/api/admin/users', { username: 'x', role: 'officer', password: 'first-password-1' }, admin)).status).toBe(400)
    expect((await post('/api/admin/users', { username: 'auth-test-2', role: 'officer', password: 'short' }, admin)).status).toBe(400)
    expect((await post('/api/admin/users', { username: 'auth-test-2', role: 'chief', password: 'long-enough-1' }, admin)).status).toBe(400)
    expect((await post('/api/admin/users', { username: 'auth-test-2', role: 'officer', password: 'long-enough-1', gridIds: [999999] }, admin)).status).toBe(400)
    const stored = await scalar<string>(t.db, sql`SELECT password_hash FROM users WHERE username = 'auth-test-officer'`)
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/)
    expect(stored).not.toContain('first-password-1')

    const s = await signIn(server.url, 'auth-test-officer', 'first-password-1')
    expect(s.body.user.gridIds).toEqual([cell])
    const patch = (body: unknown) => fetch(`${server.url}/api/admin/users/${user.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...admin }, body: JSON.stringify(body) })
    expect((await patch({ password: 'second-password-2' })).status).toBe(200)
    // A new password ends the sessions; the old password no longer works, the new one does.
    expect((await get('/api/layers', { cookie: s.cookie })).status).toBe(401)
    expect((await post('/api/auth/login', { username: 'auth-test-officer', password: 'first-password-1' })).status).toBe(401)
    const s2 = await signIn(server.url, 'auth-test-officer', 'second-password-2')
    expect((await patch({ disabled: true })).status).toBe(200)
    expect((await get('/api/layers', { cookie: s2.cookie })).status).toBe(401)
    expect((await post('/api/auth/login', { username: 'auth-test-officer', password: 'second-password-2' })).status).toBe(401)
    const audit = await sql<{ action: string; actor: string; reason: string | null }>`
      SELECT action, actor, reason FROM audit_log WHERE layer = 'users' AND feature_id = ${String(user.id)} ORDER BY id`.execute(t.db)
    expect(audit.rows).toEqual([
      { action: 'create', actor: 'test-admin', reason: null },
      { action: 'update', actor: 'test-admin', reason: 'password reset' },
      { action: 'update', actor: 'test-admin', reason: null },
    ])
    // The audit never holds a password or its hash.
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM audit_log WHERE layer = 'users' AND (after::text LIKE '%password%' OR after::text LIKE '%scrypt%')`)).toBe(0)
  })

  it('sends security headers on every answer: CSP only self, no framing, no X-Powered-By, and no stack or SQL in errors', async () => {
    for (const path of ['/api/health', '/api/layers', '/tiles/basemap.json', '/api/layers/hazards/features?sort=nope']) {
      const res = await get(path)
      const csp = res.headers.get('content-security-policy')!
      expect(csp).toContain("default-src 'self'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).not.toContain('unsafe-inline')
      expect(csp).toContain("frame-ancestors 'none'")
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-powered-by')).toBeNull()
    }
    const bad = await get('/api/layers/hazards/features?sort=nope', authHeader('admin'))
    const text = await bad.text()
    expect(bad.status).toBe(400)
    expect(text).not.toMatch(/SELECT|at .*\.ts:\d+|node_modules/)
  })
})

describe('sign-in lockout', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await listen(createApp({ database: await getTestDb(), logger: createLogger('silent'), auth: { loginMaxFailures: 3 } }))
  })
  afterAll(() => server.close())
  const login = (username: string, password: string) =>
    fetch(server.url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })

  it('locks a username after repeated failures, the right password included, without saying whether it exists', async () => {
    for (let i = 0; i < 3; i++) expect((await login('test-volunteer', 'wrong-password')).status).toBe(401)
    const locked = await login('test-volunteer', TEST_PASSWORD)
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    for (let i = 0; i < 3; i++) expect((await login('no-such-person', 'wrong-password')).status).toBe(401)
    const ghost = await login('no-such-person', 'wrong-password')
    expect(ghost.status).toBe(429)
    expect((await ghost.json()).error).toEqual((await locked.json()).error)
    // Another account from the same address is not locked by these six failures.
    expect((await login('test-planner', TEST_PASSWORD)).status).toBe(200)
  })

  it('limits writes per account with 429 and Retry-After', async () => {
    const limited = await listen(createApp({ database: await getTestDb(), logger: createLogger('silent'), auth: { writesPerMinute: 3 } }))
    try {
      const statuses: number[] = []
      for (let i = 0; i < 5; i++) {
        const r = await fetch(`${limited.url}/api/layers/hazards/features`, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeader('planner') }, body: '{}' })
        statuses.push(r.status)
        if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
      }
      // The planner may not create hazards (403), but each attempt is a write and counts.
      expect(statuses).toEqual([403, 403, 403, 429, 429])
    } finally {
      await limited.close()
    }
  })
})
