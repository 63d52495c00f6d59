import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const MARK = 'OFFICER-TEST'
/** A Monday in Liaoyuan, 09:00 local (the test city's anchor day is a Sunday). */
const MONDAY = '2026-11-02T09:00:00+08:00'
const SATURDAY = '2026-10-31T09:00:00+08:00'

describe('officer: idempotent field entries and "my grid"', () => {
  let t: TestDb
  let server: TestServer
  let officer: ReturnType<typeof apiClient>
  let officer2: ReturnType<typeof apiClient>
  let ownCells: number[]
  let otherCells: number[]
  let inOwn: [number, number]
  let inOther: [number, number]

  const cellsOf = async (username: string) =>
    (await sql<{ grid_id: number }>`SELECT g.grid_id FROM user_grid_cells g JOIN users u ON u.id = g.user_id WHERE u.username = ${username} ORDER BY 1`.execute(t.db)).rows.map((r) => r.grid_id)
  const pointIn = async (cell: number) =>
    JSON.parse(await scalar<string>(t.db, sql`SELECT json_build_array(ST_X(p), ST_Y(p))::text FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid_cells WHERE id = ${cell}) x`)) as [number, number]
  const point = ([lon, lat]: [number, number]) => ({ type: 'Point', coordinates: [lon, lat] })
  const line = ([lon, lat]: [number, number]) => ({ type: 'LineString', coordinates: [[lon, lat], [lon + 0.0004, lat + 0.0003]] })

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } }))
    officer = apiClient(server.url, 'officer')
    officer2 = apiClient(server.url, 'officer2')
    ownCells = await cellsOf('test-officer')
    otherCells = await cellsOf('test-officer2')
    inOwn = await pointIn(ownCells[0]!)
    inOther = await pointIn(otherCells[0]!)
  })
  afterAll(async () => {
    for (const table of ['hazards', 'disputes']) await sql`DELETE FROM ${sql.table(table)} WHERE description LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM patrols WHERE notes LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM river_patrols WHERE observations LIKE ${MARK + '%'}`.execute(t.db)
    await server.close()
  })

  const entries = () => ({
    hazards: { geometry: point(inOwn), properties: { category: 'manhole', source: 'offline', description: `${MARK} 井盖缺失` } },
    disputes: { geometry: point(inOwn), properties: { category: 'neighbour', source: 'patrol', parties: 3, description: `${MARK} 邻里` } },
    patrols: { geometry: line(inOwn), properties: { kind: 'foot', started_at: '2026-11-01T08:00:00+08:00', ended_at: '2026-11-01T08:40:00+08:00', notes: `${MARK} 步巡` } },
    'river-patrols': {
      geometry: line(inOwn),
      properties: { team: '东辽河巡查队', started_at: '2026-11-01T07:00:00+08:00', ended_at: '2026-11-01T07:30:00+08:00', water_level_m: 2.4, observations: `${MARK} 水位正常` },
    },
  })
  const TABLE: Record<string, string> = { hazards: 'hazards', disputes: 'disputes', patrols: 'patrols', 'river-patrols': 'river_patrols' }
  const rowsWith = (table: string, ref: string) => scalar<number>(t.db, sql`SELECT count(*)::int FROM ${sql.table(table)} WHERE client_ref = ${ref}::uuid`)

  it('stores an entry sent twice with the same client_ref once, answering the stored feature (201, then 200), on every field layer', async () => {
    for (const [layer, body] of Object.entries(entries())) {
      const ref = randomUUID()
      const withRef = { ...body, properties: { ...body.properties, client_ref: ref } }
      const first = await officer.post(`/api/layers/${layer}/features`, withRef)
      expect(first.status, `${layer}: ${JSON.stringify(first.body)}`).toBe(201)
      expect(first.body.properties.client_ref).toBe(ref)
      const again = await officer.post(`/api/layers/${layer}/features`, withRef)
      expect(again.status, layer).toBe(200)
      expect(again.body.id).toBe(first.body.id)
      expect(again.body.properties.version).toBe(1)
      expect(await rowsWith(TABLE[layer]!, ref), layer).toBe(1)
      // One creation in the audit log: the replay wrote nothing.
      expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM audit_log WHERE layer = ${layer} AND feature_id = ${String(first.body.id)}`), layer).toBe(1)
    }
  })

  it('stores one row when the same entry arrives many times at once', async () => {
    const ref = randomUUID()
    const body = entries().hazards
    const answers = await Promise.all(Array.from({ length: 8 }, () => officer.post('/api/layers/hazards/features', { ...body, properties: { ...body.properties, client_ref: ref } })))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201])
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1)
    expect(await rowsWith('hazards', ref)).toBe(1)
  })

  it('refuses a client_ref that is not a UUID, a change of client_ref, and another officer\u2019s client_ref, writing nothing', async () => {
    const before = await scalar<number>(t.db, sql`SELECT count(*)::int FROM hazards`)
    const body = entries().hazards
    const bad = await officer.post('/api/layers/hazards/features', { ...body, properties: { ...body.properties, client_ref: 'not-a-uuid' } })
    expect(bad.status).toBe(422)
    expect(bad.body.error.message).toMatch(/client_ref/)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM hazards`)).toBe(before)

    const ref = randomUUID()
    const mine = await officer.post('/api/layers/hazards/features', { ...body, properties: { ...body.properties, client_ref: ref } })
    expect(mine.status).toBe(201)
    const patch = await officer.patch(`/api/layers/hazards/features/${mine.body.id}`, { version: 1, properties: { client_ref: randomUUID() } })
    expect(patch.status).toBe(422)
    expect(patch.body.error.message).toMatch(/client_ref is given on create only/)
    // officer2 cannot read officer's hazard: reusing its reference is a conflict, not a replay.
    const theirs = await officer2.post('/api/layers/hazards/features', { geometry: point(inOther), properties: { ...body.properties, client_ref: ref } })
    expect(theirs.status).toBe(409)
    expect(theirs.body.error.code).toBe('client_ref_taken')
    expect(await rowsWith('hazards', ref)).toBe(1)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM hazards`)).toBe(before + 1)
  })

  it('my grid: only the account\u2019s own cells, checked against user_grid_cells and an independent ST_Covers of the points', async () => {
    const at = '2026-11-01T09:00:00+08:00'
    const mine = await officer.get(`/api/officer/my-grid?at=${encodeURIComponent(at)}`)
    expect(mine.status).toBe(200)
    expect(mine.body.grid_ids).toEqual(ownCells)
    expect(mine.body.cells.features.map((f: any) => f.id)).toEqual(ownCells)
    const theirs = await officer2.get(`/api/officer/my-grid?at=${encodeURIComponent(at)}`)
    expect(theirs.body.grid_ids).toEqual(otherCells)
    expect(ownCells.some((c) => otherCells.includes(c))).toBe(false)

    // Open hazards whose point lies in one of my cells, by geometry rather than by grid_id.
    const expectIds = async (table: string, statuses: string[]) =>
      (await sql<{ id: number }>`
        SELECT x.id FROM ${sql.table(table)} x
        WHERE x.status = ANY(${'{' + statuses.join(',') + '}'}::text[]) AND x.reported_at <= ${at}::timestamptz
          AND EXISTS (SELECT 1 FROM grid_cells g WHERE g.id = ANY(${'{' + ownCells.join(',') + '}'}::int[]) AND ST_Covers(g.geom, x.geom))
        ORDER BY x.id`.execute(t.db)).rows.map((r) => r.id)
    const hazardIds = mine.body.hazards.map((h: any) => h.id).sort((a: number, b: number) => a - b)
    expect(hazardIds).toEqual(await expectIds('hazards', ['reported', 'verified', 'rectifying']))
    expect(hazardIds.length).toBeGreaterThan(0)
    const disputeIds = mine.body.disputes.map((d: any) => d.id).sort((a: number, b: number) => a - b)
    expect(disputeIds).toEqual(await expectIds('disputes', ['reported', 'mediating', 'escalated']))
    // A hazard in officer2's cell is not in my list, and is in theirs.
    const foreign = await officer2.post('/api/layers/hazards/features', { geometry: point(inOther), properties: { category: 'fire', source: 'offline', description: `${MARK} foreign` } })
    expect(foreign.status).toBe(201)
    const again = await officer.get('/api/officer/my-grid')
    expect(again.body.hazards.some((h: any) => h.id === foreign.body.id)).toBe(false)
    expect((await officer2.get('/api/officer/my-grid')).body.hazards.some((h: any) => h.id === foreign.body.id)).toBe(true)

    // Ages in days at `at`, from the stored report time.
    for (const h of mine.body.hazards.slice(0, 5)) {
      expect(h.age_days).toBeCloseTo((Date.parse(at) - Date.parse(h.reported_at)) / 86_400_000, 1)
    }
    // Ordered by status (reported, verified, rectifying), then oldest first.
    const order = ['reported', 'verified', 'rectifying']
    const keys = mine.body.hazards.map((h: any) => [order.indexOf(h.status), Date.parse(h.reported_at)])
    expect(keys).toEqual([...keys].sort((a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]!))

    // Ten-household units with their lead: every unit inside my cells.
    const units = await scalar<number>(t.db, sql`
      SELECT count(*)::int FROM household_units u WHERE EXISTS (SELECT 1 FROM grid_cells g WHERE g.id = ANY(${'{' + ownCells.join(',') + '}'}::int[]) AND ST_Covers(g.geom, u.geom))`)
    expect(mine.body.household_units.length).toBe(units)
    expect(mine.body.household_units.every((u: any) => typeof u.lead_name === 'string' && u.lead_name.length > 0)).toBe(true)
  })

  it('my grid: guard posts with today\u2019s duty windows (school days only) and the four-seasons focus', async () => {
    const monday = (await officer.get(`/api/officer/my-grid?at=${encodeURIComponent(MONDAY)}`)).body
    const posts = await sql<{ id: number; times: string[]; before: number; after: number }>`
      SELECT p.id, s.dismissal_times AS times, p.minutes_before AS before, p.minutes_after AS after
      FROM guard_posts p JOIN schools s ON s.id = p.school_id
      WHERE EXISTS (SELECT 1 FROM grid_cells g WHERE g.id = ANY(${'{' + ownCells.join(',') + '}'}::int[]) AND ST_Covers(g.geom, s.geom))
      ORDER BY p.id`.execute(t.db)
    expect(monday.guard_posts.map((p: any) => p.id)).toEqual(posts.rows.map((p) => p.id))
    expect(posts.rows.length).toBeGreaterThan(0)
    expect(monday.guard_posts.some((p: any) => p.today.length > 0)).toBe(true)
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
    for (const p of posts.rows) {
      const got = monday.guard_posts.find((g: any) => g.id === p.id)
      const want = p.times.map((d) => {
        const [h, m] = d.split(':').map(Number) as [number, number]
        return { dismissal: d, from: hhmm(h * 60 + m - p.before), to: hhmm(h * 60 + m + p.after) }
      })
      expect(got.today).toEqual(want)
    }
    const saturday = (await officer.get(`/api/officer/my-grid?at=${encodeURIComponent(SATURDAY)}`)).body
    expect(saturday.guard_posts.every((p: any) => p.today.length === 0)).toBe(true)

    // 1 November is autumn: family disputes (四季排查法); this season counted from 1 September, Beijing time.
    expect(monday.season.season).toBe('autumn')
    expect(monday.season.focus_category).toBe('family')
    expect(monday.season.cells.map((c: any) => c.grid_id)).toEqual(ownCells)
    for (const c of monday.season.cells) {
      const n = await scalar<number>(t.db, sql`
        SELECT count(*)::int FROM disputes WHERE grid_id = ${c.grid_id} AND category = 'family'
          AND reported_at >= '2026-09-01T00:00:00+08:00' AND reported_at <= ${MONDAY}::timestamptz`)
      expect(c.this_season, `cell ${c.grid_id}`).toBe(n)
    }
  })

  it('keeps one photo per hazard, stored again unchanged, inside the officer\u2019s scope only', async () => {
    const body = entries().hazards
    const h = await officer.post('/api/layers/hazards/features', { ...body, properties: { ...body.properties, client_ref: randomUUID() } })
    expect(h.status).toBe(201)
    // A 1×1 PNG, and a few bytes that are not one.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
    const put = (who: ReturnType<typeof apiClient>, id: number, content_type: string, data: string) => who.raw('PUT', `/api/officer/hazards/${id}/photo`, { content_type, data })
    const first = await put(officer, h.body.id, 'image/png', png.toString('base64'))
    expect(first.status).toBe(200)
    expect(first.body).toEqual({ hazard_id: h.body.id, content_type: 'image/png', bytes: png.length })
    expect((await put(officer, h.body.id, 'image/png', png.toString('base64'))).status).toBe(200)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM hazard_photos WHERE hazard_id = ${h.body.id}`)).toBe(1)
    expect(await scalar<string>(t.db, sql`SELECT encode(bytes, 'hex') FROM hazard_photos WHERE hazard_id = ${h.body.id}`)).toBe(png.toString('hex'))
    const got = await fetch(`${server.url}/api/officer/hazards/${h.body.id}/photo`, { headers: { authorization: 'Bearer pgt_test-officer-0000000000000000000000' } })
    expect(got.status).toBe(200)
    expect(got.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true)
    const listed = (await officer.get('/api/officer/my-grid')).body.hazards.find((x: any) => x.id === h.body.id)
    expect(listed.has_photo).toBe(true)

    // Another officer neither reads nor replaces it; bad input is refused and nothing changes.
    expect((await officer2.get(`/api/officer/hazards/${h.body.id}/photo`)).status).toBe(404)
    expect((await put(officer2, h.body.id, 'image/png', png.toString('base64'))).status).toBe(404)
    const notPng = await put(officer, h.body.id, 'image/png', Buffer.from('hello world').toString('base64'))
    expect(notPng.status).toBe(422)
    expect(notPng.body.error.message).toMatch(/not a image\/png/)
    expect((await put(officer, h.body.id, 'image/gif', png.toString('base64'))).status).toBe(422)
    expect((await put(officer, h.body.id, 'image/png', 'not base64!')).status).toBe(422)
    const big = Buffer.concat([png, Buffer.alloc(1_500_001)])
    expect((await put(officer, h.body.id, 'image/png', big.toString('base64'))).status).toBe(413)
    expect(await scalar<string>(t.db, sql`SELECT encode(bytes, 'hex') FROM hazard_photos WHERE hazard_id = ${h.body.id}`)).toBe(png.toString('hex'))
  })

  it('my grid refuses a malformed time', async () => {
    const r = await officer.get('/api/officer/my-grid?at=yesterday')
    expect(r.status).toBe(400)
    expect(r.body.error.message).toMatch(/at/)
  })
})
