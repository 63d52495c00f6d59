import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { AUTH_ENDPOINTS } from '../../server/src/contract/auth-endpoints.ts'
import { loginAnswer, meAnswer, tokensAnswer } from '../../server/src/contract/auth.ts'
import { DASHBOARD_ENDPOINTS } from '../../server/src/contract/dashboard-endpoints.ts'
import { LIVE_ENDPOINTS } from '../../server/src/contract/live-endpoints.ts'
import { PEOPLE_ENDPOINTS } from '../../server/src/contract/people-endpoints.ts'
import { importReport, peopleAnswer, personCard, rejectedRow } from '../../server/src/contract/people.ts'
import { STATIONS_ENDPOINTS } from '../../server/src/contract/stations-endpoints.ts'
import { openApiDocument } from '../../server/src/openapi/document.ts'
import { authHeader, signIn, TEST_PASSWORD, type TestAccount } from '../helpers/accounts.ts'
import { callAs, expectAnswersTrue, expectDocumented, expectSamplesFor, type ContractSample } from '../helpers/contract-check.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

/**
 * The people directory and search, the live view (units, tracks, alerts), the community
 * dashboard, signing in with the account's tokens, and the stations (server/src/contract:
 * people*.ts, live*.ts, dashboard*.ts, auth*.ts, stations*.ts) are true: each endpoint, asked by
 * the roles that use it and in every media type it declares, answers with a body its schema
 * accepts strictly. The client's people-api.ts, live-api.ts, dashboard-api.ts, auth-api.ts and
 * api/stations.ts take their types from them. Secrets stay out as before: a token's secret only
 * in the answer that creates it, personal phones never to a volunteer.
 */
const MARK = 'CONTRACT-PEOPLE-LIVE'
const ENDPOINTS = [...PEOPLE_ENDPOINTS, ...LIVE_ENDPOINTS, ...DASHBOARD_ENDPOINTS, ...AUTH_ENDPOINTS, ...STATIONS_ENDPOINTS]
/** A Beijing day long past, for this file's stored track points (removed after). */
const DAY = '2019-06-03'
const at = (hhmm: string) => `${DAY}T${hhmm}:00+08:00`

describe('the API contract: people, live, dashboard, auth and stations', () => {
  let t: TestDb
  let server: TestServer
  const call = (method: string, s: ContractSample) => callAs(server.url, method, s)
  const json = async (who: TestAccount, path: string) => {
    const r = await call('GET', { who, path })
    expect(r.status, `${path}: ${r.text.slice(0, 200)}`).toBe(200)
    return JSON.parse(r.text)
  }
  let units: string[] = []
  /** This file's alerts: one at a point in a village, one of the river rule (no point), one cleared, two to acknowledge. */
  const alerts: Record<'village' | 'river' | 'cleared' | 'ack1' | 'ack2', number> = {} as never
  /** An officer of the seed to send again in a roster, unchanged. */
  let rosterOfficer: { role: string; name: string; badge: string; unit: string }

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } }))
    // The volunteer account linked to a member of a station's team: it sees the people of its area (unlinked again after).
    const member = await scalar<number>(t.db, sql`
      SELECT min(v.id) FROM volunteers v JOIN volunteer_orgs o ON o.id = v.org_id
      WHERE o.unit_id = (SELECT station_id FROM grid_cells WHERE officer_id IS NOT NULL ORDER BY id LIMIT 1)`)
    await sql`UPDATE users SET volunteer_id = ${member} WHERE username = 'test-volunteer'`.execute(t.db)
    // Two units' track points on a day long past: moving, then a stop.
    units = (await sql<{ code: string }>`SELECT code FROM patrol_units ORDER BY code LIMIT 2`.execute(t.db)).rows.map((r) => r.code)
    for (const [i, code] of units.entries()) {
      await sql`
        INSERT INTO unit_positions (unit_id, ts, speed, heading, geom)
        SELECT u.id, p.ts::timestamptz, p.speed, p.heading, ST_SetSRID(ST_MakePoint(125.14 + ${i} * 0.01 + p.dx, 42.9), 4326)
        FROM patrol_units u, (VALUES (${at('08:00')}, 3.5::real, 90::real, 0.0), (${at('08:05')}, NULL::real, NULL::real, 0.004), (${at('08:10')}, 0::real, 0::real, 0.004)) AS p(ts, speed, heading, dx)
        WHERE u.code = ${code}`.execute(t.db)
    }
    // Alerts: in a village (a place), of the river rule (an extent, no point), cleared, and two to acknowledge.
    const rule = (kind: string) => sql`(SELECT id FROM alert_rules WHERE kind = ${kind})`
    const village = sql`(SELECT ST_PointOnSurface(geom) FROM admin_areas WHERE level = 'village' ORDER BY code LIMIT 1)`
    const add = async (kind: string, subject: string, geom: ReturnType<typeof sql>, cleared: boolean) =>
      (await sql<{ id: number }>`
        INSERT INTO alerts (rule_id, kind, subject, message, opened_at, cleared_at, geom)
        VALUES (${rule(kind)}, ${kind}, ${`${MARK}:${subject}`}, ${`${MARK} ${subject}`}, now() - interval '1 hour', ${cleared ? sql`now()` : sql`NULL`}, ${geom})
        RETURNING id::int AS id`.execute(t.db)).rows[0]!.id
    alerts.village = await add('left_zone', 'village', village, false)
    alerts.river = await add('river_overdue', 'river', sql`NULL`, false)
    alerts.cleared = await add('left_zone', 'cleared', village, true)
    alerts.ack1 = await add('guard_post_unmanned', 'ack1', village, false)
    alerts.ack2 = await add('guard_post_unmanned', 'ack2', sql`NULL`, false)
    rosterOfficer = (await sql<typeof rosterOfficer>`
      SELECT o.role, o.name, o.badge, u.code AS unit FROM officers o JOIN police_units u ON u.id = o.unit_id
      WHERE o.role = 'community_officer' AND o.badge IS NOT NULL ORDER BY o.id LIMIT 1`.execute(t.db)).rows[0]!
  })

  afterAll(async () => {
    await sql`UPDATE users SET volunteer_id = NULL WHERE username = 'test-volunteer'`.execute(t.db)
    await sql`DELETE FROM unit_positions WHERE ts >= ${at('00:00')}::timestamptz AND ts < ${at('23:59')}::timestamptz`.execute(t.db)
    await sql`DELETE FROM alerts WHERE subject LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM api_tokens WHERE name LIKE ${MARK + '%'}`.execute(t.db)
    await server.close()
  })

  /** Every way each endpoint is asked here; a new endpoint of these areas without one fails the first test. */
  const samples = async (): Promise<Record<string, ContractSample[]>> => {
    const cell = await scalar<number>(t.db, sql`SELECT min(id) FROM grid_cells WHERE officer_id IS NOT NULL AND militia_org_id IS NOT NULL`)
    const gridCode = await scalar<string>(t.db, sql`SELECT code FROM grid_cells WHERE id = ${cell}`)
    const officer = await scalar<number>(t.db, sql`SELECT officer_id FROM grid_cells WHERE id = ${cell}`)
    const militia = await scalar<number>(t.db, sql`SELECT militia_org_id FROM grid_cells WHERE id = ${cell}`)
    const lead = await scalar<number>(t.db, sql`SELECT min(id) FROM volunteers WHERE lead`)
    const unit = await scalar<number>(t.db, sql`SELECT station_id FROM grid_cells WHERE id = ${cell}`)
    const school = await scalar<string>(t.db, sql`SELECT name FROM schools ORDER BY id LIMIT 1`)
    const seen = (await json('volunteer', '/api/people?limit=3')).people.map((p: { id: string }) => p.id) as string[]
    expect(seen.length, "the volunteer's area has people").toBeGreaterThan(0)
    const district = await scalar<string>(t.db, sql`SELECT code FROM admin_areas WHERE level = 'district' ORDER BY code LIMIT 1`)
    const station = await scalar<number>(t.db, sql`SELECT min(station_id) FROM grid_cells`)
    const point = await scalar<string>(t.db, sql`SELECT ST_X(p) || ',' || ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid_cells WHERE id = ${cell}) x`)
    const tracks = (codes: string[], from = at('07:00'), to = at('09:00')) => `/api/live/tracks?${new URLSearchParams({ units: codes.join(','), from, to })}`
    const dashboard = (q: Record<string, string> = {}) => `/api/community/dashboard${Object.keys(q).length ? `?${new URLSearchParams(q)}` : ''}`
    return {
      // The people directory and search
      'GET /api/people': [
        { path: '/api/people' },
        { who: 'command', path: '/api/people?role=community_officer&limit=5&offset=5' },
        { who: 'planner', path: '/api/people?q=zhang' },
        { who: 'officer', path: `/api/people?cell=${cell}` },
        { who: 'admin', path: `/api/people?unit=${unit}&limit=500` },
        { who: 'admin', path: `/api/people?ids=officer:${officer},militia:${militia},volunteer:${lead}` },
        { who: 'volunteer', path: '/api/people' },
        { who: 'volunteer', path: `/api/people?ids=${seen.join(',')}` },
      ],
      'GET /api/people/:id': [
        { path: `/api/people/officer:${officer}` },
        { who: 'command', path: `/api/people/militia:${militia}` },
        { who: 'planner', path: `/api/people/volunteer:${lead}` },
        { who: 'officer', path: `/api/people/officer:${officer}` },
        { who: 'volunteer', path: `/api/people/${seen[0]}` },
      ],
      'POST /api/people/import': [
        // A seeded officer sent again as they are: updated, nothing changed (empty cells leave their cells alone).
        { path: '/api/people/import', body: { rows: [rosterOfficer] } },
      ],
      'GET /api/search': [
        { path: `/api/search?q=${encodeURIComponent(gridCode)}` },
        { who: 'command', path: `/api/search?q=${encodeURIComponent(school)}&limit=5` },
        { who: 'planner', path: '/api/search?q=zhang&kinds=person,unit' },
        { who: 'officer', path: `/api/search?q=${encodeURIComponent('派出所')}` },
        { who: 'volunteer', path: '/api/search?q=wang' },
        { path: '/api/search?q=' },
      ],
      // The live view
      'GET /api/live/units': [{ path: '/api/live/units' }, { who: 'command', path: '/api/live/units' }, { who: 'planner', path: '/api/live/units' }],
      'GET /api/live/tracks': [
        { path: tracks(units) },
        { who: 'command', path: tracks(units.slice(0, 1)) },
        { who: 'planner', path: tracks(units, at('12:00'), at('13:00')) },
      ],
      'GET /api/alerts': [
        { path: '/api/alerts' },
        { who: 'command', path: '/api/alerts?state=all&limit=1000' },
        { who: 'planner', path: '/api/alerts?state=cleared' },
      ],
      'POST /api/alerts/:id/acknowledge': [
        { path: `/api/alerts/${alerts.ack1}/acknowledge`, body: {} },
        { who: 'command', path: `/api/alerts/${alerts.ack2}/acknowledge`, body: { note: `${MARK} 已处置` } },
      ],
      // The community dashboard
      'GET /api/community/dashboard': [
        { path: dashboard() },
        { who: 'command', path: dashboard({ district, from: '2026-01-01', to: '2026-12-01' }) },
        { who: 'planner', path: dashboard({ station: String(station), from: '2026-06-01T00:00:00+08:00' }) },
        { path: dashboard({ format: 'csv' }) },
        { who: 'command', path: dashboard({ district, format: 'csv' }) },
      ],
      // Signing in, the account's tokens
      'POST /api/auth/login': [
        { path: '/api/auth/login', body: { username: 'test-admin', password: TEST_PASSWORD } },
        { who: 'officer', path: '/api/auth/login', body: { username: 'test-officer', password: TEST_PASSWORD } },
        { who: 'volunteer', path: '/api/auth/login', body: { username: 'test-volunteer', password: TEST_PASSWORD } },
      ],
      'GET /api/auth/me': (['admin', 'command', 'planner', 'officer', 'volunteer'] as const).map((who) => ({ who, path: '/api/auth/me' })),
      'GET /api/auth/tokens': (['admin', 'command', 'planner', 'officer', 'volunteer'] as const).map((who) => ({ who, path: '/api/auth/tokens' })),
      'POST /api/auth/tokens': (['admin', 'officer', 'volunteer'] as const).map((who) => ({ who, path: '/api/auth/tokens', body: { name: `${MARK} ${who}` } })),
      // The stations
      'GET /api/stations': [
        { path: '/api/stations' },
        { who: 'command', path: '/api/stations' },
        { who: 'planner', path: `/api/stations?at=${point}` },
        { who: 'officer', path: '/api/stations' },
      ],
    }
  }

  it('asks every declared endpoint of the people, live, dashboard, auth and stations areas', async () => {
    expectSamplesFor(ENDPOINTS, await samples())
  })

  it('gets answers that the schemas accept, strictly, in the declared media types', { timeout: 180_000 }, async () => {
    await expectAnswersTrue(server.url, ENDPOINTS, await samples())
  })

  it('the samples are not empty: people with cells, places found, track points, the alerts in their places', async () => {
    const card = personCard.parse(await json('admin', `/api/people/officer:${await scalar<number>(t.db, sql`SELECT min(officer_id) FROM grid_cells`)}`))
    expect(card.cells.length).toBeGreaterThan(0)
    expect(card.cells_geojson.features.length).toBe(card.cells.length)
    expect(card.bbox).not.toBeNull()
    const found = await json('admin', `/api/search?q=${encodeURIComponent('派出所')}`)
    expect(found.results.length).toBeGreaterThan(0)
    const tracks = await json('admin', `/api/live/tracks?${new URLSearchParams({ units: units.join(','), from: at('07:00'), to: at('09:00') })}`)
    expect(tracks.units.map((u: { points: unknown[] }) => u.points.length)).toEqual([3, 3])
    const listed = (await json('admin', '/api/alerts?state=all&limit=1000')).alerts as Array<{ id: number; place: string | null; extent: unknown; cleared_at: string | null }>
    const byId = new Map(listed.map((a) => [a.id, a]))
    expect(byId.get(alerts.village)?.place).toBeTruthy()
    expect(byId.get(alerts.river)?.extent).toHaveLength(4)
    expect(byId.get(alerts.cleared)?.cleared_at).toBeTruthy()
  })

  it('keeps secrets out as before: personal phones never reach a volunteer, a token secret only once, no session secret in an answer', async () => {
    // A volunteer: no personal phone or badge, in the list or on a card; the station's duty phone only.
    const page = peopleAnswer.parse(await json('volunteer', '/api/people?limit=500'))
    expect(page.people.length).toBeGreaterThan(0)
    expect(page.people.filter((p) => 'phone' in p || 'badge' in p)).toEqual([])
    const card = personCard.parse(await json('volunteer', `/api/people/${page.people[0]!.id}`))
    expect('phone' in card || 'badge' in card).toBe(false)
    // Police roles see them.
    const staff = peopleAnswer.parse(await json('officer', '/api/people?limit=5'))
    expect(staff.people.every((p) => 'phone' in p && 'badge' in p)).toBe(true)
    // A token: its secret in the answer creating it, and it works; listed after without it.
    const made = await call('POST', { who: 'planner', path: '/api/auth/tokens', body: { name: `${MARK} once` } })
    expect(made.status).toBe(201)
    const { id, token } = JSON.parse(made.text) as { id: number; token: string }
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(meAnswer.parse(await me.json())).toMatchObject({ user: { username: 'test-planner' }, via: 'token' })
    const list = await call('GET', { who: 'planner', path: '/api/auth/tokens' })
    const tokens = tokensAnswer.parse(JSON.parse(list.text)).tokens
    expect(tokens.map((x) => x.id)).toContain(id)
    expect(list.text).not.toContain(token)
    expect(list.text).not.toMatch(/pgt_/)
    // Signing in: the CSRF token, never the session's secret (that is the httpOnly cookie).
    const session = await signIn(server.url, 'test-command', TEST_PASSWORD)
    const login = loginAnswer.parse(session.body)
    expect(JSON.stringify(login)).not.toContain(session.cookie.split('=')[1]!)
    const bySession = await fetch(`${server.url}/api/auth/me`, { headers: { cookie: session.cookie } })
    expect(meAnswer.parse(await bySession.json())).toMatchObject({ via: 'session', csrfToken: login.csrfToken })
  })

  it("GET /api/auth/me signed out is {\"user\": null}, true to the schema; a signed-in answer without its layers is not", async () => {
    const r = await fetch(`${server.url}/api/auth/me`)
    expect(r.status).toBe(200)
    expect(meAnswer.parse(await r.json())).toEqual({ user: null })
    const signedIn = await json('officer', '/api/auth/me')
    expect(meAnswer.safeParse(signedIn).success).toBe(true)
    expect(meAnswer.safeParse({ ...signedIn, layers: undefined }).success).toBe(false)
    expect(meAnswer.safeParse({ user: null, via: 'token' }).success).toBe(false)
  })

  it('the roster import: CSV answers the same report; a rejected row is as the client reads it', async () => {
    const csv = `role,name,badge,unit\n${rosterOfficer.role},${rosterOfficer.name},${rosterOfficer.badge},${rosterOfficer.unit}\n`
    const ok = await fetch(`${server.url}/api/people/import`, { method: 'POST', headers: { ...authHeader('admin'), 'content-type': 'text/csv' }, body: csv })
    expect(ok.status).toBe(201)
    expect(importReport.parse(await ok.json())).toMatchObject({ imported: 1, created: 0, updated: 1 })
    const bad = await fetch(`${server.url}/api/people/import`, { method: 'POST', headers: { ...authHeader('admin'), 'content-type': 'text/csv' }, body: 'role,name,badge,unit\nchief,x,,NO-SUCH-UNIT\n' })
    expect(bad.status).toBe(422)
    const rejected = ((await bad.json()) as { error: { details: { rejected: unknown[] } } }).error.details.rejected
    expect(rejected.map((x) => rejectedRow.parse(x).row)).toEqual([2])
  })

  it("keeps the routes' refusals: the contract's query and body schemas validate with the same messages", async () => {
    const refusal = async (method: string, s: ContractSample) => {
      const r = await call(method, s)
      return [r.status, (JSON.parse(r.text) as { error: { message: string } }).error.message]
    }
    expect(await refusal('GET', { path: `/api/people?q=${'x'.repeat(51)}` })).toEqual([400, 'q: q is at most 50 characters'])
    expect(await refusal('GET', { path: '/api/people?ids=officer:1,nobody' })).toEqual([400, 'ids.1: a person is officer:ID, militia:ID or volunteer:ID'])
    expect(await refusal('GET', { path: '/api/search?q=a&kinds=' })).toEqual([400, 'kinds: kinds names at least one kind'])
    expect((await refusal('GET', { path: '/api/search?q=a&x=1' }))[0]).toBe(400)
    expect(await refusal('GET', { path: `/api/live/tracks?units=${units[0]}&from=${encodeURIComponent(at('09:00'))}&to=${encodeURIComponent(at('08:00'))}` })).toEqual([400, 'query: from must not be after to'])
    expect(await refusal('GET', { path: '/api/live/tracks?units=a;b&from=x&to=y' })).toMatchObject([400, expect.stringContaining('units: a comma-separated list of unit codes')])
    expect((await refusal('GET', { path: '/api/alerts?state=some' }))[0]).toBe(400)
    expect((await refusal('POST', { path: `/api/alerts/${alerts.village}/acknowledge`, body: { note: 'x'.repeat(1001) } }))[0]).toBe(422)
    expect(await refusal('GET', { path: '/api/community/dashboard?district=12' })).toEqual([400, 'district: a 6-digit district code'])
    expect(await refusal('GET', { path: '/api/community/dashboard?from=2026-02-01&to=2026-01-01' })).toEqual([400, 'from: from must be before to'])
    expect(await refusal('GET', { path: '/api/stations?at=500,1' })).toEqual([400, 'at: at is lon,lat in degrees (WGS84), e.g. 125.145,42.9'])
    expect((await refusal('POST', { path: '/api/auth/login', body: { username: '', password: 'x' } }))[0]).toBe(400)
    expect((await refusal('POST', { path: '/api/auth/tokens', body: { name: 'x', extra: 1 } }))[0]).toBe(400)
  })

  it("generates the OpenAPI operations from the same schemas: every parameter, the body and the answers' members", () => {
    expectDocumented(ENDPOINTS)
    const doc = openApiDocument() as any
    expect(doc.paths['/api/people'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cell', 'ids', 'limit', 'offset', 'q', 'role', 'unit'])
    expect(doc.paths['/api/people'].get.summary).toMatch(/^the people directory/)
    expect(doc.paths['/api/live/tracks'].get.parameters.map((p: { name: string; required: boolean }) => [p.name, p.required])).toEqual([['units', true], ['from', true], ['to', true]])
    expect(Object.keys(doc.paths['/api/community/dashboard'].get.responses['200'].content).sort()).toEqual(['application/json', 'text/csv'])
    expect(doc.paths['/api/stations'].get.responses['200'].content['application/json'].schema.properties.stations.items.properties.bbox).toBeDefined()
    // Signing in and who-am-I need no credentials.
    expect(doc.paths['/api/auth/login'].post.security).toEqual([])
    expect(doc.paths['/api/auth/me'].get.security).toEqual([])
    expect(doc.paths['/api/auth/me'].get.responses['401']).toBeUndefined()
    expect(doc.paths['/api/auth/tokens'].get.security).toBeUndefined()
    // The stream and the policy-only methods stay as they were.
    expect(doc.paths['/api/live/stream'].get.summary).toMatch(/^Server-Sent Events/)
    expect(doc.paths['/api/auth/tokens/{id}'].delete).toBeDefined()
  })
})
