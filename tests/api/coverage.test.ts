import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

/** A point `dx, dy` metres from the test cell's south-west corner (EPSG:32651), as 4326. */
const ORIGIN = { x: 300000, y: 4710000 } // ≈ 123.5°E 42.5°N: inside UTM 51N, west of Liaoyuan
const at = (dx: number, dy: number) => sql`ST_Transform(ST_SetSRID(ST_MakePoint(${ORIGIN.x + dx}, ${ORIGIN.y + dy}), 32651), 4326)`

describe('analysis: coverage, responsibility, workload', () => {
  let t: TestDb
  let server: TestServer
  let api: ReturnType<typeof apiClient>
  let cellId: number
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
    api = apiClient(server.url)
    // Hand-built case: a 1 km square cell; a route along its west edge, 2 km past both ends.
    const cell = await sql<{ id: number }>`
      INSERT INTO grid_cells (code, name, community_code, station_id, households, geom)
      SELECT 'TEST-COVER', '覆盖测试网格', (SELECT code FROM admin_areas WHERE level = 'village' ORDER BY code LIMIT 1), (SELECT min(id) FROM police_units WHERE kind = 'station'), 100,
             ST_Multi(ST_Transform(ST_MakeEnvelope(${ORIGIN.x}, ${ORIGIN.y}, ${ORIGIN.x + 1000}, ${ORIGIN.y + 1000}, 32651), 4326))
      RETURNING id`.execute(t.db)
    cellId = cell.rows[0]!.id
    await sql`INSERT INTO patrol_routes (name, team, kind, geom) VALUES ('TEST-COVER 西边线', 'TEST-COVER', 'foot', ST_MakeLine(${at(0, -2000)}, ${at(0, 3000)}))`.execute(t.db)
    await sql`INSERT INTO household_units (code, name, lead_name, households, geom) VALUES
      ('TEST-COVER-H1', '测试组1', '甲', 10, ${at(250, 500)}), ('TEST-COVER-H2', '测试组2', '乙', 12, ${at(750, 500)})`.execute(t.db)
    await sql`INSERT INTO hazards (category, source, status, eliminated_at, description, geom) VALUES
      ('fire', 'offline', 'reported', NULL, 'TEST-COVER', ${at(400, 100)}),
      ('fire', 'offline', 'verified', NULL, 'TEST-COVER', ${at(900, 100)}),
      ('fire', 'offline', 'eliminated', now(), 'TEST-COVER', ${at(100, 100)})`.execute(t.db)
    await sql`INSERT INTO schools (name, kind, geom) VALUES ('TEST-COVER 小学甲', 'primary', ${at(499, 800)}), ('TEST-COVER 小学乙', 'primary', ${at(501, 800)})`.execute(t.db)
    await sql`INSERT INTO patrols (kind, started_at, ended_at, notes, geom) VALUES
      ('foot', '2026-10-01T08:00:00Z', '2026-10-01T09:00:00Z', 'TEST-COVER', ST_MakeLine(${at(-100, 500)}, ${at(1100, 500)})),
      ('foot', '2026-10-05T08:00:00Z', '2026-10-05T09:00:00Z', 'TEST-COVER', ST_MakeLine(${at(-100, 1500)}, ${at(1100, 1500)}))`.execute(t.db)
  })
  afterAll(async () => {
    await sql`DELETE FROM patrols WHERE notes = 'TEST-COVER'`.execute(t.db)
    await sql`DELETE FROM schools WHERE name LIKE 'TEST-COVER%'`.execute(t.db)
    await sql`DELETE FROM hazards WHERE description = 'TEST-COVER'`.execute(t.db)
    await sql`DELETE FROM household_units WHERE code LIKE 'TEST-COVER%'`.execute(t.db)
    await sql`DELETE FROM patrol_routes WHERE team = 'TEST-COVER'`.execute(t.db)
    await sql`DELETE FROM grid_cells WHERE code = 'TEST-COVER'`.execute(t.db)
    await server.close()
  })

  it('covers exactly the west half of a square cell with a 500 m buffer on its west edge', async () => {
    const r = await api.get(`/api/analysis/coverage?grid=${cellId}&buffer=500&kinds=foot`)
    expect(r.status).toBe(200)
    const p = r.body.features[0].properties
    expect(p.area_m2).toBeCloseTo(1e6, -1)
    expect(Math.abs(p.covered_share - 0.5)).toBeLessThan(0.001)
    expect({ units: [p.household_units_covered, p.household_units_total], households: [p.households_in_units_covered, p.households_in_units_total] }).toEqual({ units: [1, 2], households: [10, 22] })
    expect([p.hazards_open_covered, p.hazards_open_total]).toEqual([1, 2])
    expect([p.schools_covered, p.schools_total]).toEqual([1, 2])
    expect(new Date(p.last_patrol_at).toISOString()).toBe('2026-10-01T09:00:00.000Z')
    // The uncovered part is the east half: 500 m × 1000 m.
    const east = await scalar<number>(t.db, sql`SELECT ST_Area(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(p.uncovered)}), 4326), 32651))`)
    expect(east).toBeCloseTo(5e5, -2)
    expect(r.body.parameters).toMatchObject({ buffer: 500, kinds: ['foot'], grid: [cellId] })
  })

  it('ignores patrols before `since` and route kinds not asked for', async () => {
    const later = await api.get(`/api/analysis/coverage?grid=${cellId}&buffer=500&kinds=foot&since=2026-10-02T00:00:00Z`)
    expect(later.body.features[0].properties.last_patrol_at).toBeNull()
    const cars = await api.get(`/api/analysis/coverage?grid=${cellId}&buffer=500&kinds=car`)
    expect(cars.body.features[0].properties).toMatchObject({ covered_share: 0, household_units_covered: 0 })
  })

  it('counts city-wide covered ten-household units like an independent query, with every cell present', async () => {
    const r = await api.get('/api/analysis/coverage')
    expect(r.status).toBe(200)
    expect(r.body.features).toHaveLength(await scalar<number>(t.db, sql`SELECT count(*)::int FROM grid_cells`))
    const independent = await scalar<number>(t.db, sql`
      SELECT count(*)::int FROM household_units h
      WHERE h.grid_id IS NOT NULL AND EXISTS (SELECT 1 FROM patrol_routes r WHERE ST_Distance(ST_Transform(h.geom, 32651), ST_Transform(r.geom, 32651)) <= 200)`)
    expect(r.body.totals.city.household_units_covered).toBe(independent)
    const stationSum = r.body.totals.stations.reduce((a: number, s: { household_units_covered: number }) => a + s.household_units_covered, 0)
    expect(stationSum).toBe(independent)
    expect(r.body.totals.city.covered_share).toBeGreaterThan(0)
    expect(r.body.totals.city.covered_share).toBeLessThan(1)
  })

  it('exports coverage as CSV', async () => {
    const r = await api.get(`/api/analysis/coverage?grid=${cellId}&buffer=500&kinds=foot&format=csv`)
    const lines = String(r.body).trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toContain('covered_share')
  })

  it('finds the responsible cell, officer, room and units; edges and corners go to the lowest cell id', async () => {
    const corner = await sql<{ lon: number; lat: number; expected: number }>`
      WITH v AS (SELECT (ST_DumpPoints(geom)).geom AS p FROM grid_cells WHERE id = 20)
      SELECT ST_X(v.p) AS lon, ST_Y(v.p) AS lat, (SELECT min(g.id) FROM grid_cells g WHERE ST_Covers(g.geom, v.p))::int AS expected
      FROM v WHERE (SELECT count(*) FROM grid_cells g WHERE ST_Covers(g.geom, v.p)) >= 2 LIMIT 3`.execute(t.db)
    expect(corner.rows.length).toBeGreaterThan(0)
    for (const c of corner.rows) {
      const r = await api.get(`/api/analysis/responsible?lon=${c.lon}&lat=${c.lat}`)
      expect(r.status).toBe(200)
      expect(r.body.grid.id).toBe(c.expected)
    }
    const inside = await sql<{ lon: number; lat: number; officer: string; room: number }>`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat, (SELECT o.name FROM officers o WHERE o.id = g.officer_id) AS officer,
             (SELECT m.id FROM mediation_rooms m ORDER BY ST_Distance(m.geom::geography, p::geography) LIMIT 1) AS room
      FROM (SELECT ST_PointOnSurface(geom) AS p, officer_id FROM grid_cells WHERE id = 100) g`.execute(t.db)
    const i = inside.rows[0]!
    const r = await api.get(`/api/analysis/responsible?lon=${i.lon}&lat=${i.lat}&units=3`)
    expect(r.body).toMatchObject({ grid: { id: 100 }, officer: { name: i.officer }, mediation_room: { id: i.room } })
    expect(r.body.nearest_units).toHaveLength(3)
    const d = r.body.nearest_units.map((u: { distance_m: number }) => u.distance_m)
    expect(d).toEqual([...d].sort((a, b) => a - b))
    const outside = await api.get('/api/analysis/responsible?lon=116.4&lat=39.9')
    expect(outside.status).toBe(404)
    expect(outside.body.error.code).toBe('outside_city')
  })

  it('reports workload per zone that matches independent counts', async () => {
    const r = await api.get('/api/analysis/workload')
    expect(r.status).toBe(200)
    const zone = r.body.zones.find((z: { id: number }) => z.id === 1)
    const hazards = await scalar<number>(t.db, sql`SELECT count(*)::int FROM hazards h, patrol_zones z WHERE z.id = 1 AND ST_Covers(z.geom, h.geom) AND h.status IN ('reported', 'verified', 'rectifying')`)
    const schools = await scalar<number>(t.db, sql`SELECT count(*)::int FROM schools s, patrol_zones z WHERE z.id = 1 AND ST_Covers(z.geom, s.geom)`)
    expect(zone).toMatchObject({ hazards_open: hazards, schools })
    expect(zone.route_km).toBeGreaterThan(0)
    expect(zone.area_km2).toBeGreaterThan(0)
  })

  it('validates every parameter', async () => {
    const bad: Array<[string, number]> = [
      ['/api/analysis/coverage?buffer=-5', 400],
      ['/api/analysis/coverage?buffer=0', 400],
      ['/api/analysis/coverage?buffer=99999', 400],
      ['/api/analysis/coverage?kinds=rocket', 400],
      ['/api/analysis/coverage?grid=abc', 400],
      ['/api/analysis/coverage?grid=99999999', 404],
      ['/api/analysis/coverage?since=yesterday', 400],
      ['/api/analysis/coverage?colour=red', 400],
      ['/api/analysis/responsible?lon=200&lat=42', 400],
      ['/api/analysis/responsible?lat=42', 400],
      ['/api/analysis/workload?station=x', 400],
    ]
    for (const [path, status] of bad) {
      const r = await api.get(path)
      expect(r.status, path).toBe(status)
      expect(r.body.error.code, path).toBeTruthy()
    }
  })
})
