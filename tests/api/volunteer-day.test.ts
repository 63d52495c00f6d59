import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createDemoAccounts, DEMO_ACCOUNTS } from '../../server/src/auth/bootstrap.ts'
import { sha256 } from '../../server/src/auth/principal.ts'
import { createUser } from '../../server/src/auth/users.ts'
import { createLogger } from '../../server/src/logger.ts'
import { TEST_PASSWORD } from '../helpers/accounts.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const TAG = 'TEST-VDAY'
const TOKENS = { linked: 'pgt_test-vday-linked-0000000000000000000', other: 'pgt_test-vday-other-00000000000000000000' } as const
/** The smallest PNG and JPEG heads the server's type check accepts. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64')
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]).toString('base64')

/**
 * The volunteer's day (issue 15, item 3): a volunteer account reports a hazard and a dispute with
 * photos, follows their status as an officer moves them, and reads its points and the shop. Every
 * figure is checked against SQL written here (the ledger's sums, the audit log's transitions, the
 * shop's prices against the balance), not against the route's own queries.
 */
describe('the volunteer\u2019s day: own reports with photos and status, points, shop', () => {
  let t: TestDb
  let server: TestServer
  let admin: ReturnType<typeof apiClient>
  let officer: ReturnType<typeof apiClient>
  let unlinked: ReturnType<typeof apiClient>
  let volunteerId: number
  let linkedUser: number
  let point: [number, number]

  /** A JSON call with one of this file's tokens. */
  const as = (who: keyof typeof TOKENS) => async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${TOKENS[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    let parsed: any = text
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      // an image
    }
    return { status: res.status, body: parsed, type: res.headers.get('content-type') }
  }
  const linked = () => as('linked')
  const other = () => as('other')

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } }))
    admin = apiClient(server.url, 'admin')
    officer = apiClient(server.url, 'officer')
    unlinked = apiClient(server.url, 'volunteer')
    // A seeded volunteer who earned and redeemed points.
    volunteerId = await scalar<number>(t.db, sql`SELECT min(volunteer_id) FROM points_ledger WHERE kind = 'redemption'`)
    await t.db.transaction().execute(async (trx) => {
      const a = await createUser(trx, { username: 'test-vday-linked', role: 'volunteer', password: TEST_PASSWORD, volunteerId }, 'test-setup')
      const b = await createUser(trx, { username: 'test-vday-other', role: 'volunteer', password: TEST_PASSWORD }, 'test-setup')
      linkedUser = a.id
      await sql`INSERT INTO api_tokens (user_id, name, token_hash) VALUES (${a.id}, 'tests', ${sha256(TOKENS.linked)}), (${b.id}, 'tests', ${sha256(TOKENS.other)})`.execute(trx)
    })
    // A point in the test officer's first cell, so that officer can move the reports along.
    const cell = await scalar<number>(t.db, sql`SELECT min(u.grid_id) FROM user_grid_cells u JOIN users x ON x.id = u.user_id WHERE x.username = 'test-officer'`)
    point = JSON.parse(await scalar<string>(t.db, sql`SELECT json_build_array(ST_X(p), ST_Y(p))::text FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid_cells WHERE id = ${cell}) x`))
  })

  afterAll(async () => {
    const users = sql`SELECT id FROM users WHERE username LIKE 'test-vday-%'`
    await sql`DELETE FROM hazards WHERE description LIKE ${TAG + '%'}`.execute(t.db)
    await sql`DELETE FROM disputes WHERE description LIKE ${TAG + '%'}`.execute(t.db)
    await sql`DELETE FROM points_ledger WHERE record_id IN (SELECT id FROM activity_records WHERE note = ${TAG})`.execute(t.db)
    await sql`DELETE FROM activity_records WHERE note = ${TAG}`.execute(t.db)
    await sql`DELETE FROM api_tokens WHERE user_id IN (${users})`.execute(t.db)
    await sql`DELETE FROM users WHERE username LIKE 'test-vday-%'`.execute(t.db)
    await server.close()
  })

  const report = async (layer: 'hazards' | 'disputes', properties: Record<string, unknown>, reportedAt: string) => {
    const r = await linked()('POST', `/api/layers/${layer}/features`, {
      type: 'Feature', geometry: { type: 'Point', coordinates: point }, properties: { ...properties, reported_at: reportedAt, client_ref: randomUUID() },
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    return r.body as { id: number; properties: { code: string; version: number; created_by?: number } }
  }

  it('reports a hazard and a dispute with photos; only the reporter (and the officer of the cell) may attach or see them', async () => {
    const hazard = await report('hazards', { category: 'manhole', source: 'online', description: `${TAG} 井盖缺失` }, '2026-10-30T08:00:00+08:00')
    const dispute = await report('disputes', { category: 'neighbour', source: 'patrol', parties: 2, description: `${TAG} 邻里噪音` }, '2026-10-31T08:00:00+08:00')
    expect(await scalar<number>(t.db, sql`SELECT created_by FROM hazards WHERE id = ${hazard.id}`)).toBe(linkedUser)

    const put = (who: ReturnType<typeof as>, layer: string, id: number, body: unknown) => who('PUT', `/api/layers/${layer}/features/${id}/photo`, body)
    expect((await put(linked(), 'hazards', hazard.id, { content_type: 'image/png', data: PNG })).status).toBe(200)
    const d = await put(linked(), 'disputes', dispute.id, { content_type: 'image/jpeg', data: JPEG })
    expect(d.status, JSON.stringify(d.body)).toBe(200)
    expect(d.body).toEqual({ dispute_id: dispute.id, content_type: 'image/jpeg', bytes: Buffer.from(JPEG, 'base64').length })
    // Stored as sent, keyed by the dispute's district (its parent's), and audited.
    expect(await scalar<string>(t.db, sql`SELECT encode(bytes, 'base64') FROM dispute_photos WHERE dispute_id = ${dispute.id}`)).toBe(JPEG)
    expect(await scalar<boolean>(t.db, sql`SELECT p.district_code = d.district_code FROM dispute_photos p JOIN disputes d ON d.id = p.dispute_id WHERE d.id = ${dispute.id}`)).toBe(true)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM audit_log WHERE layer = 'dispute_photos' AND feature_id = ${String(dispute.id)} AND actor = 'test-vday-linked'`)).toBe(1)
    // Sent again (the outbox after a lost answer): replaced, still one photo.
    expect((await put(linked(), 'disputes', dispute.id, { content_type: 'image/jpeg', data: JPEG })).status).toBe(200)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM dispute_photos WHERE dispute_id = ${dispute.id}`)).toBe(1)
    // Not an image of the type it says: refused, nothing written.
    expect((await put(linked(), 'hazards', hazard.id, { content_type: 'image/jpeg', data: PNG })).status).toBe(422)

    const img = await linked()('GET', `/api/layers/hazards/features/${hazard.id}/photo`)
    expect(img.status).toBe(200)
    expect(img.type).toBe('image/png')
    // Another volunteer: neither sees nor replaces it (404, as if it did not exist); a seeded hazard is not theirs either.
    expect((await put(other(), 'hazards', hazard.id, { content_type: 'image/png', data: PNG })).status).toBe(404)
    expect((await other()('GET', `/api/layers/hazards/features/${hazard.id}/photo`)).status).toBe(404)
    const seeded = await scalar<number>(t.db, sql`SELECT min(id) FROM hazards WHERE created_by IS NULL`)
    expect((await put(linked(), 'hazards', seeded, { content_type: 'image/png', data: PNG })).status).toBe(404)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM hazard_photos WHERE hazard_id = ${seeded}`)).toBe(0)
    // The officer of the cell sees the photo; command may not attach one.
    expect((await officer.get(`/api/layers/disputes/features/${dispute.id}/photo`)).status).toBe(200)
    expect((await apiClient(server.url, 'command').raw('PUT', `/api/layers/hazards/features/${hazard.id}/photo`, { content_type: 'image/png', data: PNG })).status).toBe(403)
    // A layer without photos.
    expect((await put(linked(), 'schools', 1, { content_type: 'image/png', data: PNG })).status).toBe(404)
  })

  it('keeps a dispute\u2019s photo with the dispute when it is moved across a district line', async () => {
    const [a, b] = (
      await sql<{ district: string; lon: number; lat: number }>`
        SELECT DISTINCT ON (d.code) d.code AS district, ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat
        FROM grid_cells g JOIN admin_areas d ON d.level = 'district' AND ST_Covers(d.geom, ST_PointOnSurface(g.geom))
        ORDER BY d.code, g.id LIMIT 2`.execute(t.db)
    ).rows as [{ district: string; lon: number; lat: number }, { district: string; lon: number; lat: number }]
    expect(a.district).not.toBe(b.district)
    const created = await admin.post('/api/layers/disputes/features', {
      geometry: { type: 'Point', coordinates: [a.lon, a.lat] }, properties: { category: 'land', source: 'walk_in', description: `${TAG} 跨区` },
    })
    expect(created.status).toBe(201)
    const id = created.body.id as number
    expect((await admin.raw('PUT', `/api/layers/disputes/features/${id}/photo`, { content_type: 'image/png', data: PNG })).status).toBe(200)
    const photoDistrict = () => scalar<string>(t.db, sql`SELECT district_code FROM dispute_photos WHERE dispute_id = ${id}`)
    expect(await photoDistrict()).toBe(a.district)
    const moved = await admin.patch(`/api/layers/disputes/features/${id}`, { version: 1, geometry: { type: 'Point', coordinates: [b.lon, b.lat] } })
    expect(moved.status).toBe(200)
    expect(await scalar<string>(t.db, sql`SELECT district_code FROM disputes WHERE id = ${id}`)).toBe(b.district)
    expect(await photoDistrict()).toBe(b.district)
    // Deleted with its dispute.
    expect((await admin.del(`/api/layers/disputes/features/${id}?version=2`)).status).toBe(204)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM dispute_photos WHERE dispute_id = ${id}`)).toBe(0)
  })

  it('follows each report\u2019s status, newest first, with when it last changed (the audit log\u2019s transitions)', async () => {
    const mine = (await linked()('GET', '/api/volunteer/my-day')).body
    const hazard = mine.reports.find((r: any) => r.layer === 'hazards' && r.description.startsWith(TAG))
    const dispute = mine.reports.find((r: any) => r.layer === 'disputes' && r.description.startsWith(TAG))
    expect(hazard).toMatchObject({ status: 'reported', has_photo: true, history: [] })
    expect(dispute).toMatchObject({ status: 'reported', has_photo: true, history: [] })
    // Names, not ids: the grid cell and community it was assigned to.
    expect(hazard.grid_name).toBe(await scalar<string>(t.db, sql`SELECT g.name FROM hazards h JOIN grid_cells g ON g.id = h.grid_id WHERE h.id = ${hazard.id}`))
    expect(hazard.community).toBeTruthy()

    // The officer of the cell moves them along.
    const move = async (layer: string, id: number, to: string) => {
      const version = await scalar<number>(t.db, sql`SELECT version FROM ${sql.table(layer)} WHERE id = ${id}`)
      const r = await officer.post(`/api/layers/${layer}/features/${id}/transitions`, { to, version, reason: `${TAG} ${to}` })
      expect(r.status, JSON.stringify(r.body)).toBe(200)
    }
    await move('hazards', hazard.id, 'verified')
    await move('hazards', hazard.id, 'rectifying')
    await move('disputes', dispute.id, 'mediating')

    const day = (await linked()('GET', '/api/volunteer/my-day')).body
    // Exactly the account's own reports, counted by SQL.
    const own = await scalar<number>(t.db, sql`SELECT ((SELECT count(*) FROM hazards WHERE created_by = ${linkedUser}) + (SELECT count(*) FROM disputes WHERE created_by = ${linkedUser}))::int`)
    expect(day.reports_total).toBe(own)
    expect(day.reports).toHaveLength(own)
    // Newest first: the dispute was reported a day after the hazard.
    const times = day.reports.map((r: any) => Date.parse(r.reported_at))
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    expect(day.reports[0]).toMatchObject({ layer: 'disputes', id: dispute.id, status: 'mediating' })
    const h = day.reports.find((r: any) => r.layer === 'hazards' && r.id === hazard.id)
    expect(h.status).toBe(await scalar<string>(t.db, sql`SELECT status FROM hazards WHERE id = ${hazard.id}`))
    expect(h.status).toBe('rectifying')
    expect(h.history.map((c: any) => [c.from, c.to, c.reason])).toEqual([['reported', 'verified', `${TAG} verified`], ['verified', 'rectifying', `${TAG} rectifying`]])
    const lastMove = await scalar<number>(t.db, sql`SELECT (extract(epoch FROM max(at)) * 1000)::float8 FROM audit_log WHERE layer = 'hazards' AND feature_id = ${String(hazard.id)} AND action = 'transition'`)
    expect(Math.abs(Date.parse(h.changed_at) - lastMove)).toBeLessThan(1)
    // Who moved it is not said to the volunteer.
    expect(JSON.stringify(day.reports)).not.toContain('test-officer')

    // Another volunteer's day holds none of them.
    const theirs = (await other()('GET', '/api/volunteer/my-day')).body
    expect(theirs.reports.filter((r: any) => r.description.startsWith(TAG))).toEqual([])
  })

  it('shows the points account from the ledger, the latest movements and what the shop\u2019s balance affords', async () => {
    const before = (await linked()('GET', '/api/volunteer/my-day')).body
    const sums = async () =>
      (await sql<{ balance: number; earned: number; spent: number }>`
        SELECT coalesce(sum(delta), 0)::int AS balance, coalesce(sum(delta) FILTER (WHERE delta > 0), 0)::int AS earned,
               coalesce((SELECT sum(points) FROM redemptions WHERE volunteer_id = ${volunteerId}), 0)::int AS spent
        FROM points_ledger WHERE volunteer_id = ${volunteerId}`.execute(t.db)).rows[0]!
    expect(before.account).toMatchObject({ user_id: linkedUser, volunteer_id: volunteerId })
    expect(before.volunteer).toMatchObject({ id: volunteerId, ...(await sums()) })
    expect(before.volunteer.spent).toBeGreaterThan(0)
    expect(before.volunteer.name).toBe(await scalar<string>(t.db, sql`SELECT name FROM volunteers WHERE id = ${volunteerId}`))
    expect(before.volunteer.org_name).toBe(await scalar<string>(t.db, sql`SELECT o.name FROM volunteers v JOIN volunteer_orgs o ON o.id = v.org_id WHERE v.id = ${volunteerId}`))

    // Command records an hour of patrol: the balance, the earned points and the newest movement follow.
    const rec = await apiClient(server.url, 'command').post(`/api/volunteers/${volunteerId}/activities`, { kind: 'patrol', quantity: 3, note: TAG })
    expect(rec.status, JSON.stringify(rec.body)).toBe(201)
    const day = (await linked()('GET', '/api/volunteer/my-day')).body
    const now = await sums()
    expect(day.volunteer).toMatchObject(now)
    expect(now.balance).toBe(before.volunteer.balance + rec.body.record.points)
    expect(day.volunteer.ledger[0]).toMatchObject({ delta: rec.body.record.points, kind: 'record', label: 'patrol' })
    // The latest movements, newest first, as the ledger holds them.
    const latest = (await sql<{ id: number; delta: number }>`SELECT id::int AS id, delta FROM points_ledger WHERE volunteer_id = ${volunteerId} ORDER BY at DESC, id DESC LIMIT 20`.execute(t.db)).rows
    expect(day.volunteer.ledger.map((l: any) => [l.id, l.delta])).toEqual(latest.map((l) => [l.id, l.delta]))
    // The shop: every active item, affordable exactly when its price is within the balance and it is in stock.
    const items = (await sql<{ id: number; price: number; stock: number }>`SELECT id, price, stock FROM shop_items WHERE active ORDER BY id`.execute(t.db)).rows
    expect(day.shop.map((i: any) => [i.id, i.price, i.affordable])).toEqual(items.map((i) => [i.id, i.price, i.price <= now.balance && i.stock > 0]))

    // The same account as the registry route gives a volunteer (its own only).
    const own = await linked()('GET', `/api/volunteers/${volunteerId}`)
    expect(own.status).toBe(200)
    expect(own.body).toMatchObject({ balance: now.balance, earned: now.earned, spent: now.spent })
  })

  it('says plainly when an account is linked to no volunteer, and lets an administrator link it', async () => {
    const day = await unlinked.get('/api/volunteer/my-day')
    expect(day.status).toBe(200)
    expect(day.body.volunteer).toBeNull()
    expect(day.body.account.volunteer_id).toBeNull()
    expect(day.body.shop.length).toBeGreaterThan(0)
    expect(day.body.shop.every((i: any) => i.affordable === false)).toBe(true)
    // Other roles have no day of their own.
    expect((await officer.get('/api/volunteer/my-day')).status).toBe(403)

    const otherId = await scalar<number>(t.db, sql`SELECT id FROM users WHERE username = 'test-vday-other'`)
    // Only an existing volunteer, only for a volunteer account.
    expect((await admin.patch(`/api/admin/users/${otherId}`, { volunteerId: 2_000_000_000 })).status).toBe(400)
    const officerId = await scalar<number>(t.db, sql`SELECT id FROM users WHERE username = 'test-officer'`)
    expect((await admin.patch(`/api/admin/users/${officerId}`, { volunteerId })).status).toBe(400)
    const linkedNow = await admin.patch(`/api/admin/users/${otherId}`, { volunteerId })
    expect(linkedNow.status).toBe(200)
    expect(linkedNow.body.volunteer_id).toBe(volunteerId)
    expect((await other()('GET', '/api/volunteer/my-day')).body.volunteer.id).toBe(volunteerId)
    expect((await admin.patch(`/api/admin/users/${otherId}`, { volunteerId: null })).status).toBe(200)
    expect((await other()('GET', '/api/volunteer/my-day')).body.volunteer).toBeNull()
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM audit_log WHERE layer = 'users' AND feature_id = ${String(otherId)} AND (after->>'volunteer_id')::int = ${volunteerId}`)).toBe(1)
  })

  it('links the demo volunteer account to a seeded volunteer with points earned and spent', async () => {
    const taken = await scalar<number>(t.db, sql`SELECT count(*)::int FROM users WHERE username IN (${sql.join(DEMO_ACCOUNTS.map((a) => a.username))})`)
    if (taken > 0) return // another file made them: nothing to learn here
    await createDemoAccounts(t.db)
    try {
      const v = (await sql<{ volunteer_id: number | null; display_name: string }>`SELECT volunteer_id, display_name FROM users WHERE username = 'volunteer'`.execute(t.db)).rows[0]!
      expect(v.volunteer_id).not.toBeNull()
      const s = (await sql<{ balance: number; earned: number; spent: number; moves: number; name: string }>`
        SELECT coalesce(sum(l.delta), 0)::int AS balance, coalesce(sum(l.delta) FILTER (WHERE l.delta > 0), 0)::int AS earned,
               coalesce(-sum(l.delta) FILTER (WHERE l.kind = 'redemption'), 0)::int AS spent, count(l.id)::int AS moves, min(x.name) AS name
        FROM volunteers x LEFT JOIN points_ledger l ON l.volunteer_id = x.id WHERE x.id = ${v.volunteer_id}`.execute(t.db)).rows[0]!
      expect(s.balance).toBeGreaterThan(0)
      expect(s.spent).toBeGreaterThan(0)
      expect(s.moves).toBeGreaterThanOrEqual(3)
      // Some of the shop within reach, some not: the shop's two answers are both there to see.
      const prices = (await sql<{ price: number }>`SELECT price FROM shop_items WHERE active AND stock > 0`.execute(t.db)).rows.map((r) => r.price)
      expect(prices.some((p) => p <= s.balance)).toBe(true)
      expect(prices.some((p) => p > s.balance)).toBe(true)
      expect(v.display_name).toContain(s.name)
      // Only the volunteer account is linked.
      expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM users WHERE volunteer_id IS NOT NULL AND username IN (${sql.join(DEMO_ACCOUNTS.map((a) => a.username))})`)).toBe(1)
    } finally {
      const demo = sql`SELECT id FROM users WHERE username IN (${sql.join(DEMO_ACCOUNTS.map((a) => a.username))})`
      await sql`DELETE FROM user_grid_cells WHERE user_id IN (${demo})`.execute(t.db)
      await sql`DELETE FROM users WHERE username IN (${sql.join(DEMO_ACCOUNTS.map((a) => a.username))})`.execute(t.db)
    }
  })
})
