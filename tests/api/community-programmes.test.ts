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

type Client = ReturnType<typeof apiClient>

/**
 * Ten-household units' reports, mediation cases and coordination meetings (issue 9). Expected
 * values come from SQL written here over other tables than the endpoints read where there are
 * any (disputes and hazards rather than the report rows, dispute statuses rather than cases), or
 * from the story (211 unit reports, 247 disputes resolved, 34 issues resolved).
 */
describe('community: unit reports, mediation, coordination meetings', () => {
  let t: TestDb
  let server: TestServer
  let admin: Client
  let command: Client
  let officer: Client
  let ownCells: number[]
  let ownUnit: number
  let foreignUnit: number

  /** Rows of every table the writes touch: a refused request must leave them all as they were. */
  const counts = async () => (await sql<Record<string, number>>`SELECT
      (SELECT count(*)::int FROM disputes) AS disputes, (SELECT count(*)::int FROM hazards) AS hazards,
      (SELECT count(*)::int FROM household_reports) AS reports, (SELECT coalesce(sum(reports), 0)::int FROM household_units) AS unit_reports,
      (SELECT count(*)::int FROM mediation_cases) AS cases, (SELECT count(*)::int FROM mediation_participants) AS participants,
      (SELECT count(*)::int FROM mediation_cases WHERE closed_at IS NULL) AS open_cases,
      (SELECT count(*)::int FROM coordination_meetings) AS meetings, (SELECT count(*)::int FROM coordination_issues) AS issues,
      (SELECT count(*)::int FROM coordination_issues WHERE resolved_in IS NOT NULL) AS resolved,
      (SELECT count(*)::int FROM audit_log) AS audit, (SELECT sum(version)::int FROM disputes) AS dispute_versions`.execute(t.db)).rows[0]!

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } }))
    admin = apiClient(server.url, 'admin')
    command = apiClient(server.url, 'command')
    officer = apiClient(server.url, 'officer')
    ownCells = (await sql<{ grid_id: number }>`SELECT u.grid_id FROM user_grid_cells u JOIN users x ON x.id = u.user_id WHERE x.username = 'test-officer' ORDER BY 1`.execute(t.db)).rows.map((r) => r.grid_id)
    ownUnit = await scalar<number>(t.db, sql`SELECT min(id) FROM household_units WHERE grid_id = ${ownCells[0]!}`)
    foreignUnit = await scalar<number>(t.db, sql`SELECT min(id) FROM household_units WHERE grid_id IS NOT NULL AND NOT grid_id = ANY(${`{${ownCells.join(',')}}`}::int[])`)
  })
  afterAll(async () => {
    await server.close()
  })

  it('seeds the story: 211 dispute reports from the units, counted per unit and per grid cell as the disputes say', async () => {
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM household_reports WHERE kind = 'dispute'`)).toBe(211)
    const r = await command.get('/api/household-reports/counts?by=grid')
    expect(r.status).toBe(200)
    expect(r.body.rows.length).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM grid_cells`))
    // Disputes per cell from the disputes themselves (source and the reporting unit's cell).
    const disputes = new Map((await sql<{ g: number; n: number }>`
      SELECT u.grid_id AS g, count(*)::int AS n FROM disputes d JOIN household_units u ON u.id = d.household_unit_id
      WHERE d.source = 'household_unit' GROUP BY u.grid_id`.execute(t.db)).rows.map((x) => [x.g, x.n]))
    const hazards = new Map((await sql<{ g: number; n: number }>`
      SELECT u.grid_id AS g, count(*)::int AS n FROM hazards h JOIN household_reports r ON r.hazard_id = h.id JOIN household_units u ON u.id = r.household_unit_id
      GROUP BY u.grid_id`.execute(t.db)).rows.map((x) => [x.g, x.n]))
    for (const row of r.body.rows) {
      expect(row.dispute, `cell ${row.grid_id}`).toBe(disputes.get(row.grid_id) ?? 0)
      expect(row.hazard, `cell ${row.grid_id}`).toBe(hazards.get(row.grid_id) ?? 0)
      expect(row.total).toBe(row.dispute + row.hazard + row.suspicious)
    }
    expect(r.body.totals.dispute).toBe(211)
    expect(r.body.totals.total).toBe(await scalar<number>(t.db, sql`SELECT sum(reports)::int FROM household_units`))
    // Per unit: each unit's count is its column `reports`, kept by the trigger.
    const units = await command.get('/api/household-reports/counts?by=unit&limit=1000')
    expect(units.body.rows.length).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM household_units WHERE reports > 0`))
    const stored = new Map((await sql<{ id: number; reports: number }>`SELECT id, reports FROM household_units WHERE reports > 0`.execute(t.db)).rows.map((x) => [x.id, x.reports]))
    for (const row of units.body.rows) expect(row.total, `unit ${row.household_unit_id}`).toBe(stored.get(row.household_unit_id))
    // A period: reported in the summer (Beijing time).
    const summer = await command.get('/api/household-reports/counts?from=2026-06-01T00:00:00%2B08:00&to=2026-09-01T00:00:00%2B08:00')
    expect(summer.body.totals.dispute).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM disputes WHERE source = 'household_unit'
      AND reported_at >= '2026-06-01T00:00:00+08:00' AND reported_at < '2026-09-01T00:00:00+08:00'`))
  })

  it('seeds mediation and meetings consistent with the disputes and the story (247 agreements, 34 issues resolved)', async () => {
    const r = await command.get('/api/mediation-cases?limit=5')
    expect(r.status).toBe(200)
    const s = r.body.summary
    expect(s.cases).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM disputes WHERE status <> 'reported'`))
    expect(s.agreement).toBe(247)
    expect(s.open).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM disputes WHERE status = 'mediating'`))
    expect(s.no_agreement + s.referred).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM disputes WHERE status = 'escalated'`))
    expect(s.joint).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM (SELECT case_id FROM mediation_participants GROUP BY case_id
      HAVING bool_or(agency = 'police') AND bool_or(agency IN ('court', 'justice', 'petition'))) j`))
    expect(s.joint).toBeGreaterThan(0)
    for (const c of r.body.cases) {
      expect(c.participants.some((p: { agency: string }) => p.agency === 'police')).toBe(true)
      if (c.closed_at) expect(c.duration_hours).toBeCloseTo((Date.parse(c.closed_at) - Date.parse(c.opened_at)) / 3_600_000, 1)
    }
    const issues = await command.get('/api/coordination/issues')
    expect(issues.body.resolved).toBe(34)
    expect(issues.body.raised).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM coordination_issues`))
    // Every resolution at a later meeting of the same station.
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM coordination_issues i JOIN coordination_meetings a ON a.id = i.raised_in
      JOIN coordination_meetings b ON b.id = i.resolved_in WHERE b.station_id <> a.station_id OR b.held_at < a.held_at`)).toBe(0)
    const m = await command.get('/api/coordination/meetings?limit=1')
    const byKind = Object.fromEntries(m.body.summary.map((k: { kind: string; meetings: number }) => [k.kind, k.meetings]))
    // Monthly: each station or branch with each town whose cells it holds, twelve times.
    expect(byKind.station_town).toBe(12 * await scalar<number>(t.db, sql`SELECT count(*)::int FROM (SELECT DISTINCT g.station_id, v.parent_code
      FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code) x`))
    expect(byKind.grid_daily).toBe(14 * await scalar<number>(t.db, sql`SELECT count(*)::int FROM grid_cells`))
    expect(m.body.summary.reduce((a: number, k: { resolved: number }) => a + k.resolved, 0)).toBe(34)
  })

  it('counts a unit\'s dispute written as a plain dispute feature (the officer\'s phone form) as that unit\'s report', async () => {
    const unitReports = () => scalar<number>(t.db, sql`SELECT reports FROM household_units WHERE id = ${ownUnit}`)
    const before = await unitReports()
    const at = JSON.parse(await scalar<string>(t.db, sql`SELECT ST_AsGeoJSON(geom) FROM household_units WHERE id = ${ownUnit}`))
    const r = await officer.post('/api/layers/disputes/features', { geometry: at, properties: { category: 'neighbour', source: 'household_unit', parties: 2, description: 'TEST-PROG 手机表单', household_unit_id: ownUnit } })
    expect(r.status).toBe(201)
    const rows = (await sql<{ household_unit_id: number; kind: string; grid_id: number; recorded_by: string }>`
      SELECT household_unit_id, kind, grid_id, recorded_by FROM household_reports WHERE dispute_id = ${r.body.id}`.execute(t.db)).rows
    expect(rows).toEqual([{ household_unit_id: ownUnit, kind: 'dispute', grid_id: ownCells[0], recorded_by: 'test-officer' }])
    expect(await unitReports()).toBe(before + 1)
    const byUnit = await command.get(`/api/household-reports/counts?by=unit&grid=${ownCells[0]}`)
    const mine = byUnit.body.rows.filter((x: { household_unit_id: number }) => x.household_unit_id === ownUnit)
    expect(mine.reduce((n: number, x: { total: number }) => n + x.total, 0)).toBe(await scalar<number>(t.db, sql`
      SELECT (SELECT count(*) FROM disputes WHERE household_unit_id = ${ownUnit} AND source = 'household_unit')::int
           + (SELECT count(*) FROM household_reports WHERE household_unit_id = ${ownUnit} AND kind <> 'dispute')::int`))
    // A dispute without a unit, or from another source, is no unit's report.
    const plain = await officer.post('/api/layers/disputes/features', { geometry: at, properties: { category: 'neighbour', source: 'patrol', parties: 2, description: 'TEST-PROG 巡逻发现' } })
    expect(plain.status).toBe(201)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM household_reports WHERE dispute_id = ${plain.body.id}`)).toBe(0)
    expect(await unitReports()).toBe(before + 1)
  })

  it('turns a unit\'s dispute and hazard reports into features of the same lifecycles, and keeps suspicious activity as a report', async () => {
    const before = await counts()
    const lastAudit = await scalar<number>(t.db, sql`SELECT max(id)::int FROM audit_log`)
    const d = await officer.post(`/api/household-units/${ownUnit}/reports`, { kind: 'dispute', category: 'neighbour', parties: 3, description: 'TEST-PROG 楼上漏水' })
    expect(d.status).toBe(201)
    const dispute = d.body.feature
    expect(dispute.properties).toMatchObject({ status: 'reported', source: 'household_unit', household_unit_id: ownUnit, category: 'neighbour', parties: 3 })
    expect(dispute.properties.grid_id).toBe(ownCells[0])
    expect(d.body.report).toMatchObject({ kind: 'dispute', dispute_id: dispute.id, household_unit_id: ownUnit })
    // The dispute lifecycle knows it: reported → mediating or escalated.
    const tr = await officer.get(`/api/layers/disputes/features/${dispute.id}/transitions`)
    expect(tr.body.allowed).toEqual(['mediating', 'escalated'])
    const h = await officer.post(`/api/household-units/${ownUnit}/reports`, { kind: 'hazard', category: 'manhole', description: 'TEST-PROG 井盖松动' })
    expect(h.status).toBe(201)
    expect(h.body.feature.properties).toMatchObject({ status: 'reported', source: 'offline', category: 'manhole' })
    const s = await officer.post(`/api/household-units/${ownUnit}/reports`, { kind: 'suspicious', category: 'vehicle', reportedAt: '2026-10-30T21:00:00+08:00' })
    expect(s.status).toBe(201)
    expect(s.body.feature).toBeNull()
    expect(s.body.report).toMatchObject({ kind: 'suspicious', suspicious_category: 'vehicle', suspicious_status: 'open', reported_at: '2026-10-30T13:00:00.000Z' })
    const after = await counts()
    expect(after.disputes! - before.disputes!).toBe(1)
    expect(after.hazards! - before.hazards!).toBe(1)
    expect(after.reports! - before.reports!).toBe(3)
    expect(after.unit_reports! - before.unit_reports!).toBe(3)
    // Audited with the real actor: the two features and the three reports.
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM audit_log WHERE actor = 'test-officer' AND action = 'create'
      AND ((layer = 'disputes' AND feature_id = ${String(dispute.id)}) OR (layer = 'hazards' AND feature_id = ${String(h.body.feature.id)}) OR layer = 'household_reports')
      AND id > ${lastAudit}`)).toBe(5)
    const list = await officer.get(`/api/household-units/${ownUnit}/reports`)
    expect(list.body.unit.reports).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM household_reports WHERE household_unit_id = ${ownUnit}`))
    expect(list.body.reports.find((x: { dispute_id: number | null }) => x.dispute_id === dispute.id)).toMatchObject({ category: 'neighbour', status: 'reported' })
  })

  it('refuses bad report input with 400 and another officer\'s unit with 404, writing nothing', async () => {
    const before = await counts()
    const bad: unknown[] = [
      {}, [], { kind: 'dispute' }, { kind: 'rumour', category: 'other' }, { kind: 'dispute', category: 'manhole' }, { kind: 'hazard', category: 'land' },
      { kind: 'dispute', category: 'land', parties: 0 }, { kind: 'dispute', category: 'land', extra: 1 }, { kind: 'suspicious', category: 'stranger', reportedAt: '2999-01-01T00:00:00Z' },
      { kind: 'suspicious', category: 'stranger', reportedAt: 'yesterday' }, { kind: 'hazard', category: 'fire', description: 'x'.repeat(1001) },
    ]
    for (const body of bad) {
      const r = await officer.post(`/api/household-units/${ownUnit}/reports`, body)
      expect(r.status, JSON.stringify(body)).toBe(400)
      expect(r.body.error.code).toBe('invalid_body')
    }
    expect((await officer.post(`/api/household-units/${foreignUnit}/reports`, { kind: 'dispute', category: 'land' })).status).toBe(404)
    expect((await officer.get(`/api/household-units/${foreignUnit}/reports`)).status).toBe(404)
    expect((await admin.post('/api/household-units/999999999/reports', { kind: 'dispute', category: 'land' })).status).toBe(404)
    expect((await admin.post('/api/household-units/abc/reports', { kind: 'dispute', category: 'land' })).status).toBe(404)
    for (const q of ['by=street', 'limit=0', 'from=2026-13-01', 'from=2026-06-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'colour=red']) {
      expect((await command.get(`/api/household-reports/counts?${q}`)).status, q).toBe(400)
    }
    expect(await counts()).toEqual(before)
  })

  it('keeps an officer\'s counts, cases and meetings to their own cells, in the SQL', async () => {
    const own = `{${ownCells.join(',')}}`
    const c = await officer.get('/api/household-reports/counts')
    expect(c.body.rows.map((r: { grid_id: number }) => r.grid_id).sort((a: number, b: number) => a - b)).toEqual(ownCells)
    expect(c.body.totals.total).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM household_reports WHERE grid_id = ANY(${own}::int[])`))
    const m = await officer.get('/api/mediation-cases?limit=500')
    expect(m.body.summary.cases).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM mediation_cases c JOIN disputes d ON d.id = c.dispute_id WHERE d.grid_id = ANY(${own}::int[])`))
    for (const x of m.body.cases) expect(ownCells).toContain(x.grid_id)
    const daily = await officer.get('/api/coordination/meetings?kind=grid_daily&limit=500')
    expect(daily.body.meetings.length).toBe(14 * ownCells.length)
    for (const x of daily.body.meetings) expect(ownCells).toContain(x.grid_id)
    const monthly = await officer.get('/api/coordination/meetings?kind=station_town&limit=500')
    const stations = (await sql<{ s: number }>`SELECT DISTINCT station_id AS s FROM grid_cells WHERE id = ANY(${own}::int[])`.execute(t.db)).rows.map((r) => r.s)
    expect(monthly.body.meetings.length).toBeGreaterThan(0)
    for (const x of monthly.body.meetings) expect(stations).toContain(x.station_id)
  })

  it('opens a mediation case (the dispute moves to mediating in the room), seats the joint mechanism, and closing it resolves the dispute', async () => {
    const dispute = await scalar<number>(t.db, sql`SELECT max(id) FROM disputes WHERE description = 'TEST-PROG 楼上漏水'`)
    const nearest = await scalar<number>(t.db, sql`SELECT m.id FROM mediation_rooms m, disputes d WHERE d.id = ${dispute} ORDER BY m.geom <-> d.geom LIMIT 1`)
    const open = await officer.post('/api/mediation-cases', { disputeId: dispute, participants: [{ agency: 'police', name: '于家', role: '社区民警' }, { agency: 'people_mediator', name: '王调解' }] })
    expect(open.status).toBe(201)
    expect(open.body).toMatchObject({ dispute_id: dispute, room_id: nearest, dispute_status: 'mediating', joint: false, closed_at: null })
    const row = (await sql<{ status: string; mediation_room_id: number }>`SELECT status, mediation_room_id FROM disputes WHERE id = ${dispute}`.execute(t.db)).rows[0]!
    expect(row).toEqual({ status: 'mediating', mediation_room_id: nearest })
    const caseId = open.body.id as number
    const before = await counts()
    expect((await officer.post('/api/mediation-cases', { disputeId: dispute })).status).toBe(409)
    expect((await officer.post(`/api/mediation-cases/${caseId}/participants`, { agency: 'police', name: '于家' })).status).toBe(409)
    for (const body of [{}, { agency: 'army', name: 'x' }, { agency: 'court', name: '' }, { agency: 'court', name: 'x', extra: true }]) {
      expect((await officer.post(`/api/mediation-cases/${caseId}/participants`, body)).status, JSON.stringify(body)).toBe(400)
    }
    for (const body of [{}, { outcome: 'maybe' }, { outcome: 'agreement', closedAt: '2020-01-01T00:00:00Z' }, { outcome: 'agreement', sessions: 0 }, { outcome: 'agreement', closedAt: '2999-01-01T00:00:00Z' }]) {
      expect((await officer.post(`/api/mediation-cases/${caseId}/close`, body)).status, JSON.stringify(body)).toBe(400)
    }
    for (const body of [{}, { disputeId: 'x' }, { disputeId: dispute, participants: [{ agency: 'army', name: 'x' }] }, { disputeId: dispute, roomId: 999999999 }]) {
      expect((await admin.post('/api/mediation-cases', body)).status, JSON.stringify(body)).toBe(body && 'roomId' in body ? 409 : 400)
    }
    expect(await counts()).toEqual(before)

    // 公安+法院+司法+信访: with the court at the table the case is joint.
    const seated = await officer.post(`/api/mediation-cases/${caseId}/participants`, { agency: 'court', name: '李法官', role: '法官' })
    expect(seated.status).toBe(201)
    expect(seated.body.joint).toBe(true)
    const closedAt = new Date().toISOString()
    const closed = await officer.post(`/api/mediation-cases/${caseId}/close`, { outcome: 'agreement', closedAt, sessions: 2 })
    expect(closed.status).toBe(200)
    expect(closed.body).toMatchObject({ outcome: 'agreement', dispute_status: 'resolved', sessions: 2 })
    expect(closed.body.duration_hours).toBeCloseTo((Date.parse(closedAt) - Date.parse(open.body.opened_at)) / 3_600_000, 1)
    const d = (await sql<{ status: string; resolved_at: Date }>`SELECT status, resolved_at FROM disputes WHERE id = ${dispute}`.execute(t.db)).rows[0]!
    expect(d.status).toBe('resolved')
    expect(new Date(d.resolved_at).toISOString()).toBe(closedAt)
    // The lifecycle's own history: reported → mediating → resolved.
    const history = (await officer.get(`/api/layers/disputes/features/${dispute}/transitions`)).body.history.map((x: { from: string; to: string }) => `${x.from}>${x.to}`)
    expect(history).toEqual(['reported>mediating', 'mediating>resolved'])
    expect((await officer.post(`/api/mediation-cases/${caseId}/close`, { outcome: 'agreement' })).status).toBe(409)
    expect((await officer.post('/api/mediation-cases', { disputeId: dispute })).status).toBe(409)
    // Another officer's dispute is not there for this one.
    const foreign = await scalar<number>(t.db, sql`SELECT min(id) FROM disputes WHERE status = 'reported' AND NOT grid_id = ANY(${`{${ownCells.join(',')}}`}::int[])`)
    expect((await officer.post('/api/mediation-cases', { disputeId: foreign })).status).toBe(404)
  })

  it('logs meetings with the issues raised and resolved; bad input is 400 and writes nothing', async () => {
    const cell = ownCells[0]!
    const station = await scalar<number>(t.db, sql`SELECT station_id FROM grid_cells WHERE id = ${cell}`)
    const daily = await officer.post('/api/coordination/meetings', {
      kind: 'grid_daily', heldAt: new Date(Date.now() - 3_600_000).toISOString(), gridId: cell, attendees: 2,
      raised: [{ title: 'TEST-PROG 路灯损坏', category: 'public_order' }],
    })
    expect(daily.status).toBe(201)
    expect(daily.body).toMatchObject({ kind: 'grid_daily', grid_id: cell, station_id: station, recorded_by: 'test-officer' })
    const issue = daily.body.issues[0].id as number
    const town = await scalar<string>(t.db, sql`SELECT v.parent_code FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code WHERE g.id = ${cell}`)
    const before = await counts()
    const base = { kind: 'station_town', heldAt: new Date().toISOString(), stationId: station, areaCode: town, attendees: 8 }
    const bad: unknown[] = [
      {}, { ...base, kind: 'weekly' }, { ...base, attendees: 1 }, { ...base, heldAt: '2999-01-01T00:00:00Z' }, { ...base, stationId: undefined },
      { kind: 'grid_daily', heldAt: base.heldAt, attendees: 2 }, { ...base, resolves: [issue, issue] }, { ...base, raised: [{ title: '', category: 'other' }] },
      { ...base, stationId: 999999999 }, { ...base, areaCode: '999999' },
      // Issues already resolved, unknown, or raised after the meeting: the whole meeting is refused.
      { ...base, resolves: [issue, 999999999] },
      { ...base, heldAt: new Date(Date.now() - 86_400_000 * 2).toISOString(), resolves: [issue] },
      { ...base, resolves: [await scalar<number>(t.db, sql`SELECT min(id) FROM coordination_issues WHERE resolved_in IS NOT NULL`)] },
    ]
    for (const body of bad) {
      const r = await admin.post('/api/coordination/meetings', body)
      expect(r.status, JSON.stringify(body)).toBe(400)
    }
    // An officer logs only their own cells and stations.
    const otherCell = await scalar<number>(t.db, sql`SELECT min(id) FROM grid_cells WHERE NOT id = ANY(${`{${ownCells.join(',')}}`}::int[])`)
    expect((await officer.post('/api/coordination/meetings', { kind: 'grid_daily', heldAt: base.heldAt, gridId: otherCell, attendees: 2 })).status).toBe(403)
    expect(await counts()).toEqual(before)

    const monthly = await command.post('/api/coordination/meetings', { ...base, resolves: [issue], raised: [{ title: 'TEST-PROG 汛前排查', category: 'flood' }] })
    expect(monthly.status).toBe(201)
    const after = await counts()
    expect(after.meetings! - before.meetings!).toBe(1)
    expect(after.issues! - before.issues!).toBe(1)
    expect(after.resolved! - before.resolved!).toBe(1)
    const issues = await command.get(`/api/coordination/issues?station=${station}&status=resolved`)
    expect(issues.body.issues.find((i: { id: number }) => i.id === issue)).toMatchObject({ resolved_in: monthly.body.id })
  })

  it('migration 0017 backfills an existing database: unit disputes become reports, disputes in a room become cases', async () => {
    const expectReports = await scalar<number>(t.db, sql`SELECT count(*)::int FROM disputes WHERE source = 'household_unit'`)
    const expectCases = await scalar<number>(t.db, sql`SELECT count(*)::int FROM disputes WHERE mediation_room_id IS NOT NULL AND status <> 'reported'`)
    const expectAgreements = await scalar<number>(t.db, sql`SELECT count(*)::int FROM disputes WHERE status = 'resolved' AND mediation_room_id IS NOT NULL`)
    const restore = await keepRows(t.db, ['household_reports', 'mediation_cases', 'mediation_participants', 'coordination_meetings', 'coordination_issues'], ['household_report_code_seq'])
    const down = await new Migrator({ db: t.db, provider: migrationProvider }).migrateTo('0016-community')
    expect(down.error).toBeUndefined()
    expect(await scalar<number>(t.db, sql`SELECT sum(reports)::int FROM household_units`)).toBe(expectReports)
    const applied = (await migrateToLatest(t.db)).applied
    expect(applied[0]).toBe('0017-community-reports-mediation-meetings')
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM household_reports WHERE kind = 'dispute'`)).toBe(expectReports)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM mediation_cases`)).toBe(expectCases)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM mediation_cases WHERE outcome = 'agreement'`)).toBe(expectAgreements)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM mediation_cases WHERE closed_at IS NULL`)).toBe(
      await scalar<number>(t.db, sql`SELECT count(*)::int FROM disputes WHERE status = 'mediating' AND mediation_room_id IS NOT NULL`))
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM household_units u WHERE u.reports <> (SELECT count(*) FROM household_reports r WHERE r.household_unit_id = u.id)`)).toBe(0)
    // The seeded reports, cases and meetings back, for the files that run after this one.
    await restore()
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM household_units u WHERE u.reports <> (SELECT count(*) FROM household_reports r WHERE r.household_unit_id = u.id)`)).toBe(0)
  })
})
