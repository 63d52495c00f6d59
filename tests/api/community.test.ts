import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrationProvider } from '../../data/migrations/index.ts'
import { createApp } from '../../server/src/app.ts'
import { migrateToLatest } from '../../server/src/db/migrate.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, keepRows, scalar, type TestDb } from '../helpers/test-db.ts'

const TAG = 'TEST-COMM'

/**
 * Volunteers' points, the safety shop and the community dashboard (issue 9). Expected values come
 * from independent SQL (activity participants and redemptions rather than the ledger, admin codes
 * rather than the dashboard's joins) or are worked by hand from the point rules.
 */
describe('community: points ledger, safety shop, dashboard', () => {
  let t: TestDb
  let server: TestServer
  let admin: ReturnType<typeof apiClient>
  let command: ReturnType<typeof apiClient>
  let volunteerAccount: ReturnType<typeof apiClient>
  let orgId: number

  /** A fresh volunteer of the test org, with no movements yet. */
  const newVolunteer = async (n: number) =>
    (await sql<{ id: number }>`INSERT INTO volunteers (org_id, name, joined_on) VALUES (${orgId}, ${`${TAG}-${n}`}, '2026-01-01') RETURNING id`.execute(t.db)).rows[0]!.id
  const balance = (id: number) => scalar<number>(t.db, sql`SELECT coalesce(sum(delta), 0)::int FROM points_ledger WHERE volunteer_id = ${id}`)
  const counts = async () => {
    const r = await sql<Record<string, number>>`SELECT (SELECT count(*)::int FROM points_ledger) AS ledger, (SELECT count(*)::int FROM redemptions) AS redemptions,
      (SELECT count(*)::int FROM activity_records) AS records, (SELECT count(*)::int FROM shop_items) AS items,
      (SELECT coalesce(sum(stock), 0)::int FROM shop_items) AS stock, (SELECT count(*)::int FROM audit_log) AS audit`.execute(t.db)
    return r.rows[0]!
  }

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } }))
    admin = apiClient(server.url, 'admin')
    command = apiClient(server.url, 'command')
    volunteerAccount = apiClient(server.url, 'volunteer')
    orgId = await scalar<number>(t.db, sql`SELECT min(id) FROM volunteer_orgs`)
  })

  afterAll(async () => {
    const mine = sql`SELECT id FROM volunteers WHERE name LIKE ${TAG + '%'}`
    await sql`UPDATE users SET volunteer_id = NULL WHERE username = 'test-volunteer'`.execute(t.db)
    await sql`DELETE FROM audit_log WHERE (layer = 'redemptions' AND (after->>'volunteer_id')::int IN (${mine}))
      OR (layer = 'activity_records' AND (after->>'volunteer_id')::int IN (${mine})) OR (layer = 'shop_items' AND after->>'name' LIKE ${TAG + '%'})`.execute(t.db)
    await sql`DELETE FROM points_ledger WHERE volunteer_id IN (${mine})`.execute(t.db)
    await sql`DELETE FROM redemptions WHERE volunteer_id IN (${mine})`.execute(t.db)
    await sql`DELETE FROM activity_records WHERE volunteer_id IN (${mine})`.execute(t.db)
    await sql`DELETE FROM shop_items WHERE name LIKE ${TAG + '%'}`.execute(t.db)
    await sql`DELETE FROM volunteers WHERE name LIKE ${TAG + '%'}`.execute(t.db)
    await server.close()
  })

  it('derives every balance from the ledger, equal to earnings minus spendings counted from their own tables', async () => {
    const mismatches = await scalar<number>(t.db, sql`
      SELECT count(*)::int FROM volunteers v
      WHERE (SELECT coalesce(sum(delta), 0) FROM points_ledger l WHERE l.volunteer_id = v.id)
         <> (SELECT coalesce(sum(points), 0) FROM activity_participants p WHERE p.volunteer_id = v.id)
          + (SELECT coalesce(sum(points), 0) FROM activity_records r WHERE r.volunteer_id = v.id)
          - (SELECT coalesce(sum(points), 0) FROM redemptions x WHERE x.volunteer_id = v.id)`)
    expect(mismatches).toBe(0)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM (SELECT 1 FROM points_ledger GROUP BY volunteer_id HAVING sum(delta) < 0) n`)).toBe(0)
    expect(await scalar<number>(t.db, sql`SELECT count(DISTINCT volunteer_id)::int FROM points_ledger WHERE kind = 'redemption'`)).toBe(346)

    // The API's balances: a page of the registry and three accounts with their ledgers.
    const page = await admin.get(`/api/volunteers?org=${orgId}&limit=5`)
    expect(page.status).toBe(200)
    expect(page.body.total).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM volunteers WHERE org_id = ${orgId}`))
    for (const v of page.body.volunteers) {
      const expected = await scalar<number>(t.db, sql`SELECT (SELECT coalesce(sum(points), 0) FROM activity_participants WHERE volunteer_id = ${v.id})
        - (SELECT coalesce(sum(points), 0) FROM redemptions WHERE volunteer_id = ${v.id})`)
      expect(v.balance, `volunteer ${v.id}`).toBe(Number(expected))
    }
    const next = await admin.get(`/api/volunteers?org=${orgId}&limit=5&after=${page.body.next}`)
    expect(next.body.volunteers[0].id).toBeGreaterThan(page.body.volunteers[4].id)

    const redeemer = await scalar<number>(t.db, sql`SELECT min(volunteer_id) FROM redemptions`)
    const one = await command.get(`/api/volunteers/${redeemer}`)
    expect(one.status).toBe(200)
    const earned = Number(await scalar(t.db, sql`SELECT coalesce(sum(points), 0) FROM activity_participants WHERE volunteer_id = ${redeemer}`))
    const spent = Number(await scalar(t.db, sql`SELECT sum(points) FROM redemptions WHERE volunteer_id = ${redeemer}`))
    expect({ balance: one.body.balance, earned: one.body.earned, spent: one.body.spent }).toEqual({ balance: earned - spent, earned, spent })
    expect(one.body.ledger.reduce((s: number, r: { delta: number }) => s + r.delta, 0)).toBe(earned - spent)
    expect(one.body.ledger.find((r: { kind: string }) => r.kind === 'redemption').delta).toBe(-spent)
  })

  it('credits an activity by its point rule, audited with the real actor; bad input changes nothing', async () => {
    const v = await newVolunteer(1)
    // Rules of migration 0016: patrol 5 points an hour (at most 12), a report 10.
    const r = await command.post(`/api/volunteers/${v}/activities`, { kind: 'patrol', quantity: 3, heldAt: '2026-10-20T19:00:00+08:00', note: '夜巡' })
    expect(r.status).toBe(201)
    expect(r.body.record).toMatchObject({ kind: 'patrol', quantity: 3, points: 15 })
    expect(r.body.balance).toBe(15)
    const r2 = await admin.post(`/api/volunteers/${v}/activities`, { kind: 'report', quantity: 2 })
    expect(r2.body.balance).toBe(35)
    expect(await balance(v)).toBe(35)
    const audit = await sql<{ actor: string; layer: string }>`SELECT actor, layer FROM audit_log WHERE layer = 'activity_records' AND (after->>'volunteer_id')::int = ${v} ORDER BY id`.execute(t.db)
    expect(audit.rows).toEqual([{ actor: 'test-command', layer: 'activity_records' }, { actor: 'test-admin', layer: 'activity_records' }])

    const before = await counts()
    const bad: Array<[string, unknown, number]> = [
      [`/api/volunteers/${v}/activities`, { kind: 'patrol', quantity: -2 }, 400],
      [`/api/volunteers/${v}/activities`, { kind: 'patrol', quantity: 0 }, 400],
      [`/api/volunteers/${v}/activities`, { kind: 'patrol', quantity: 13 }, 400],
      [`/api/volunteers/${v}/activities`, { kind: 'sleeping', quantity: 1 }, 400],
      [`/api/volunteers/${v}/activities`, { kind: 'patrol', quantity: 1, points: 1000 }, 400],
      [`/api/volunteers/${v}/activities`, [], 400],
      [`/api/volunteers/${v}/activities`, { kind: 'patrol', quantity: 1, heldAt: '2099-01-01T00:00:00Z' }, 400],
      ['/api/volunteers/99999999/activities', { kind: 'patrol', quantity: 1 }, 404],
      ['/api/volunteers/abc/activities', { kind: 'patrol', quantity: 1 }, 404],
    ]
    for (const [path, body, status] of bad) expect((await command.post(path, body)).status, `${path} ${JSON.stringify(body)}`).toBe(status)
    expect(await counts()).toEqual(before)
  })

  it('applies a changed point rule to later records only, audited; a stale version is 409', async () => {
    const rules = (await volunteerAccount.get('/api/point-rules')).body.rules as Array<{ kind: string; points_per_unit: number; version: number }>
    const patrol = rules.find((r) => r.kind === 'patrol')!
    expect(patrol.points_per_unit).toBe(5)
    const v = await newVolunteer(8)
    await command.post(`/api/volunteers/${v}/activities`, { kind: 'patrol', quantity: 2 })
    const changed = await admin.patch('/api/point-rules/patrol', { version: patrol.version, pointsPerUnit: 6 })
    expect(changed.status).toBe(200)
    try {
      expect((await admin.patch('/api/point-rules/patrol', { version: patrol.version, pointsPerUnit: 7 })).status).toBe(409)
      expect((await admin.patch('/api/point-rules/sleeping', { version: 1, pointsPerUnit: 7 })).status).toBe(404)
      expect((await admin.patch('/api/point-rules/patrol', { version: patrol.version + 1, pointsPerUnit: 0 })).status).toBe(400)
      const r = await command.post(`/api/volunteers/${v}/activities`, { kind: 'patrol', quantity: 2 })
      expect(r.body.record.points).toBe(12)
      // 2 h at 5 before the change, 2 h at 6 after it.
      expect(await balance(v)).toBe(22)
      const audit = await sql<{ actor: string; before: { points_per_unit: number }; after: { points_per_unit: number } }>`
        SELECT actor, before, after FROM audit_log WHERE layer = 'point_rules' AND feature_id = 'patrol' ORDER BY id DESC LIMIT 1`.execute(t.db)
      expect(audit.rows[0]).toMatchObject({ actor: 'test-admin', before: { points_per_unit: 5 }, after: { points_per_unit: 6 } })
    } finally {
      await sql`UPDATE point_rules SET points_per_unit = 5, version = ${patrol.version} WHERE kind = 'patrol'`.execute(t.db)
      await sql`DELETE FROM audit_log WHERE layer = 'point_rules' AND actor = 'test-admin'`.execute(t.db)
    }
  })

  it('lets a volunteer account read only its own points', async () => {
    const v = await newVolunteer(2)
    await command.post(`/api/volunteers/${v}/activities`, { kind: 'publicity', quantity: 1 })
    const other = await scalar<number>(t.db, sql`SELECT min(id) FROM volunteers`)
    await sql`UPDATE users SET volunteer_id = ${v} WHERE username = 'test-volunteer'`.execute(t.db)
    try {
      const own = await volunteerAccount.get(`/api/volunteers/${v}`)
      expect(own.status).toBe(200)
      expect(own.body.balance).toBe(8)
      expect((await volunteerAccount.get(`/api/volunteers/${other}`)).status).toBe(404)
      expect((await volunteerAccount.get('/api/volunteers')).status).toBe(403)
    } finally {
      await sql`UPDATE users SET volunteer_id = NULL WHERE username = 'test-volunteer'`.execute(t.db)
    }
  })

  it('ranks an organisation by points earned', async () => {
    const r = await command.get(`/api/volunteer-orgs/${orgId}/leaderboard?limit=10`)
    expect(r.status).toBe(200)
    const top = await sql<{ id: number; earned: number }>`
      SELECT v.id, (SELECT coalesce(sum(points), 0) FROM activity_participants p WHERE p.volunteer_id = v.id)
                 + (SELECT coalesce(sum(points), 0) FROM activity_records a WHERE a.volunteer_id = v.id) AS earned
      FROM volunteers v WHERE v.org_id = ${orgId} ORDER BY 2 DESC, 1 LIMIT 10`.execute(t.db)
    expect(r.body.leaderboard.map((x: { id: number; earned: number }) => [x.id, x.earned])).toEqual(top.rows.map((x) => [x.id, Number(x.earned)]))
    expect((await command.get('/api/volunteer-orgs/99999999/leaderboard')).status).toBe(404)
  })

  /** 20 redemptions of one item at once, each for 10 points. */
  const race = async (volunteerId: number, itemId: number) => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => command.post('/api/shop/redemptions', { volunteerId, itemId, quantity: 1 })))
    return answers.map((a) => (a.status === 201 ? 'ok' : `${a.status} ${a.body?.error?.code}`))
  }

  it('never drives a balance or a stock below zero under 20 concurrent redemptions', async () => {
    const item = async (name: string, stock: number) => {
      const r = await admin.post('/api/shop/items', { name, price: 10, stock })
      expect(r.status).toBe(201)
      return r.body.id as number
    }
    // Stock runs out first: 30 points cover three, the shelf holds two.
    const scarce = await item(`${TAG} 保温杯`, 2)
    const rich = await newVolunteer(3)
    await command.post(`/api/volunteers/${rich}/activities`, { kind: 'report', quantity: 3 })
    const a = await race(rich, scarce)
    expect(a.filter((s) => s === 'ok')).toHaveLength(2)
    expect(a.filter((s) => s === '409 out_of_stock')).toHaveLength(18)
    expect(await balance(rich)).toBe(10)
    expect(await scalar<number>(t.db, sql`SELECT stock FROM shop_items WHERE id = ${scarce}`)).toBe(0)

    // Points run out first: 30 points, ten on the shelf.
    const plenty = await item(`${TAG} 毛巾`, 10)
    const poor = await newVolunteer(4)
    await command.post(`/api/volunteers/${poor}/activities`, { kind: 'report', quantity: 3 })
    const b = await race(poor, plenty)
    expect(b.filter((s) => s === 'ok')).toHaveLength(3)
    expect(b.filter((s) => s === '409 insufficient_points')).toHaveLength(17)
    expect(await balance(poor)).toBe(0)
    expect(await scalar<number>(t.db, sql`SELECT stock FROM shop_items WHERE id = ${plenty}`)).toBe(7)

    // Every success left a redemption, its ledger row and an audit entry by the real actor; no failure left anything.
    for (const [v, n] of [[rich, 2], [poor, 3]] as const) {
      expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM redemptions WHERE volunteer_id = ${v}`)).toBe(n)
      expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM points_ledger WHERE volunteer_id = ${v} AND kind = 'redemption' AND delta = -10`)).toBe(n)
      expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM audit_log WHERE layer = 'redemptions' AND actor = 'test-command' AND (after->>'volunteer_id')::int = ${v}`)).toBe(n)
    }
    // The database alone, without the application's lock and check: 20 concurrent overdrafts of 10 against 30 points.
    const bare = await newVolunteer(6)
    await command.post(`/api/volunteers/${bare}/activities`, { kind: 'report', quantity: 3 })
    const raw = await Promise.allSettled(Array.from({ length: 20 }, () =>
      sql`INSERT INTO points_ledger (volunteer_id, delta, kind, note, at) VALUES (${bare}, -10, 'adjustment', ${TAG}, now())`.execute(t.db)))
    expect(raw.filter((x) => x.status === 'fulfilled')).toHaveLength(3)
    expect(await balance(bare)).toBe(0)
    console.log(`concurrent redemptions: stock-bound ${JSON.stringify(count(a))}, points-bound ${JSON.stringify(count(b))}`)
  })

  it('refuses short points, short stock, unknown ids and bad quantities with nothing written', async () => {
    const v = await newVolunteer(5)
    await command.post(`/api/volunteers/${v}/activities`, { kind: 'report', quantity: 1 })
    const itemId = (await admin.post('/api/shop/items', { name: `${TAG} 食用油`, price: 30, stock: 1 })).body.id as number
    const before = await counts()
    const short = await command.post('/api/shop/redemptions', { volunteerId: v, itemId, quantity: 1 })
    expect(short.status).toBe(409)
    expect(short.body.error.message).toMatch(/has 10 points.*costs 30/)
    const cases: Array<[unknown, number]> = [
      [{ volunteerId: v, itemId: 99999999, quantity: 1 }, 404],
      [{ volunteerId: 99999999, itemId, quantity: 1 }, 404],
      [{ volunteerId: v, itemId, quantity: -1 }, 400],
      [{ volunteerId: v, itemId, quantity: 1.5 }, 400],
      [{ volunteerId: v, itemId, quantity: 101 }, 400],
      [{ volunteerId: String(v), itemId, quantity: 1 }, 400],
      [{ volunteerId: v, itemId, quantity: 1, note: 'x'.repeat(3_000_000) }, 413],
    ]
    for (const [body, status] of cases) expect((await command.post('/api/shop/redemptions', body)).status, JSON.stringify(body).slice(0, 80)).toBe(status)
    expect((await admin.post('/api/shop/items', { name: `${TAG} 食用油`, price: 5, stock: 1 })).status).toBe(409)
    expect((await admin.post('/api/shop/items', { name: `${TAG} 负数`, price: 5, stock: -1 })).status).toBe(400)
    expect((await command.post('/api/shop/items', { name: `${TAG} 越权`, price: 5, stock: 1 })).status).toBe(403)
    expect(await counts()).toEqual(before)
    // The database refuses an overdraft even when the application's check is bypassed.
    await expect(sql`INSERT INTO points_ledger (volunteer_id, delta, kind, note, at) VALUES (${v}, -11, 'adjustment', 'test', now())`.execute(t.db)).rejects.toThrow(/insufficient points/)
    await expect(sql`UPDATE shop_items SET stock = stock - 2 WHERE id = ${itemId}`.execute(t.db)).rejects.toThrow(/check constraint/)
    await expect(sql`UPDATE points_ledger SET delta = 100 WHERE volunteer_id = ${v}`.execute(t.db)).rejects.toThrow(/never changed/)
    const shelf = await command.get('/api/shop/items')
    expect(shelf.body.items.find((i: { id: number }) => i.id === itemId)).toMatchObject({ price: 30, stock: 1, redeemed: 0 })
  })

  it('computes the dashboard figures live, equal to independent SQL counts', async () => {
    const r = await command.get('/api/community/dashboard')
    expect(r.status).toBe(200)
    const n = (q: ReturnType<typeof sql>) => scalar<number>(t.db, sql`SELECT (${q})::int`)
    expect(r.body.totals).toEqual({
      branches: await n(sql`SELECT count(*) FROM police_units WHERE kind = 'branch'`),
      stations: await n(sql`SELECT count(*) FROM police_units WHERE kind = 'station'`),
      community_officers: await n(sql`SELECT count(*) FROM officers WHERE role = 'community_officer'`),
      volunteers: await n(sql`SELECT count(*) FROM volunteers`),
      disputes_resolved: await n(sql`SELECT count(*) FROM disputes WHERE status = 'resolved'`),
      household_unit_disputes: await n(sql`SELECT count(*) FROM disputes WHERE source = 'household_unit'`),
      hazards: await n(sql`SELECT count(*) FROM hazards`),
      hazards_eliminated: await n(sql`SELECT count(*) FROM hazards WHERE eliminated_at IS NOT NULL`),
      river_patrols: await n(sql`SELECT count(*) FROM river_patrols`),
      redemptions: await n(sql`SELECT count(*) FROM redemptions`),
      points_redeemed: await n(sql`SELECT sum(points) FROM redemptions`),
      volunteers_redeemed: await n(sql`SELECT count(DISTINCT volunteer_id) FROM redemptions`),
      household_unit_reports: await n(sql`SELECT (SELECT count(*) FROM disputes WHERE source = 'household_unit') + (SELECT count(*) FROM household_reports WHERE kind <> 'dispute')`),
      mediation_cases: await n(sql`SELECT count(*) FROM disputes WHERE status <> 'reported'`),
      issues_resolved: await n(sql`SELECT count(*) FROM coordination_issues WHERE resolved_in IS NOT NULL`),
    })
    // Other files write to the shared city before or after this one: the story's figures of the fresh seed are checked in seed.test.ts and community-programmes.test.ts.
    expect(r.body.by_category.mediation_cases.agreement).toBe(await n(sql`SELECT count(*) FROM mediation_cases WHERE outcome = 'agreement'`))
    // Months and seasons add up to the totals; seasons by Beijing month, counted here independently.
    for (const f of ['disputes_resolved', 'hazards', 'river_patrols', 'points_redeemed']) {
      expect(r.body.by_month.reduce((s: number, m: Record<string, number>) => s + m[f]!, 0), f).toBe(r.body.totals[f])
    }
    const summer = r.body.by_season.find((s: { season: string }) => s.season === 'summer')
    expect(summer.river_patrols).toBe(await n(sql`SELECT count(*) FROM river_patrols WHERE extract(month FROM started_at AT TIME ZONE 'Asia/Shanghai') BETWEEN 6 AND 8`))
    expect(summer.disputes_resolved).toBe(await n(sql`SELECT count(*) FROM disputes WHERE status = 'resolved' AND extract(month FROM resolved_at AT TIME ZONE 'Asia/Shanghai') BETWEEN 6 AND 8`))
    const land = await n(sql`SELECT count(*) FROM disputes WHERE status = 'resolved' AND category = 'land'`)
    expect(r.body.by_category.disputes_resolved.land).toBe(land)

    // One district and a period: grid cells belong to the district whose code starts their community's code.
    const district = await scalar<string>(t.db, sql`SELECT code FROM admin_areas WHERE level = 'district' ORDER BY code LIMIT 1`)
    const from = '2026-05-01T00:00:00+08:00'
    const to = '2026-09-01T00:00:00+08:00'
    const d = await command.get(`/api/community/dashboard?district=${district}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)
    expect(d.status).toBe(200)
    const inDistrict = sql`JOIN grid_cells g ON g.id = x.grid_id WHERE left(g.community_code, 6) = ${district}`
    expect(d.body.totals.hazards).toBe(await n(sql`SELECT count(*) FROM hazards x ${inDistrict} AND x.reported_at >= ${from}::timestamptz AND x.reported_at < ${to}::timestamptz`))
    expect(d.body.totals.disputes_resolved).toBe(await n(sql`SELECT count(*) FROM disputes x ${inDistrict} AND x.resolved_at >= ${from}::timestamptz AND x.resolved_at < ${to}::timestamptz`))
    expect(d.body.totals.stations + d.body.totals.branches).toBe(await n(sql`SELECT count(*) FROM police_units p JOIN admin_areas a ON a.code = p.area_code WHERE p.kind IN ('station', 'branch') AND left(a.code, 6) = ${district}`))
    expect(d.body.totals.community_officers).toBe(await n(sql`SELECT count(*) FROM officers o JOIN police_units p ON p.id = o.unit_id WHERE o.role = 'community_officer' AND left(p.area_code, 6) = ${district}`))
    expect(d.body.totals.issues_resolved).toBe(await n(sql`SELECT count(*) FROM coordination_issues i JOIN coordination_meetings m ON m.id = i.resolved_in
      WHERE left(m.area_code, 6) = ${district} AND i.resolved_at >= ${from}::timestamptz AND i.resolved_at < ${to}::timestamptz`))
    expect(d.body.totals.household_unit_reports).toBe(await n(sql`SELECT count(*) FROM household_reports x ${inDistrict} AND x.reported_at >= ${from}::timestamptz AND x.reported_at < ${to}::timestamptz`))
    expect(d.body.per_district.map((x: { code: string }) => x.code)).toEqual([district])
    expect(d.body.by_month.map((m: { month: string }) => m.month)).toEqual(expect.arrayContaining(['2026-05', '2026-08']))
    expect(d.body.by_month.every((m: { month: string }) => m.month >= '2026-05' && m.month <= '2026-08')).toBe(true)
    // The per-district table of the whole city adds up to the city's stations and officers.
    const sum = (f: string) => r.body.per_district.reduce((s: number, x: Record<string, number>) => s + x[f]!, 0)
    expect([sum('stations') + sum('branches'), sum('community_officers'), sum('hazards')]).toEqual([
      await n(sql`SELECT count(*) FROM police_units WHERE kind IN ('station', 'branch')`),
      await n(sql`SELECT count(*) FROM officers WHERE role = 'community_officer'`),
      await n(sql`SELECT count(*) FROM hazards WHERE grid_id IS NOT NULL`),
    ])
    expect([sum('branches'), sum('stations')]).toEqual([8, 27]) // the story: 8 branches in the city districts and 27 stations in the two counties

    const station = await scalar<number>(t.db, sql`SELECT g.station_id FROM grid_cells g JOIN police_units p ON p.id = g.station_id WHERE p.kind = 'station' GROUP BY g.station_id ORDER BY count(*) DESC, g.station_id LIMIT 1`)
    const s = await command.get(`/api/community/dashboard?station=${station}`)
    expect(s.body.totals.hazards).toBe(await n(sql`SELECT count(*) FROM hazards x JOIN grid_cells g ON g.id = x.grid_id WHERE g.station_id = ${station}`))
    expect(s.body.totals.stations).toBe(1)

    for (const bad of ['district=999999', 'station=99999999']) expect((await command.get(`/api/community/dashboard?${bad}`)).status, bad).toBe(404)
    for (const bad of ['district=12', 'from=yesterday', `from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`, 'format=xml', 'colour=red']) {
      expect((await command.get(`/api/community/dashboard?${bad}`)).status, bad).toBe(400)
    }
  })

  it('exports the same figures as CSV', async () => {
    const json = (await command.get('/api/community/dashboard?from=2026-01-01')).body
    const res = await fetch(`${server.url}/api/community/dashboard?from=2026-01-01&format=csv`, { headers: { authorization: 'Bearer pgt_test-command-0000000000000000000000' } })
    expect(res.headers.get('content-type')).toMatch(/text\/csv/)
    const rows = parse(await res.text(), { columns: true, bom: true }) as Array<{ section: string; key: string; figure: string; value: string }>
    const expected: string[] = []
    for (const [f, v] of Object.entries(json.totals)) expected.push(`total||${f}|${v}`)
    for (const m of json.by_month) for (const [f, v] of Object.entries(m)) if (f !== 'month') expected.push(`month|${m.month}|${f}|${v}`)
    for (const s of json.by_season) for (const [f, v] of Object.entries(s)) if (f !== 'season') expected.push(`season|${s.season}|${f}|${v}`)
    for (const [f, cats] of Object.entries(json.by_category)) for (const [k, v] of Object.entries(cats as object)) expected.push(`category|${k}|${f}|${v}`)
    for (const p of json.per_district) for (const [f, v] of Object.entries(p)) if (f !== 'code' && f !== 'name') expected.push(`district|${p.code}|${f}|${v}`)
    expect(rows.map((r) => `${r.section}|${r.key}|${r.figure}|${r.value}`).sort()).toEqual(expected.sort())
  })

  it('migration 0016 backfills a database from before the ledger, keeping every balance', async () => {
    const balances = async () => new Map((await sql<{ id: number; b: number }>`
      SELECT volunteer_id AS id, sum(delta)::int AS b FROM points_ledger GROUP BY volunteer_id HAVING sum(delta) <> 0`.execute(t.db)).rows.map((r) => [r.id, r.b]))
    // A volunteer whose points came only from a recorded activity: the backfill must carry them over.
    const v = await newVolunteer(7)
    await command.post(`/api/volunteers/${v}/activities`, { kind: 'river_patrol', quantity: 1 })
    const before = await balances()
    expect(before.get(v)).toBe(15)
    const stock = (await sql<{ name: string; stock: number }>`SELECT name, stock FROM shop_items`.execute(t.db)).rows
    const restore = await keepRows(t.db, ['household_reports', 'mediation_cases', 'mediation_participants', 'coordination_meetings', 'coordination_issues'], ['household_report_code_seq'])
    const down = await new Migrator({ db: t.db, provider: migrationProvider }).migrateTo('0015-auth')
    expect(down.error).toBeUndefined()
    // Back to a stored number per volunteer, as before 0016 (the records of the tests above are gone with their table).
    const stored = new Map((await sql<{ id: number; points: number }>`SELECT id, points FROM volunteers WHERE points <> 0`.execute(t.db)).rows.map((r) => [r.id, r.points]))
    expect(stored).toEqual(before)
    const differing = await scalar<number>(t.db, sql`SELECT count(*)::int FROM volunteers v WHERE v.points <>
      (SELECT coalesce(sum(points), 0) FROM activity_participants p WHERE p.volunteer_id = v.id) - (SELECT coalesce(sum(points), 0) FROM redemptions x WHERE x.volunteer_id = v.id)`)
    expect(differing).toBeGreaterThan(0)

    // 0016 first; the later migrations (0017 on) come back after it.
    expect((await migrateToLatest(t.db)).applied[0]).toBe('0016-community')
    expect(await balances()).toEqual(before)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM points_ledger WHERE kind = 'adjustment'`)).toBe(differing)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM points_ledger WHERE kind = 'activity'`)).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM activity_participants`))
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM points_ledger WHERE kind = 'redemption'`)).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM redemptions`))
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM redemptions r JOIN shop_items s ON s.id = r.item_id AND s.name = r.item`)).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM redemptions`))
    // The shelf as it was (the backfill cannot know the stock: it starts each item at 100).
    for (const { name, stock: n } of stock) await sql`UPDATE shop_items SET stock = ${n} WHERE name = ${name}`.execute(t.db)
    // …and 0017's seeded reports, cases and meetings (its backfill rebuilds only what the disputes hold).
    await restore()
  })
})

function count(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const x of xs) out[x] = (out[x] ?? 0) + 1
  return out
}
