import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { sha256 } from '../../server/src/auth/principal.ts'
import { createUser } from '../../server/src/auth/users.ts'
import { createLogger } from '../../server/src/logger.ts'
import { TEST_PASSWORD } from '../helpers/accounts.ts'
import { apiClient, tableCount } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
/** A volunteer account of this file, linked to a member of a town's volunteer team. */
const AREA_TOKEN = 'pgt_people-area-volunteer-0000000000000'

/**
 * Issue 15, item 2: the people directory. Every answer is checked against SQL written here,
 * independently of the server's queries: who a cell's people are, who a volunteer's area holds,
 * and that no personal phone reaches a volunteer.
 */
describe('people directory', () => {
  let t: TestDb
  let server: TestServer
  let admin: ReturnType<typeof apiClient>
  let officer: ReturnType<typeof apiClient>
  let volunteer: ReturnType<typeof apiClient>
  /** GET as the volunteer of this file (linked to a member of a town's team). */
  const area = { get: async (path: string) => {
    const r = await fetch(server.url + path, { headers: { authorization: `Bearer ${AREA_TOKEN}` } })
    return { status: r.status, body: (await r.json()) as any }
  } }
  let areaUnit: number
  let cell: { id: number; code: string; officer_id: number; auxiliary_id: number | null; grid_worker_id: number | null; militia_org_id: number | null }

  const rows = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(t.db)).rows

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } }))
    admin = apiClient(server.url, 'admin')
    officer = apiClient(server.url, 'officer')
    volunteer = apiClient(server.url, 'volunteer')
    // A member of the volunteer team of the town of the officer's first cell (its station's team).
    const member = (await rows(sql<{ id: number; unit_id: number }>`
      SELECT v.id, o.unit_id FROM volunteers v JOIN volunteer_orgs o ON o.id = v.org_id
      WHERE o.unit_id = (SELECT station_id FROM grid_cells WHERE officer_id IS NOT NULL AND auxiliary_id IS NOT NULL AND militia_org_id IS NOT NULL ORDER BY id LIMIT 1)
      ORDER BY v.id LIMIT 1`))[0]!
    areaUnit = member.unit_id
    await t.db.transaction().execute(async (trx) => {
      const user = await createUser(trx, { username: 'people-area-volunteer', role: 'volunteer', password: TEST_PASSWORD }, 'test-setup')
      await sql`UPDATE users SET volunteer_id = ${member.id} WHERE id = ${user.id}`.execute(trx)
      await sql`INSERT INTO api_tokens (user_id, name, token_hash) VALUES (${user.id}, 'tests', ${sha256(AREA_TOKEN)})`.execute(trx)
    })
    cell = (await rows(sql<typeof cell>`
      SELECT id, code, officer_id, auxiliary_id, grid_worker_id, militia_org_id FROM grid_cells
      WHERE station_id = ${areaUnit} AND officer_id IS NOT NULL AND auxiliary_id IS NOT NULL AND grid_worker_id IS NOT NULL AND militia_org_id IS NOT NULL
      ORDER BY id LIMIT 1`))[0]!
  })
  afterAll(async () => {
    await sql`DELETE FROM api_tokens WHERE token_hash = ${sha256(AREA_TOKEN)}`.execute(t.db)
    await sql`DELETE FROM users WHERE username = 'people-area-volunteer'`.execute(t.db)
    await server?.close()
  })

  it('lists everyone to police roles, with phones, and counts as SQL does', async () => {
    const expected = await scalar<number>(t.db, sql`SELECT (SELECT count(*) FROM officers) + (SELECT count(*) FROM militia_orgs WHERE contact_name IS NOT NULL)
      + (SELECT count(DISTINCT org_id) FROM volunteers WHERE lead)`)
    for (const who of [admin, officer]) {
      const r = await who.get('/api/people?limit=5')
      expect(r.status).toBe(200)
      expect(r.body.total).toBe(Number(expected))
      expect(r.body.people).toHaveLength(5)
      // Community officers come first.
      expect(r.body.people[0].role).toBe('community_officer')
      expect(r.body.people[0]).toHaveProperty('phone')
      expect(r.body.next).toBe(5)
    }
    // Every volunteer organisation has exactly one lead.
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM volunteer_orgs o WHERE (SELECT count(*) FROM volunteers v WHERE v.org_id = o.id AND v.lead) <> 1`)).toBe(0)
  })

  it('names the people of a grid cell: its officer, auxiliary, grid worker and militia contact', async () => {
    const r = await officer.get(`/api/people?cell=${cell.id}`)
    expect(r.status).toBe(200)
    const expected = await rows(sql<{ id: string; name: string; phone: string | null }>`
      SELECT 'officer:' || o.id AS id, o.name, o.phone FROM officers o WHERE o.id IN (${cell.officer_id}, ${cell.auxiliary_id}, ${cell.grid_worker_id})
      UNION ALL SELECT 'militia:' || m.id, m.contact_name, m.contact_phone FROM militia_orgs m WHERE m.id = ${cell.militia_org_id}`)
    expect(r.body.people.map((p: any) => `${p.id}|${p.name}|${p.phone}`).sort()).toEqual(expected.map((p) => `${p.id}|${p.name}|${p.phone}`).sort())
    expect(r.body.people.map((p: any) => p.role)).toEqual(['community_officer', 'auxiliary', 'grid_worker', 'militia_contact'])
    for (const p of r.body.people) expect(p.cells.map((c: any) => c.id)).toContain(cell.id)
  })

  it('opens a person\u2019s card: unit, station and its duty phone, every cell by name with its shape', async () => {
    const r = await admin.get(`/api/people/officer:${cell.officer_id}`)
    expect(r.status).toBe(200)
    const o = (await rows(sql<{ name: string; phone: string; badge: string; unit: string; station: string; station_phone: string }>`
      SELECT o.name, o.phone, o.badge, u.name AS unit, st.name AS station, st.phone AS station_phone
      FROM officers o JOIN police_units u ON u.id = o.unit_id JOIN police_units st ON st.id = CASE WHEN u.kind = 'office' THEN u.parent_id ELSE u.id END
      WHERE o.id = ${cell.officer_id}`))[0]!
    expect(r.body).toMatchObject({ id: `officer:${cell.officer_id}`, kind: 'officer', name: o.name, role: 'community_officer', phone: o.phone, badge: o.badge })
    expect(r.body.unit.name).toBe(o.unit)
    expect(r.body.station).toMatchObject({ name: o.station, phone: o.station_phone })
    const cells = await rows(sql<{ id: number; name: string }>`SELECT id, name FROM grid_cells WHERE officer_id = ${cell.officer_id} ORDER BY code`)
    expect(r.body.cells.map((c: any) => c.name)).toEqual(cells.map((c) => c.name))
    expect(r.body.cells_geojson.features.map((f: any) => f.id)).toEqual(cells.map((c) => c.id))
    expect(r.body.cells_geojson.features[0].geometry.type).toBe('MultiPolygon')
    const ext = (await rows(sql<{ b: number[] }>`SELECT json_build_array(ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)) AS b FROM (SELECT ST_Extent(geom)::geometry AS e FROM grid_cells WHERE officer_id = ${cell.officer_id}) x`))[0]!.b
    const b = typeof ext === 'string' ? JSON.parse(ext) : ext
    r.body.bbox.forEach((v: number, i: number) => expect(v).toBeCloseTo(b[i], 6))

    const militia = await admin.get(`/api/people/militia:${cell.militia_org_id}`)
    expect(militia.status).toBe(200)
    expect(militia.body.org).toBe(await scalar<string>(t.db, sql`SELECT name FROM militia_orgs WHERE id = ${cell.militia_org_id}`))
    expect(militia.body.cells.map((c: any) => c.duty)).toEqual(expect.arrayContaining(['militia']))

    const lead = await scalar<number>(t.db, sql`SELECT min(id) FROM volunteers WHERE lead`)
    const leadCard = await admin.get(`/api/people/volunteer:${lead}`)
    expect(leadCard.body).toMatchObject({ role: 'volunteer_lead', org: await scalar<string>(t.db, sql`SELECT o.name FROM volunteers v JOIN volunteer_orgs o ON o.id = v.org_id WHERE v.id = ${lead}`) })
    // A volunteer who leads nothing is not in the directory.
    const member = await scalar<number>(t.db, sql`SELECT min(id) FROM volunteers WHERE NOT lead`)
    expect((await admin.get(`/api/people/volunteer:${member}`)).status).toBe(404)
    for (const bad of ['125', 'officer:0', 'officer:x', 'officer:99999999999', 'someone:1', 'officer:2147483647']) expect((await admin.get(`/api/people/${bad}`)).status).toBe(404)
  })

  it('shows a volunteer the people of their own area, by name, with the station\u2019s duty phone and never a personal phone', async () => {
    const expected = await rows(sql<{ id: string }>`
      WITH RECURSIVE a(id) AS (SELECT ${areaUnit}::int UNION SELECT c.id FROM police_units c JOIN a ON c.parent_id = a.id)
      SELECT 'officer:' || o.id AS id FROM officers o
      WHERE o.unit_id IN (SELECT id FROM a) OR EXISTS (SELECT 1 FROM grid_cells g WHERE g.station_id IN (SELECT id FROM a) AND o.id IN (g.officer_id, g.auxiliary_id, g.grid_worker_id))
      UNION SELECT 'militia:' || m.id FROM militia_orgs m
      WHERE m.contact_name IS NOT NULL AND (m.liaison_unit_id IN (SELECT id FROM a) OR EXISTS (SELECT 1 FROM grid_cells g WHERE g.station_id IN (SELECT id FROM a) AND g.militia_org_id = m.id))
      UNION SELECT 'volunteer:' || v.id FROM volunteers v JOIN volunteer_orgs o ON o.id = v.org_id WHERE v.lead AND o.unit_id IN (SELECT id FROM a)`)
    expect(expected.length).toBeGreaterThan(5)
    const r = await area.get('/api/people?limit=500')
    expect(r.status).toBe(200)
    expect(r.body.people.map((p: any) => p.id).sort()).toEqual(expected.map((e) => e.id).sort())
    const phones = new Set((await rows(sql<{ phone: string }>`SELECT phone FROM officers WHERE phone IS NOT NULL UNION SELECT contact_phone FROM militia_orgs WHERE contact_phone IS NOT NULL
      UNION SELECT phone FROM volunteers WHERE lead AND phone IS NOT NULL`)).map((p) => p.phone))
    const text = JSON.stringify(r.body)
    for (const p of r.body.people) {
      expect(p).not.toHaveProperty('phone')
      expect(p).not.toHaveProperty('badge')
      expect(p.station.phone).toMatch(/^0437-/)
    }
    for (const phone of phones) expect(text.includes(phone)).toBe(false)

    const card = await area.get(`/api/people/officer:${cell.officer_id}`)
    expect(card.status).toBe(200)
    expect(card.body.name).toBe(await scalar<string>(t.db, sql`SELECT name FROM officers WHERE id = ${cell.officer_id}`))
    expect(card.body).not.toHaveProperty('phone')
    expect(JSON.stringify(card.body)).not.toContain(await scalar<string>(t.db, sql`SELECT phone FROM officers WHERE id = ${cell.officer_id}`))
    // Someone of another area does not exist for this volunteer.
    const outside = await scalar<number>(t.db, sql`SELECT min(officer_id) FROM grid_cells WHERE station_id <> ${areaUnit} AND station_id NOT IN (SELECT id FROM police_units WHERE parent_id = ${areaUnit})`)
    expect((await area.get(`/api/people/officer:${outside}`)).status).toBe(404)
    // Asked for by key (a popup naming several), the outsider is left out, the others answered.
    const both = await area.get(`/api/people?ids=officer:${outside},officer:${cell.officer_id}`)
    expect(both.body.people.map((p: any) => p.id)).toEqual([`officer:${cell.officer_id}`])
    const police = await admin.get(`/api/people?ids=officer:${outside},militia:${cell.militia_org_id}`)
    expect(police.body.people.map((p: any) => p.id).sort()).toEqual([`militia:${cell.militia_org_id}`, `officer:${outside}`])
    expect((await admin.get('/api/people?ids=officer:1,nobody:2')).status).toBe(400)
    expect((await area.get(`/api/people?cell=${await scalar<number>(t.db, sql`SELECT min(id) FROM grid_cells WHERE officer_id = ${outside}`)}`)).body.people).toEqual([])
  })

  it('shows a volunteer account linked to no volunteer nobody', async () => {
    const linked = await scalar<number | null>(t.db, sql`SELECT volunteer_id FROM users WHERE username = 'test-volunteer'`)
    const r = await volunteer.get('/api/people')
    expect(r.status).toBe(200)
    if (linked === null) {
      expect(r.body).toMatchObject({ total: 0, people: [] })
      expect((await volunteer.get(`/api/people/officer:${cell.officer_id}`)).status).toBe(404)
    }
    for (const p of r.body.people) expect(p).not.toHaveProperty('phone')
  })

  it('filters by role, unit (and the units under it), name and pinyin', async () => {
    const r = await admin.get(`/api/people?role=grid_worker&unit=${areaUnit}&limit=500`)
    const expected = await scalar<number>(t.db, sql`
      WITH RECURSIVE a(id) AS (SELECT ${areaUnit}::int UNION SELECT c.id FROM police_units c JOIN a ON c.parent_id = a.id)
      SELECT count(*)::int FROM officers WHERE role = 'grid_worker' AND unit_id IN (SELECT id FROM a)`)
    expect(r.body.total).toBe(expected)
    expect(r.body.people.every((p: any) => p.role === 'grid_worker')).toBe(true)
    const name = await scalar<string>(t.db, sql`SELECT name FROM officers WHERE id = ${cell.officer_id}`)
    const byName = await admin.get(`/api/people?q=${encodeURIComponent(name)}`)
    expect(byName.body.people.map((p: any) => p.id)).toContain(`officer:${cell.officer_id}`)
    expect(byName.body.people.every((p: any) => p.name.includes(name))).toBe(true)
    const { pinyin } = await import('pinyin-pro')
    const full = pinyin(name, { toneType: 'none', separator: '', surname: 'head', v: true })
    const initials = pinyin(name, { pattern: 'first', toneType: 'none', separator: '', surname: 'head' })
    for (const q of [full, full.toUpperCase(), initials]) {
      const p = await admin.get(`/api/people?q=${encodeURIComponent(q)}&limit=500`)
      expect(p.status).toBe(200)
      expect(p.body.people.map((x: any) => x.id)).toContain(`officer:${cell.officer_id}`)
    }
    expect((await admin.get('/api/people?unit=99999999')).status).toBe(404)
    expect((await admin.get('/api/people?cell=99999999')).status).toBe(404)
    expect((await admin.get('/api/people?role=chief')).status).toBe(400)
  })

  it('gives the responsible-unit answer and "my grid" names with keys that open the cards', async () => {
    const [lon, lat] = JSON.parse(await scalar<string>(t.db, sql`SELECT json_build_array(ST_X(p), ST_Y(p))::text FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid_cells WHERE id = ${cell.id}) x`))
    const r = await officer.get(`/api/analysis/responsible?lon=${lon}&lat=${lat}`)
    expect(r.status).toBe(200)
    expect(r.body.grid.id).toBe(cell.id)
    for (const who of ['officer', 'auxiliary', 'grid_worker', 'militia'] as const) {
      const card = await officer.get(`/api/people/${r.body[who].person}`)
      expect(card.status).toBe(200)
      expect(card.body.name).toBe(who === 'militia' ? r.body.militia.contact : r.body[who].name)
    }
    const grid = await officer.get('/api/officer/my-grid')
    expect(grid.status).toBe(200)
    const expected = await rows(sql<{ id: string }>`
      SELECT DISTINCT x.id FROM user_grid_cells u JOIN users a ON a.id = u.user_id JOIN grid_cells g ON g.id = u.grid_id
      CROSS JOIN LATERAL (VALUES ('officer:' || g.officer_id), ('officer:' || g.auxiliary_id), ('officer:' || g.grid_worker_id),
        (CASE WHEN (SELECT contact_name FROM militia_orgs WHERE id = g.militia_org_id) IS NOT NULL THEN 'militia:' || g.militia_org_id END)) x(id)
      WHERE a.username = 'test-officer' AND x.id IS NOT NULL`)
    expect(grid.body.people.map((p: any) => p.id).sort()).toEqual(expected.map((e) => e.id).sort())
    expect(grid.body.people[0].role).toBe('community_officer')
  })

  it('shows an account\u2019s cells by name on the administration screen and takes them by code', async () => {
    const users = await admin.get('/api/admin/users')
    const testOfficer = users.body.users.find((u: any) => u.username === 'test-officer')
    const cells = await rows(sql<{ id: number; code: string; name: string }>`
      SELECT g.id, g.code, g.name FROM user_grid_cells u JOIN users a ON a.id = u.user_id JOIN grid_cells g ON g.id = u.grid_id WHERE a.username = 'test-officer' ORDER BY g.code`)
    expect(testOfficer.grids).toEqual(cells)
    const u = await admin.post('/api/admin/users', { username: 'people-cells-by-code', role: 'officer', password: TEST_PASSWORD, gridCodes: [cell.code] })
    expect(u.status).toBe(201)
    expect(u.body.grid_ids).toEqual([cell.id])
    const bad = await admin.patch(`/api/admin/users/${u.body.id}`, { gridCodes: ['NO-SUCH-CELL'] })
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toContain('NO-SUCH-CELL')
    await sql`DELETE FROM users WHERE username = 'people-cells-by-code'`.execute(t.db)
  })

  describe('rosters', () => {
    // What the imports below change, put back afterwards: the files after this one expect the seeded city.
    let restore: () => Promise<void>
    beforeAll(async () => {
      const before = (await rows(sql<{ id: number; officer_id: number; auxiliary_id: number; grid_worker_id: number; militia_org_id: number }>`
        SELECT id, officer_id, auxiliary_id, grid_worker_id, militia_org_id FROM grid_cells WHERE station_id = ${areaUnit}`))
      const aux = (await rows(sql<{ id: number; name: string; phone: string | null }>`SELECT id, name, phone FROM officers WHERE id = ${cell.auxiliary_id}`))[0]!
      const militia = (await rows(sql<{ contact_name: string; contact_phone: string }>`SELECT contact_name, contact_phone FROM militia_orgs WHERE id = ${cell.militia_org_id}`))[0]!
      const leads = (await rows(sql<{ id: number }>`SELECT id FROM volunteers WHERE lead`)).map((r) => r.id)
      const lastVolunteer = await scalar<number>(t.db, sql`SELECT max(id) FROM volunteers`)
      restore = async () => {
        await sql`UPDATE grid_cells g SET officer_id = b.officer_id, auxiliary_id = b.auxiliary_id, grid_worker_id = b.grid_worker_id, militia_org_id = b.militia_org_id
          FROM jsonb_to_recordset(${JSON.stringify(before)}::jsonb) AS b(id int, officer_id int, auxiliary_id int, grid_worker_id int, militia_org_id int) WHERE g.id = b.id`.execute(t.db)
        await sql`DELETE FROM officers WHERE badge LIKE 'T-%'`.execute(t.db)
        await sql`UPDATE officers SET name = ${aux.name}, phone = ${aux.phone} WHERE id = ${aux.id}`.execute(t.db)
        await sql`UPDATE militia_orgs SET contact_name = ${militia.contact_name}, contact_phone = ${militia.contact_phone} WHERE id = ${cell.militia_org_id}`.execute(t.db)
        await sql`UPDATE volunteers SET lead = false WHERE lead`.execute(t.db)
        await sql`UPDATE volunteers SET lead = true WHERE id = ANY(${`{${leads.join(',')}}`}::int[])`.execute(t.db)
        await sql`DELETE FROM volunteers WHERE id > ${lastVolunteer}`.execute(t.db)
      }
    })
    afterAll(async () => {
      await restore?.()
      cell.grid_worker_id = await scalar<number>(t.db, sql`SELECT grid_worker_id FROM grid_cells WHERE id = ${cell.id}`)
    })

    const stationCode = async () => scalar<string>(t.db, sql`SELECT code FROM police_units WHERE id = ${areaUnit}`)
    const counts = async () => JSON.stringify(await Promise.all(['officers', 'militia_orgs', 'volunteers', 'audit_log'].map((x) => tableCount(t.db, x))))
      + (await scalar<string>(t.db, sql`SELECT md5(string_agg(concat_ws(',', id, officer_id, auxiliary_id, grid_worker_id, militia_org_id), ';' ORDER BY id)) FROM grid_cells`))

    it('is refused to everyone but administrators', async () => {
      for (const who of [officer, volunteer, apiClient(server.url, 'planner'), apiClient(server.url, 'command')]) {
        expect((await who.post('/api/people/import', 'role,name\nleader,x', 'text/csv')).status).toBe(403)
      }
    })

    it('rejects a roster with any bad row, listing every one with its reasons, and writes nothing', async () => {
      const before = await counts()
      const csv = [
        'role,name,badge,unit,phone,cells',
        `网格员,王测试,T-GW-1,${await stationCode()},13900000001,${cell.code}`,
        'grid_worker,李测试,T-GW-2,NO-SUCH-UNIT,,NO-SUCH-CELL',
        'chief,赵测试,T-X,,,',
        `grid_worker,孙测试,T-GW-1,${await stationCode()},,${cell.code}`,
        `auxiliary,周测试,T-AUX,${await stationCode()},,${cell.code}`,
        `leader,吴测试,T-L,${await stationCode()},not-a-phone,${cell.code}`,
      ].join('\n')
      const r = await admin.post('/api/people/import', csv, 'text/csv')
      expect(r.status).toBe(422)
      expect(r.body.error.code).toBe('import_rejected')
      const byRow = new Map<number, string>(r.body.error.details.rejected.map((x: any) => [x.row, x.reason]))
      expect([...byRow.keys()]).toEqual([3, 4, 5, 7])
      expect(byRow.get(3)).toMatch(/NO-SUCH-UNIT/)
      expect(byRow.get(3)).toMatch(/NO-SUCH-CELL/)
      expect(byRow.get(4)).toMatch(/role "chief"/)
      // The same badge twice, and one cell given to two grid workers: both reasons on the row.
      expect(byRow.get(5)).toMatch(/badge T-GW-1 is also on row 2/)
      expect(byRow.get(5)).toMatch(new RegExp(`grid cell ${cell.code} as grid_worker is also on row 2`))
      expect(byRow.get(7)).toMatch(/answers for no grid cell/)
      expect(byRow.get(7)).toMatch(/phone "not-a-phone"/)
      expect(r.body.error.message).toBe('4 of 6 rows rejected; nothing was imported')
      expect(await counts()).toBe(before)
    })

    it('imports a CSV roster: new people with their cells, updates by badge, militia contacts and volunteer leads', async () => {
      const oldWorker = cell.grid_worker_id!
      const badge = await scalar<string>(t.db, sql`SELECT badge FROM officers WHERE id = ${cell.auxiliary_id}`)
      const militia = await scalar<string>(t.db, sql`SELECT name FROM militia_orgs WHERE id = ${cell.militia_org_id}`)
      const org = await rows(sql<{ id: number; name: string }>`SELECT id, name FROM volunteer_orgs WHERE unit_id = ${areaUnit} ORDER BY id LIMIT 1`)
      const unitName = (await scalar<string>(t.db, sql`SELECT name FROM police_units WHERE id = ${areaUnit}`)).replace('辽源市公安局', '')
      const csv = '\ufeff姓名,角色,警号,单位,电话,网格,组织\n'
        + `钱新来,网格员,T-NEW-GW,${unitName},13900000002,${cell.code},\n`
        + `改名辅警,辅警,${badge},${await stationCode()},,,\n`
        + `民兵新联络,民兵,,,13900000003,${cell.code},${militia}\n`
        + `志愿新队长,志愿队负责人,,,13900000004,,${org[0]!.name}\n`
      const r = await admin.post('/api/people/import', csv, 'text/csv')
      expect(r.status).toBe(201)
      expect(r.body).toMatchObject({ imported: 4, created: 2, updated: 2 })
      const gw = (await rows(sql<{ id: number; name: string; role: string; phone: string; unit_id: number }>`SELECT id, name, role, phone, unit_id FROM officers WHERE badge = 'T-NEW-GW'`))[0]!
      expect(gw).toMatchObject({ name: '钱新来', role: 'grid_worker', phone: '13900000002', unit_id: areaUnit })
      expect(await scalar<number>(t.db, sql`SELECT grid_worker_id FROM grid_cells WHERE id = ${cell.id}`)).toBe(gw.id)
      expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM grid_cells WHERE grid_worker_id = ${oldWorker}`)).toBe(0)
      // The auxiliary renamed, phone kept (an empty cell changes nothing), cells kept.
      expect((await rows(sql<{ name: string; phone: string | null }>`SELECT name, phone FROM officers WHERE badge = ${badge}`))[0]).toMatchObject({ name: '改名辅警' })
      expect(await scalar<string>(t.db, sql`SELECT phone FROM officers WHERE badge = ${badge}`)).not.toBeNull()
      expect(await scalar<number>(t.db, sql`SELECT auxiliary_id FROM grid_cells WHERE id = ${cell.id}`)).toBe(cell.auxiliary_id)
      expect((await rows(sql<{ contact_name: string; contact_phone: string }>`SELECT contact_name, contact_phone FROM militia_orgs WHERE id = ${cell.militia_org_id}`))[0]).toEqual({ contact_name: '民兵新联络', contact_phone: '13900000003' })
      const lead = (await rows(sql<{ id: number; org_id: number }>`SELECT id, org_id FROM volunteers WHERE lead AND org_id = ${org[0]!.id}`))
      expect(lead).toHaveLength(1)
      expect(await scalar<string>(t.db, sql`SELECT name FROM volunteers WHERE id = ${lead[0]!.id}`)).toBe('志愿新队长')
      expect(r.body.people).toEqual([`officer:${gw.id}`, `officer:${cell.auxiliary_id}`, `militia:${cell.militia_org_id}`, `volunteer:${lead[0]!.id}`])
      expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM audit_log WHERE layer = 'people' AND action = 'import' AND feature_id = ${`officer:${gw.id}`} AND actor = 'test-admin'`)).toBe(1)
      // The cell's people now say so.
      const people = await officer.get(`/api/people?cell=${cell.id}`)
      expect(people.body.people.map((p: any) => p.name)).toEqual(expect.arrayContaining(['钱新来', '改名辅警', '民兵新联络']))
      cell.grid_worker_id = gw.id
    })

    it('imports an XLSX roster and JSON rows the same way', async () => {
      const wb = new ExcelJS.Workbook()
      const sheet = wb.addWorksheet('花名册')
      sheet.addRow(['姓名', '角色', '警号', '单位', '电话', '网格'])
      sheet.addRow(['表格民警', '社区民警', 'T-XLSX-1', await stationCode(), 13900000005, ''])
      sheet.addRow([])
      sheet.addRow(['表格网格员', 'grid_worker', 'T-XLSX-2', await stationCode(), '', cell.code])
      const bytes = Buffer.from(await wb.xlsx.writeBuffer())
      const r = await fetch(`${server.url}/api/people/import`, { method: 'POST', headers: { authorization: 'Bearer pgt_test-admin-000000000000000000000000', 'content-type': XLSX }, body: bytes })
      const body = await r.json()
      expect(r.status).toBe(201)
      expect(body).toMatchObject({ imported: 2, created: 2 })
      expect(await scalar<string>(t.db, sql`SELECT phone FROM officers WHERE badge = 'T-XLSX-1'`)).toBe('13900000005')
      expect(await scalar<number>(t.db, sql`SELECT grid_worker_id FROM grid_cells WHERE id = ${cell.id}`)).toBe(await scalar<number>(t.db, sql`SELECT id FROM officers WHERE badge = 'T-XLSX-2'`))

      // A bad XLSX row is reported with the row number the spreadsheet shows (the empty row 3 counts).
      const wb2 = new ExcelJS.Workbook()
      const s2 = wb2.addWorksheet('x')
      s2.addRow(['name', 'role', 'badge', 'unit'])
      s2.addRow(['甲', 'leader', 'T-XLSX-3', await stationCode()])
      s2.addRow([])
      s2.addRow(['乙', 'leader', 'T-XLSX-4', 'NOWHERE'])
      const r2 = await fetch(`${server.url}/api/people/import`, { method: 'POST', headers: { authorization: 'Bearer pgt_test-admin-000000000000000000000000', 'content-type': XLSX }, body: Buffer.from(await wb2.xlsx.writeBuffer()) })
      expect(r2.status).toBe(422)
      const reason = 'no police unit has the code or name "NOWHERE"'
      expect((await r2.json()).error.details.rejected).toEqual([{ row: 4, reason, problems: [{ code: 'unit_unknown', params: { value: 'NOWHERE' }, message: reason }] }])
      expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM officers WHERE badge = 'T-XLSX-3'`)).toBe(0)

      const bad = await fetch(`${server.url}/api/people/import`, { method: 'POST', headers: { authorization: 'Bearer pgt_test-admin-000000000000000000000000', 'content-type': XLSX }, body: Buffer.from('not a workbook') })
      expect(bad.status).toBe(400)

      const json = await admin.post('/api/people/import', { rows: [{ name: '脚本民警', role: 'patrol_officer', badge: 'T-JSON-1', unit: await stationCode(), phone: '13900000006' }] })
      expect(json.status).toBe(201)
      expect(await scalar<string>(t.db, sql`SELECT role FROM officers WHERE badge = 'T-JSON-1'`)).toBe('patrol_officer')
      expect((await admin.post('/api/people/import', { rows: [{ name: 'x', role: 'leader', colour: 'red' }] })).body.error.details.rejected[0].reason).toMatch(/unknown column "colour"/)
      expect((await admin.post('/api/people/import', 'name,colour\nx,red', 'text/csv')).status).toBe(400)
    })
  })
})
