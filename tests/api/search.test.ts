import { pinyin } from 'pinyin-pro'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { sha256 } from '../../server/src/auth/principal.ts'
import { createUser } from '../../server/src/auth/users.ts'
import { createLogger } from '../../server/src/logger.ts'
import { TEST_PASSWORD } from '../helpers/accounts.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const AREA_TOKEN = 'pgt_search-area-volunteer-0000000000000'

interface Result {
  kind: string
  id: number | string
  layer: string | null
  name: string
  code: string | null
  type: string | null
  context: string[]
  bbox: number[] | null
  point: [number, number] | null
}

/**
 * Issue 15, item 5: search finds places, grid codes, schools, police units, mediation rooms and
 * people, by Chinese, full pinyin and initials; people only within what the caller may see; a
 * renamed person is found by the new name at once. Expected rows come from SQL written here.
 */
describe('search', () => {
  let t: TestDb
  let server: TestServer
  let admin: ReturnType<typeof apiClient>
  let areaStation: number
  const search = async (q: string, token = 'pgt_test-admin-000000000000000000000000', extra = ''): Promise<{ status: number; results: Result[]; body: any }> => {
    const r = await fetch(`${server.url}/api/search?q=${encodeURIComponent(q)}${extra}`, { headers: { authorization: `Bearer ${token}` } })
    const body = await r.json()
    return { status: r.status, results: body.results ?? [], body }
  }
  const one = <T>(q: ReturnType<typeof sql<T>>) => q.execute(t.db).then((r) => r.rows[0]!)

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } }))
    admin = apiClient(server.url, 'admin')
    const member = await one(sql<{ id: number; unit_id: number }>`
      SELECT v.id, o.unit_id FROM volunteers v JOIN volunteer_orgs o ON o.id = v.org_id JOIN police_units u ON u.id = o.unit_id
      WHERE u.kind = 'station' ORDER BY v.id LIMIT 1`)
    areaStation = member.unit_id
    await t.db.transaction().execute(async (trx) => {
      const user = await createUser(trx, { username: 'search-area-volunteer', role: 'volunteer', password: TEST_PASSWORD }, 'test-setup')
      await sql`UPDATE users SET volunteer_id = ${member.id} WHERE id = ${user.id}`.execute(trx)
      await sql`INSERT INTO api_tokens (user_id, name, token_hash) VALUES (${user.id}, 'tests', ${sha256(AREA_TOKEN)})`.execute(trx)
    })
  })
  afterAll(async () => {
    await sql`DELETE FROM api_tokens WHERE token_hash = ${sha256(AREA_TOKEN)}`.execute(t.db)
    await sql`DELETE FROM users WHERE username = 'search-area-volunteer'`.execute(t.db)
    await server?.close()
  })

  it('finds a school, a police unit and a mediation room by Chinese name, with where they are', async () => {
    const school = await one(sql<{ id: number; name: string; community: string; station: string }>`
      SELECT s.id, s.name, v.name AS community, st.name AS station FROM schools s JOIN admin_areas v ON v.code = s.community_code JOIN police_units st ON st.id = s.station_id
      WHERE s.name = '辽源市第五中学'`)
    const r = await search('第五中学')
    expect(r.status).toBe(200)
    const hit = r.results.find((x) => x.kind === 'school')!
    expect(hit).toMatchObject({ id: school.id, layer: 'schools', name: school.name, type: 'high', context: [school.community, school.station] })
    const [lon, lat] = hit.point!
    expect(await scalar<boolean>(t.db, sql`SELECT ST_DWithin(geom, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326), 1e-9) FROM schools WHERE id = ${school.id}`)).toBe(true)

    const unit = await one(sql<{ id: number; name: string; parent: string }>`SELECT u.id, u.name, p.name AS parent FROM police_units u JOIN police_units p ON p.id = u.parent_id WHERE u.name LIKE '%向阳分局'`)
    const units = await search('向阳分局')
    expect(units.results[0]).toMatchObject({ kind: 'unit', id: unit.id, name: unit.name, type: 'branch', context: [unit.parent], layer: 'police-units' })
    const room = await one(sql<{ id: number }>`SELECT id FROM mediation_rooms WHERE name = '向阳分局矛盾纠纷调解室'`)
    expect(units.results.find((x) => x.kind === 'room')).toMatchObject({ id: room.id, layer: 'mediation-rooms' })
  })

  it('finds places and police units by full pinyin and by initials, in any case', async () => {
    const xiancheng = (await sql<{ kind: string; id: number }>`
      SELECT 'place' AS kind, id FROM admin_areas WHERE name LIKE '仙城%' UNION ALL SELECT 'unit', id FROM police_units WHERE name LIKE '%仙城分局'`.execute(t.db)).rows
    expect(xiancheng.length).toBeGreaterThan(1)
    for (const q of ['Xiancheng', 'xiancheng', 'XIANCHENG', 'xian cheng', 'xc']) {
      const r = await search(q, undefined, '&limit=50')
      expect(r.status).toBe(200)
      const got = new Set(r.results.map((x) => `${x.kind}/${x.id}`))
      for (const e of xiancheng) expect(got.has(`${e.kind}/${e.id}`), `${q} finds ${e.kind} ${e.id}`).toBe(true)
    }
    // Initials of a whole name, and pinyin across a word: 向阳分局 → xyfj, fenju.
    const unit = await scalar<number>(t.db, sql`SELECT id FROM police_units WHERE name LIKE '%向阳分局'`)
    expect((await search('xyfj')).results.map((x) => `${x.kind}/${x.id}`)).toContain(`unit/${unit}`)
    // The best match comes first: the full pinyin of a town's exact name.
    const town = await one(sql<{ id: number; name: string }>`SELECT id, name FROM admin_areas WHERE level = 'town' ORDER BY code LIMIT 1`)
    const full = pinyin(town.name, { toneType: 'none', separator: '', v: true })
    expect((await search(full)).results[0]).toMatchObject({ kind: 'place', id: town.id, name: town.name })
  })

  it('finds a grid cell by its code, with its community and station as context', async () => {
    const cell = await one(sql<{ id: number; code: string; name: string; community: string; station: string }>`
      SELECT g.id, g.code, g.name, v.name AS community, st.name AS station FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code JOIN police_units st ON st.id = g.station_id
      ORDER BY g.id DESC LIMIT 1`)
    const r = await search(cell.code)
    expect(r.results[0]).toMatchObject({ kind: 'grid', id: cell.id, code: cell.code, name: cell.name, context: [cell.community, cell.station], layer: 'grid-cells' })
    const box = r.results[0]!.bbox!
    const expected = await one(sql<{ b: number[] | string }>`SELECT json_build_array(ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)) AS b FROM grid_cells WHERE id = ${cell.id}`)
    const b = typeof expected.b === 'string' ? JSON.parse(expected.b) : expected.b
    box.forEach((v, i) => expect(v).toBeCloseTo(b[i], 9))
  })

  it('finds people by name and pinyin for police roles, and only their own area\u2019s for a volunteer', async () => {
    const person = await one(sql<{ id: number; name: string; unit: string }>`
      SELECT o.id, o.name, u.name AS unit FROM officers o JOIN police_units u ON u.id = o.unit_id
      WHERE o.name = '郭少川'`)
    const r = await search('郭少川')
    expect(r.results.find((x) => x.kind === 'person')).toMatchObject({ id: `officer:${person.id}`, layer: null, name: '郭少川', type: 'community_officer' })
    expect(r.results.find((x) => x.kind === 'person')!.context).toContain(person.unit)
    expect((await search('guoshaochuan')).results.map((x) => x.id)).toContain(`officer:${person.id}`)
    expect((await search('gsc', undefined, '&kinds=person&limit=50')).results.map((x) => x.id)).toContain(`officer:${person.id}`)
    // An officer account sees people too; the unlinked volunteer account nobody.
    expect((await search('郭少川', 'pgt_test-officer-0000000000000000000000')).results.map((x) => x.id)).toContain(`officer:${person.id}`)
    const linked = await scalar<number | null>(t.db, sql`SELECT volunteer_id FROM users WHERE username = 'test-volunteer'`)
    if (linked === null) expect((await search('郭少川', 'pgt_test-volunteer-00000000000000000000')).results.filter((x) => x.kind === 'person')).toEqual([])

    // A volunteer finds the people of their own area, never those of another.
    const inside = await one(sql<{ id: number; name: string }>`
      SELECT o.id, o.name FROM grid_cells g JOIN officers o ON o.id = g.officer_id WHERE g.station_id = ${areaStation} ORDER BY g.id LIMIT 1`)
    expect((await search(inside.name, AREA_TOKEN, '&kinds=person&limit=50')).results.map((x) => x.id)).toContain(`officer:${inside.id}`)
    const outside = await one(sql<{ id: number; name: string }>`
      SELECT o.id, o.name FROM grid_cells g JOIN officers o ON o.id = g.officer_id
      WHERE g.station_id <> ${areaStation} AND o.unit_id NOT IN (SELECT id FROM police_units WHERE id = ${areaStation} OR parent_id = ${areaStation}) ORDER BY g.id LIMIT 1`)
    const seen = (await search(outside.name, AREA_TOKEN, '&kinds=person&limit=50')).results.map((x) => x.id)
    expect(seen).not.toContain(`officer:${outside.id}`)
    // …but the places, cells and units like everyone.
    expect((await search('向阳分局', AREA_TOKEN)).results[0]!.kind).toBe('unit')
  })

  it('finds a renamed person by the new name on the next search, and not by the old one', async () => {
    const o = await one(sql<{ id: number; name: string }>`SELECT id, name FROM officers WHERE role = 'grid_worker' ORDER BY id LIMIT 1`)
    expect((await search(o.name, undefined, '&kinds=person&limit=50')).results.map((x) => x.id)).toContain(`officer:${o.id}`)
    await sql`UPDATE officers SET name = '欧阳改名' WHERE id = ${o.id}`.execute(t.db)
    try {
      const now = await search('ouyanggaiming', undefined, '&kinds=person')
      expect(now.results.map((x) => x.id)).toEqual([`officer:${o.id}`])
      expect((await search(o.name, undefined, '&kinds=person&limit=50')).results.map((x) => x.id)).not.toContain(`officer:${o.id}`)
      // A grid cell renamed by the features API is found at once too.
      const cell = await one(sql<{ id: number; version: number; name: string }>`SELECT id, version, name FROM grid_cells ORDER BY id LIMIT 1`)
      const renamed = await admin.patch(`/api/layers/grid-cells/features/${cell.id}`, { version: cell.version, properties: { name: '测试改名网格' } })
      expect(renamed.status).toBe(200)
      expect((await search(cell.name, undefined, '&kinds=grid&limit=50')).results.map((x) => x.id)).not.toContain(cell.id)
      expect((await search('csgmwg')).results.map((x) => `${x.kind}/${x.id}`)).toEqual([`grid/${cell.id}`])
      await admin.patch(`/api/layers/grid-cells/features/${cell.id}`, { version: cell.version + 1, properties: { name: cell.name } })
    } finally {
      await sql`UPDATE officers SET name = ${o.name} WHERE id = ${o.id}`.execute(t.db)
    }
  })

  it('refuses bad queries and answers nothing for an empty one', async () => {
    expect((await search('')).body.results).toEqual([])
    expect((await search('   ')).body.results).toEqual([])
    expect((await search('x'.repeat(51))).status).toBe(400)
    expect((await search('x', undefined, '&kinds=weather')).status).toBe(400)
    expect((await search('x', undefined, '&limit=0')).status).toBe(400)
    const r = await fetch(`${server.url}/api/search?q=x`)
    expect(r.status).toBe(401)
    // Matches beyond the limit are cut, best first.
    const many = await search('s', undefined, '&limit=3')
    expect(many.results).toHaveLength(3)
  })
})
