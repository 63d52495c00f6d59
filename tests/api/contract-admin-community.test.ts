import type { Polygon } from 'geojson'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { ADMIN_ENDPOINTS } from '../../server/src/contract/admin-endpoints.ts'
import { layersAnswer, statsAnswer, usersAnswer } from '../../server/src/contract/admin.ts'
import { AUTH_NO_CONTENT_ENDPOINTS } from '../../server/src/contract/auth-endpoints.ts'
import { COMMUNITY_ENDPOINTS } from '../../server/src/contract/community-endpoints.ts'
import { householdReportCounts } from '../../server/src/contract/community.ts'
import { openApiDocument } from '../../server/src/openapi/document.ts'
import { signIn, TEST_PASSWORD, type TestAccount } from '../helpers/accounts.ts'
import { callAs, expectAnswersTrue, expectDocumented, expectSamplesFor, type ContractSample } from '../helpers/contract-check.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

/**
 * The community programmes' writes and readings (server/src/contract/community*.ts), the
 * administration, alert rules, audit log, responsible-for-a-point, restore, stats and layer
 * catalog (admin*.ts), and the answers with no content (auth-endpoints.ts's 204s) are true: each
 * endpoint, asked by the roles that use it, answers in a declared status and media type with a
 * body its schema accepts strictly (a 204 with none). Everything made here carries MARK (or the
 * username prefix USER) and is removed after; rules changed are put back as they were.
 */
const MARK = 'CONTRACT-ADMIN-COMMUNITY'
const USER = 'contract-adm'
const ENDPOINTS = [...COMMUNITY_ENDPOINTS, ...ADMIN_ENDPOINTS, ...AUTH_NO_CONTENT_ENDPOINTS]
const NEW_PASSWORD = 'contract-password-456'

describe('the API contract: community programmes, administration and answers with no content', () => {
  let t: TestDb
  let server: TestServer
  const call = (method: string, s: ContractSample) => callAs(server.url, method, s)
  const made = async (method: string, s: ContractSample, status = 201) => {
    const r = await call(method, s)
    expect(r.status, `${method} ${s.path}: ${r.text.slice(0, 300)}`).toBe(status)
    return JSON.parse(r.text)
  }
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString()

  let point: [number, number] = [0, 0]
  let ownCell = 0
  let ownStation = 0
  let ownArea = ''
  let volunteer = 0
  let org = 0
  let item = 0
  let zone = 0
  const disputes: number[] = []
  const cases: number[] = []
  const issues: number[] = []
  const tokens: Partial<Record<TestAccount, number>> = {}
  const users: Record<'pw' | 'session' | 'patch', number> = { pw: 0, session: 0, patch: 0 }
  let pwToken = ''
  let session = { cookie: '', csrf: '' }
  let pointRuleBefore: Record<string, unknown> = {}
  let alertRulesBefore: Array<Record<string, unknown>> = []

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } }))
    ownCell = await scalar<number>(t.db, sql`SELECT min(u.grid_id) FROM user_grid_cells u JOIN users x ON x.id = u.user_id WHERE x.username = 'test-officer'`)
    ;({ station_id: ownStation, community_code: ownArea } = (await sql<{ station_id: number; community_code: string }>`SELECT station_id, community_code FROM grid_cells WHERE id = ${ownCell}`.execute(t.db)).rows[0]!)
    point = JSON.parse(await scalar<string>(t.db, sql`SELECT json_build_array(ST_X(p), ST_Y(p))::text FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid_cells WHERE id = ${ownCell}) x`))
    pointRuleBefore = (await sql<Record<string, unknown>>`SELECT * FROM point_rules WHERE kind = 'publicity'`.execute(t.db)).rows[0]!
    alertRulesBefore = (await sql<Record<string, unknown>>`SELECT * FROM alert_rules ORDER BY id`.execute(t.db)).rows

    // A volunteer of its own, with points to spend, and an item of its own to spend them on.
    org = await scalar<number>(t.db, sql`SELECT min(id) FROM volunteer_orgs`)
    volunteer = (await sql<{ id: number }>`INSERT INTO volunteers (org_id, name, joined_on) VALUES (${org}, ${MARK}, '2026-01-01') RETURNING id`.execute(t.db)).rows[0]!.id
    await made('POST', { who: 'command', path: `/api/volunteers/${volunteer}/activities`, body: { kind: 'patrol', quantity: 12, note: MARK } })
    item = (await made('POST', { path: '/api/shop/items', body: { name: `${MARK} 手电筒`, price: 5, stock: 10 } })).id

    // Disputes in the test officer's cell: two to open cases on, three with cases open already.
    for (let i = 1; i <= 5; i++) {
      const body = { type: 'Feature', geometry: { type: 'Point', coordinates: point }, properties: { category: 'neighbour', source: 'patrol', parties: 2, description: `${MARK} ${i}` } }
      disputes.push((await made('POST', { who: 'officer', path: '/api/layers/disputes/features', body })).id)
    }
    for (const d of disputes.slice(2)) cases.push((await made('POST', { path: '/api/mediation-cases', body: { disputeId: d, note: MARK, participants: [{ agency: 'police', name: `${MARK}民警` }] } })).id)

    // A meeting that raised two issues (resolved by the samples' meetings).
    const meeting = await made('POST', { path: '/api/coordination/meetings', body: { kind: 'station_town', heldAt: hoursAgo(72), stationId: ownStation, areaCode: ownArea, attendees: 9, summary: MARK, raised: [{ title: `${MARK} 1`, category: 'traffic' }, { title: `${MARK} 2`, category: 'flood' }] } })
    issues.push(...(meeting.issues as Array<{ id: number }>).map((i) => i.id))

    // A patrol zone with a history to restore.
    const sq = JSON.parse(await scalar<string>(t.db, sql`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(904600, 4756600, 905400, 4757400, 32651), 4326), 9)`)) as Polygon
    zone = (await made('POST', { path: '/api/layers/patrol-zones/features', body: { geometry: sq, properties: { name: `${MARK} v1`, station_id: ownStation, team: MARK } } })).id
    await made('PATCH', { path: `/api/layers/patrol-zones/features/${zone}`, body: { version: 1, properties: { name: `${MARK} v2` } } }, 200)

    // Accounts of this file: one changes its password, one signs out of a session, one is changed by the administrator.
    users.pw = (await made('POST', { path: '/api/admin/users', body: { username: `${USER}-pw`, role: 'planner', password: TEST_PASSWORD } })).id
    users.session = (await made('POST', { path: '/api/admin/users', body: { username: `${USER}-session`, role: 'command', password: TEST_PASSWORD } })).id
    users.patch = (await made('POST', { path: '/api/admin/users', body: { username: `${USER}-patch`, role: 'officer', password: TEST_PASSWORD, gridIds: [ownCell] } })).id
    pwToken = (await made('POST', { path: `/api/admin/users/${users.pw}/tokens`, body: { name: MARK } })).token
    session = await signIn(server.url, `${USER}-session`, TEST_PASSWORD)
    // A token of each of these test accounts, revoked by its owner in the samples.
    for (const who of ['admin', 'officer', 'volunteer'] as const) tokens[who] = (await made('POST', { who, path: '/api/auth/tokens', body: { name: MARK } })).id
  })

  afterAll(async () => {
    const mine = sql`(SELECT id FROM disputes WHERE description LIKE ${MARK + '%'})`
    await sql`DELETE FROM mediation_cases WHERE dispute_id IN ${mine}`.execute(t.db)
    await sql`DELETE FROM household_reports WHERE description LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM disputes WHERE description LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM hazards WHERE description LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM coordination_issues WHERE raised_in IN (SELECT id FROM coordination_meetings WHERE summary LIKE ${MARK + '%'})`.execute(t.db)
    await sql`DELETE FROM coordination_meetings WHERE summary LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM points_ledger WHERE volunteer_id = ${volunteer} AND kind = 'redemption'`.execute(t.db)
    await sql`DELETE FROM points_ledger WHERE volunteer_id = ${volunteer}`.execute(t.db)
    await sql`DELETE FROM redemptions WHERE volunteer_id = ${volunteer}`.execute(t.db)
    await sql`DELETE FROM activity_records WHERE volunteer_id = ${volunteer}`.execute(t.db)
    await sql`DELETE FROM shop_items WHERE name LIKE ${MARK + '%'}`.execute(t.db)
    await sql`UPDATE users SET volunteer_id = NULL WHERE volunteer_id = ${volunteer}`.execute(t.db)
    await sql`DELETE FROM volunteers WHERE id = ${volunteer}`.execute(t.db)
    await sql`DELETE FROM patrol_zones WHERE team = ${MARK}`.execute(t.db)
    await sql`DELETE FROM users WHERE username LIKE ${USER + '-%'}`.execute(t.db)
    await sql`DELETE FROM api_tokens WHERE name = ${MARK}`.execute(t.db)
    // The rules as they were.
    const r = pointRuleBefore
    await sql`UPDATE point_rules SET points_per_unit = ${r.points_per_unit}, max_quantity = ${r.max_quantity}, label = ${r.label}, version = ${r.version}, updated_at = ${r.updated_at} WHERE kind = 'publicity'`.execute(t.db)
    for (const a of alertRulesBefore) {
      await sql`UPDATE alert_rules SET enabled = ${a.enabled}, params = ${JSON.stringify(a.params)}::jsonb, version = ${a.version}, updated_at = ${a.updated_at} WHERE id = ${a.id}`.execute(t.db)
    }
    await server.close()
  })

  /** Every way each endpoint is asked here; a new endpoint of these areas without one fails the first test. */
  const samples = async (): Promise<Record<string, ContractSample[]>> => {
    const rule = (await sql<{ version: number; label: string }>`SELECT version, label FROM point_rules WHERE kind = 'publicity'`.execute(t.db)).rows[0]!
    const alertRule = await scalar<number>(t.db, sql`SELECT version FROM alert_rules WHERE id = 1`)
    const zoneVersion = await scalar<number>(t.db, sql`SELECT version FROM patrol_zones WHERE id = ${zone}`)
    const firstEntry = await scalar<number>(t.db, sql`SELECT min(id)::int FROM audit_log WHERE layer = 'patrol-zones' AND feature_id = ${String(zone)}`)
    const cells = sql`(SELECT u.grid_id FROM user_grid_cells u JOIN users x ON x.id = u.user_id WHERE x.username = 'test-officer')`
    // A unit of the officer's cells with reports, and one with a suspicious-activity report.
    const ownUnit = await scalar<number>(t.db, sql`SELECT coalesce((SELECT min(household_unit_id) FROM household_reports WHERE grid_id IN ${cells}), (SELECT min(id) FROM household_units WHERE grid_id IN ${cells}))`)
    const suspiciousUnit = await scalar<number>(t.db, sql`SELECT min(household_unit_id) FROM household_reports WHERE kind = 'suspicious'`)
    const anyUnit = await scalar<number>(t.db, sql`SELECT min(id) FROM household_units WHERE grid_id IS NOT NULL`)
    const [lon, lat] = point
    const everyone = ['admin', 'command', 'planner', 'officer', 'volunteer'] as const
    return {
      // Volunteers' points, the shop
      'POST /api/volunteers/:id/activities': [
        { path: `/api/volunteers/${volunteer}/activities`, body: { kind: 'publicity', quantity: 1, note: MARK } },
        { who: 'command', path: `/api/volunteers/${volunteer}/activities`, body: { kind: 'report', quantity: 2, heldAt: hoursAgo(5), note: MARK } },
      ],
      'GET /api/volunteer-orgs/:id/leaderboard': [
        { path: `/api/volunteer-orgs/${org}/leaderboard` },
        { who: 'command', path: `/api/volunteer-orgs/${org}/leaderboard?limit=5` },
        { who: 'planner', path: `/api/volunteer-orgs/${org}/leaderboard?limit=500` },
      ],
      'PATCH /api/point-rules/:kind': [
        { path: '/api/point-rules/publicity', body: { version: rule.version, label: `${rule.label} ${MARK}` } },
        { path: '/api/point-rules/publicity', body: { version: rule.version + 1, pointsPerUnit: 9, maxQuantity: 11 } },
      ],
      'POST /api/shop/items': [{ path: '/api/shop/items', body: { name: `${MARK} 灭火毯`, price: 40, stock: 0 } }],
      'POST /api/shop/redemptions': [
        { path: '/api/shop/redemptions', body: { volunteerId: volunteer, itemId: item } },
        { who: 'command', path: '/api/shop/redemptions', body: { volunteerId: volunteer, itemId: item, quantity: 2 } },
      ],
      // Ten-household units' reports
      'GET /api/household-units/:id/reports': [
        { path: `/api/household-units/${suspiciousUnit}/reports` },
        { who: 'command', path: `/api/household-units/${anyUnit}/reports` },
        { who: 'planner', path: `/api/household-units/${suspiciousUnit}/reports` },
        { who: 'officer', path: `/api/household-units/${ownUnit}/reports` },
      ],
      'POST /api/household-units/:id/reports': [
        { who: 'officer', path: `/api/household-units/${ownUnit}/reports`, body: { kind: 'dispute', category: 'neighbour', parties: 3, description: `${MARK} 邻里噪音` } },
        { who: 'officer', path: `/api/household-units/${ownUnit}/reports`, body: { kind: 'hazard', category: 'fire', description: `${MARK} 楼道堆物`, reportedAt: hoursAgo(2) } },
        { path: `/api/household-units/${anyUnit}/reports`, body: { kind: 'suspicious', category: 'stranger', description: `${MARK} 陌生人徘徊` } },
      ],
      'GET /api/household-reports/counts': [
        { path: '/api/household-reports/counts' },
        { who: 'command', path: '/api/household-reports/counts?by=unit&limit=20' },
        { who: 'planner', path: `/api/household-reports/counts?station=${ownStation}&from=2026-01-01T00:00:00%2B08:00&to=2026-12-01T00:00:00%2B08:00` },
        { who: 'officer', path: '/api/household-reports/counts?by=unit' },
      ],
      // Mediation
      'GET /api/mediation-cases': [
        { path: '/api/mediation-cases' },
        { who: 'command', path: '/api/mediation-cases?status=open&limit=10' },
        { who: 'planner', path: '/api/mediation-cases?status=closed&after=100&limit=5' },
        { who: 'officer', path: '/api/mediation-cases' },
      ],
      'POST /api/mediation-cases': [
        { path: '/api/mediation-cases', body: { disputeId: disputes[0], note: MARK, participants: [{ agency: 'police', name: `${MARK}民警`, role: '社区民警' }, { agency: 'court', name: `${MARK}法官` }] } },
        { who: 'officer', path: '/api/mediation-cases', body: { disputeId: disputes[1], note: MARK } },
      ],
      'POST /api/mediation-cases/:id/close': [
        { who: 'officer', path: `/api/mediation-cases/${cases[0]}/close`, body: { outcome: 'agreement', sessions: 2, note: MARK } },
        { path: `/api/mediation-cases/${cases[1]}/close`, body: { outcome: 'referred', closedAt: new Date().toISOString() } },
      ],
      'POST /api/mediation-cases/:id/participants': [
        { path: `/api/mediation-cases/${cases[2]}/participants`, body: { agency: 'justice', name: `${MARK}司法`, role: '司法所' } },
        { who: 'officer', path: `/api/mediation-cases/${cases[2]}/participants`, body: { agency: 'petition', name: `${MARK}信访` } },
      ],
      // Coordination
      'GET /api/coordination/meetings': [
        { path: '/api/coordination/meetings' },
        { who: 'command', path: `/api/coordination/meetings?kind=station_town&station=${ownStation}` },
        { who: 'planner', path: '/api/coordination/meetings?kind=grid_daily&limit=5&after=10' },
        { who: 'officer', path: '/api/coordination/meetings' },
      ],
      'POST /api/coordination/meetings': [
        { path: '/api/coordination/meetings', body: { kind: 'station_town', heldAt: hoursAgo(48), stationId: ownStation, areaCode: ownArea, attendees: 12, summary: MARK, raised: [{ title: `${MARK} 3`, category: 'public_order' }] } },
        { who: 'command', path: '/api/coordination/meetings', body: { kind: 'community_weekly', heldAt: hoursAgo(24), stationId: ownStation, areaCode: ownArea, attendees: 6, summary: MARK, resolves: [issues[0]] } },
        { who: 'officer', path: '/api/coordination/meetings', body: { kind: 'grid_daily', heldAt: hoursAgo(1), gridId: ownCell, attendees: 2, summary: MARK, resolves: [issues[1]] } },
      ],
      'GET /api/coordination/issues': [
        { path: '/api/coordination/issues' },
        { who: 'command', path: '/api/coordination/issues?status=open' },
        { who: 'planner', path: `/api/coordination/issues?status=resolved&station=${ownStation}` },
        { who: 'officer', path: '/api/coordination/issues' },
      ],
      // Administration
      'GET /api/admin/users': [{ path: '/api/admin/users' }],
      'POST /api/admin/users': [
        { path: '/api/admin/users', body: { username: `${USER}-officer`, role: 'officer', password: TEST_PASSWORD, displayName: `${MARK} 民警`, gridCodes: [await scalar<string>(t.db, sql`SELECT code FROM grid_cells WHERE id = ${ownCell}`)] } },
        { path: '/api/admin/users', body: { username: `${USER}-volunteer`, role: 'volunteer', password: TEST_PASSWORD, volunteerId: volunteer } },
      ],
      'PATCH /api/admin/users/:id': [
        { path: `/api/admin/users/${users.patch}`, body: { displayName: `${MARK} 改名`, gridIds: [ownCell, ownCell + 1] } },
        { path: `/api/admin/users/${users.patch}`, body: { disabled: true } },
        { path: `/api/admin/users/${users.patch}`, body: { disabled: false, role: 'planner' } },
      ],
      'POST /api/admin/users/:id/tokens': [{ path: `/api/admin/users/${users.patch}/tokens`, body: { name: MARK } }],
      'GET /api/alert-rules': [{ path: '/api/alert-rules' }, { who: 'command', path: '/api/alert-rules' }, { who: 'planner', path: '/api/alert-rules' }],
      'PATCH /api/alert-rules/:id': [
        { path: '/api/alert-rules/1', body: { version: alertRule, enabled: true } },
        { who: 'planner', path: '/api/alert-rules/1', body: { version: alertRule + 1, params: { radius_m: 120 } } },
      ],
      'GET /api/audit': [
        { path: '/api/audit' },
        { who: 'command', path: '/api/audit?layer=alert-rules&limit=5' },
        { path: `/api/audit?layer=patrol-zones&id=${zone}` },
        { who: 'command', path: '/api/audit?layer=hazards&limit=20' },
      ],
      'GET /api/analysis/responsible': [
        { path: `/api/analysis/responsible?lon=${lon}&lat=${lat}` },
        { who: 'command', path: `/api/analysis/responsible?lon=${lon}&lat=${lat}&units=1` },
        { who: 'planner', path: `/api/analysis/responsible?lon=${lon}&lat=${lat}&units=50` },
        { who: 'officer', path: `/api/analysis/responsible?lon=${lon}&lat=${lat}` },
      ],
      'POST /api/planner/:layer/:id/restore': [
        { path: `/api/planner/patrol-zones/${zone}/restore`, body: { version: zoneVersion, entry: firstEntry } },
        { who: 'planner', path: `/api/planner/patrol-zones/${zone}/restore`, body: { version: zoneVersion + 1, entry: firstEntry } },
      ],
      'GET /api/stats': everyone.map((who) => ({ who, path: '/api/stats' })),
      'GET /api/layers': everyone.map((who) => ({ who, path: '/api/layers' })),
      // Answers with no content
      'POST /api/auth/logout': [
        { headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, path: '/api/auth/logout', body: {} },
        { who: 'officer', path: '/api/auth/logout' },
        { who: 'volunteer', path: '/api/auth/logout', body: {} },
      ],
      'DELETE /api/auth/tokens/:id': (['admin', 'officer', 'volunteer'] as const).map((who) => ({ who, path: `/api/auth/tokens/${tokens[who]}` })),
      'POST /api/auth/password': [{ headers: { authorization: `Bearer ${pwToken}` }, path: '/api/auth/password', body: { current: TEST_PASSWORD, password: NEW_PASSWORD } }],
    }
  }

  it('asks every declared endpoint of the community, administration and no-content areas', async () => {
    expectSamplesFor(ENDPOINTS, await samples())
  })

  it('gets answers that the schemas accept, strictly, in the declared media types and statuses', { timeout: 180_000 }, async () => {
    await expectAnswersTrue(server.url, ENDPOINTS, await samples())
  })

  it('the writes took: the session ended, the password changed, the tokens revoked, the rules changed', async () => {
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { cookie: session.cookie } })
    expect(await me.json()).toEqual({ user: null })
    await expect(signIn(server.url, `${USER}-pw`, TEST_PASSWORD)).rejects.toThrow(/401/)
    expect((await signIn(server.url, `${USER}-pw`, NEW_PASSWORD)).body.user.username).toBe(`${USER}-pw`)
    const stale = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${pwToken}` } })
    expect(await stale.json()).toEqual({ user: null })
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM api_tokens WHERE name = ${MARK} AND revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE username LIKE 'test-%')`)).toBe(0)
    expect(await scalar<number>(t.db, sql`SELECT points_per_unit FROM point_rules WHERE kind = 'publicity'`)).toBe(9)
    expect(await scalar<number>(t.db, sql`SELECT (params->>'radius_m')::int FROM alert_rules WHERE id = 1`)).toBe(120)
    const listed = usersAnswer.parse(JSON.parse((await call('GET', { path: '/api/admin/users' })).text)).users
    expect(listed.find((u) => u.username === `${USER}-volunteer`)?.volunteer_id).toBe(volunteer)
    expect(listed.find((u) => u.username === `${USER}-officer`)?.grids.map((g) => g.id)).toEqual([ownCell])
  })

  it('the samples are not empty: counts per unit, figures and layers by role', async () => {
    const byUnit = householdReportCounts.parse(JSON.parse((await call('GET', { path: '/api/household-reports/counts?by=unit&limit=5' })).text))
    expect(byUnit.rows.length).toBe(5)
    // A grid row where unit rows belong is refused.
    const byGrid = householdReportCounts.parse(JSON.parse((await call('GET', { path: '/api/household-reports/counts?limit=2' })).text))
    expect(householdReportCounts.safeParse({ ...byGrid, by: 'unit' }).success).toBe(false)
    const volunteerStats = statsAnswer.parse(JSON.parse((await call('GET', { who: 'volunteer', path: '/api/stats' })).text))
    expect(volunteerStats.scope.hazards).toBe('own')
    expect(volunteerStats.headlines.volunteers).toBeUndefined()
    const layers = layersAnswer.parse(JSON.parse((await call('GET', { who: 'volunteer', path: '/api/layers' })).text)).layers
    expect(layers.map((l) => l.id)).toEqual(Object.keys(volunteerStats.layers))
  })

  it("keeps the routes' refusals: the contract's query and body schemas validate with the same messages", async () => {
    const refusal = async (method: string, s: ContractSample) => {
      const r = await call(method, s)
      return [r.status, (JSON.parse(r.text) as { error: { message: string } }).error.message]
    }
    expect(await refusal('POST', { path: `/api/volunteers/${volunteer}/activities`, body: { kind: 'patrol', quantity: 1, heldAt: '2099-01-01T00:00:00Z' } })).toEqual([400, 'heldAt: heldAt lies in the future'])
    expect((await refusal('GET', { path: `/api/volunteer-orgs/${org}/leaderboard?limit=0` }))[0]).toBe(400)
    expect((await refusal('PATCH', { path: '/api/point-rules/publicity', body: { version: 1, extra: 1 } }))[0]).toBe(400)
    expect((await refusal('POST', { path: '/api/shop/redemptions', body: { volunteerId: volunteer, itemId: item, quantity: 101 } }))[0]).toBe(400)
    expect(await refusal('GET', { path: '/api/household-reports/counts?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z' })).toEqual([400, 'from: from must be before to'])
    expect(await refusal('POST', { path: '/api/coordination/meetings', body: { kind: 'grid_daily', heldAt: hoursAgo(1), attendees: 2 } })).toEqual([400, 'gridId: a daily contact names its grid cell (gridId)'])
    expect(await refusal('POST', { path: '/api/mediation-cases/1/close', body: { outcome: 'agreement', closedAt: '2099-01-01T00:00:00Z' } })).toEqual([400, 'closedAt: closedAt lies in the future'])
    expect(await refusal('PATCH', { path: `/api/admin/users/${users.patch}`, body: {} })).toEqual([400, 'body: nothing to change'])
    expect(await refusal('GET', { path: '/api/audit?id=x' })).toEqual([400, 'id: id is a feature id'])
    expect((await refusal('PATCH', { path: '/api/alert-rules/1', body: { version: 1, params: { x: 'y' } } }))[0]).toBe(422)
    expect((await refusal('GET', { path: '/api/analysis/responsible?lon=500&lat=1' }))[0]).toBe(400)
    expect((await refusal('GET', { path: '/api/analysis/responsible?lon=0&lat=0' }))[0]).toBe(404)
    expect((await refusal('POST', { path: `/api/planner/patrol-zones/${zone}/restore`, body: { version: 1 } }))[0]).toBe(400)
    expect((await refusal('POST', { path: '/api/auth/password', body: { current: 'x' } }))[0]).toBe(400)
    expect((await refusal('DELETE', { path: '/api/auth/tokens/999999999' }))[0]).toBe(404)
  })

  it("generates the OpenAPI operations from the same schemas: every parameter, the body and the answers' members; a 204 without content", () => {
    expectDocumented(ENDPOINTS)
    const doc = openApiDocument() as any
    expect(doc.paths['/api/mediation-cases'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['after', 'dispute', 'from', 'limit', 'room', 'station', 'status', 'to'])
    expect(doc.paths['/api/mediation-cases'].post.responses['201'].content['application/json'].schema.properties.participants).toBeDefined()
    expect(doc.paths['/api/household-units/{id}/reports'].post.requestBody.content['application/json'].schema.oneOf ?? doc.paths['/api/household-units/{id}/reports'].post.requestBody.content['application/json'].schema.anyOf).toHaveLength(3)
    expect(doc.paths['/api/admin/users'].get.summary).toMatch(/^accounts/)
    expect(doc.paths['/api/stats'].get.responses['200'].content['application/json'].schema.properties.headlines).toBeDefined()
    expect(doc.paths['/api/planner/{layer}/{id}/restore'].post.responses['200'].content['application/geo+json']).toBeDefined()
    for (const [path, method] of [['/api/auth/logout', 'post'], ['/api/auth/tokens/{id}', 'delete'], ['/api/auth/password', 'post']] as const) {
      expect(doc.paths[path][method].responses['204'], path).toEqual({ description: 'No Content' })
      expect(doc.paths[path][method].responses['200'], path).toBeUndefined()
    }
    // Signing out is public: no credentials needed, no 401/403.
    expect(doc.paths['/api/auth/logout'].post.security).toEqual([])
    expect(doc.paths['/api/auth/logout'].post.responses['401']).toBeUndefined()
  })
})
