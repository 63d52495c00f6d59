import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

interface Station {
  id: number
  name: string
  kind: string
  parent_id: number | null
  parent_name: string | null
  district_code: string | null
  cells: number
  zones: number
  lon: number
  lat: number
  bbox: [number, number, number, number] | null
}

/** 北寿街道 in the city centre (issue 15: the planner opened 白泉派出所 there). */
const BEISHOU: [number, number] = [125.145, 42.9]

/**
 * Issue 15 item 1: a station is every police unit that owns grid cells or patrol zones (the
 * counties' 派出所 and the city districts' 实战化分局), one server-side definition behind every
 * list (`GET /api/stations`), the dashboard's station figure and filter, the meetings' station
 * check and the coverage table's names. Every expectation is SQL written here.
 */
describe('stations: the police units that own cells or zones', () => {
  let t: TestDb
  let server: TestServer
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
  })
  afterAll(() => server.close())

  const owners = async () =>
    (await sql<{ id: number; name: string; kind: string; cells: number; zones: number }>`
      SELECT p.id, p.name, p.kind,
             (SELECT count(*)::int FROM grid_cells g WHERE g.station_id = p.id) AS cells,
             (SELECT count(*)::int FROM patrol_zones z WHERE z.station_id = p.id) AS zones
      FROM police_units p WHERE p.id IN (SELECT station_id FROM grid_cells UNION SELECT station_id FROM patrol_zones) ORDER BY p.id`.execute(t.db)).rows

  it('lists every unit that owns grid cells or patrol zones, branches included, by name, with what it owns', async () => {
    const r = await apiClient(server.url, 'planner').get<{ stations: Station[] }>('/api/stations')
    expect(r.status).toBe(200)
    const expected = await owners()
    expect([...r.body.stations].sort((a, b) => a.id - b.id).map((s) => ({ id: s.id, name: s.name, kind: s.kind, cells: s.cells, zones: s.zones }))).toEqual(expected)
    // The demo city: the counties' 27 派出所 and the city districts' 8 实战化分局, as the dashboard counts them.
    expect(expected.filter((s) => s.kind === 'branch')).toHaveLength(8)
    expect(expected.filter((s) => s.kind === 'station')).toHaveLength(27)
    const dashboard = await apiClient(server.url, 'command').get<{ totals: { stations: number; branches: number } }>('/api/community/dashboard')
    expect(dashboard.body.totals.stations + dashboard.body.totals.branches).toBe(expected.length)
    // Grouped under their superior unit (the city bureau's branches first), each with its extent.
    const parents = r.body.stations.map((s) => s.parent_id ?? 0)
    expect(parents).toEqual([...parents].sort((a, b) => a - b))
    for (const s of r.body.stations) {
      expect(s.parent_name, s.name).toBe(await scalar<string>(t.db, sql`SELECT par.name FROM police_units p JOIN police_units par ON par.id = p.parent_id WHERE p.id = ${s.id}`))
      const box = await sql<{ x0: number; y0: number; x1: number; y1: number }>`
        SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1
        FROM (SELECT ST_Extent(geom) AS e FROM (SELECT geom FROM grid_cells WHERE station_id = ${s.id} UNION ALL SELECT geom FROM patrol_zones WHERE station_id = ${s.id}) g) x`.execute(t.db)
      const b = box.rows[0]!
      expect(s.bbox!.map((v) => Number(v.toFixed(6)))).toEqual([b.x0, b.y0, b.x1, b.y1].map((v) => Number(v.toFixed(6))))
    }
  })

  it('answers the unit owning a point (北寿街道: a 分局), and outside every cell the nearest cell\'s owner', async () => {
    const api = apiClient(server.url, 'planner')
    const owner = await scalar<number>(t.db, sql`SELECT station_id FROM grid_cells WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint(${BEISHOU[0]}, ${BEISHOU[1]}), 4326)) ORDER BY id LIMIT 1`)
    expect(await scalar<string>(t.db, sql`SELECT kind FROM police_units WHERE id = ${owner}`)).toBe('branch')
    const at = await api.get<{ stations: Station[] }>(`/api/stations?at=${BEISHOU.join(',')}`)
    expect(at.status).toBe(200)
    expect(at.body.stations.map((s) => s.id)).toEqual([owner])
    // Far west of the city: the owner of the cell nearest to it.
    const far: [number, number] = [124.0, 42.9]
    const nearest = await scalar<number>(t.db, sql`SELECT station_id FROM grid_cells ORDER BY ST_Distance(geom, ST_SetSRID(ST_MakePoint(${far[0]}, ${far[1]}), 4326)), id LIMIT 1`)
    expect((await api.get<{ stations: Station[] }>(`/api/stations?at=${far.join(',')}`)).body.stations.map((s) => s.id)).toEqual([nearest])
    for (const bad of ['125.1', '125.1,north', '200,42', '125,42,1', ',']) {
      const r = await api.get(`/api/stations?at=${encodeURIComponent(bad)}`)
      expect(r.status, bad).toBe(400)
      expect(r.body.error.code).toBe('invalid_query')
    }
    expect((await api.get('/api/stations?kind=station')).status).toBe(400)
  })

  it('is for police staff: officers read it, a volunteer is refused, anonymous is 401', async () => {
    expect((await apiClient(server.url, 'officer').get('/api/stations')).status).toBe(200)
    expect((await apiClient(server.url, 'volunteer').get('/api/stations')).status).toBe(403)
    expect((await apiClient(server.url, null).get('/api/stations')).status).toBe(401)
  })

  it('filters the dashboard by a branch as by a station; a unit that owns nothing is no station', async () => {
    const api = apiClient(server.url, 'command')
    const branch = await scalar<number>(t.db, sql`SELECT min(id) FROM police_units WHERE kind = 'branch' AND id IN (SELECT station_id FROM grid_cells)`)
    const r = await api.get<{ totals: { stations: number; branches: number; community_officers: number } }>(`/api/community/dashboard?station=${branch}`)
    expect(r.status).toBe(200)
    expect([r.body.totals.branches, r.body.totals.stations]).toEqual([1, 0])
    const bureau = await scalar<number>(t.db, sql`SELECT min(id) FROM police_units WHERE kind = 'bureau'`)
    const refused = await api.get(`/api/community/dashboard?station=${bureau}`)
    expect(refused.status).toBe(404)
    expect(refused.body.error.code).toBe('unknown_station')
  })

  it('names every station of the coverage totals, branches included (no "单位 #2")', async () => {
    const r = await apiClient(server.url, 'planner').get<{ totals: { stations: Array<{ station_id: number; station_name: string | null; cells: number }> } }>('/api/analysis/coverage?buffer=100')
    expect(r.status).toBe(200)
    const names = new Map((await owners()).map((s) => [s.id, s.name]))
    const cellsOf = new Map((await sql<{ station_id: number; n: number }>`SELECT station_id, count(*)::int AS n FROM grid_cells GROUP BY station_id`.execute(t.db)).rows.map((x) => [x.station_id, x.n]))
    expect(r.body.totals.stations.length).toBe(cellsOf.size)
    for (const s of r.body.totals.stations) {
      expect(s.station_name, `station ${s.station_id}`).toBe(names.get(s.station_id))
      expect(s.cells).toBe(cellsOf.get(s.station_id))
    }
    expect(r.body.totals.stations.filter((s) => s.station_name?.endsWith('分局'))).toHaveLength(8)
  })
})
