import type { LineString, Polygon } from 'geojson'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const MARK = 'PLANNER-TEST'

/**
 * The planner's endpoints: the workload preview of a drawn zone checked against SQL written
 * here (and hand-worked metric cases), invalid geometry refused with the reason and the spot,
 * split and merge, and the history with restore.
 */
describe('planner API', () => {
  let t: TestDb
  let server: TestServer
  let api: ReturnType<typeof apiClient>
  let planner: ReturnType<typeof apiClient>

  /** A square of `side` metres centred on (x, y) in UTM 51N, as a lon/lat GeoJSON polygon. */
  const utmSquare = async (x: number, y: number, side: number): Promise<Polygon> =>
    JSON.parse(await scalar<string>(t.db, sql`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(${x - side / 2}, ${y - side / 2}, ${x + side / 2}, ${y + side / 2}, 32651), 4326), 9)`))
  const utmLine = async (coords: Array<[number, number]>): Promise<LineString> =>
    JSON.parse(await scalar<string>(t.db, sql`SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_GeomFromText(${`LINESTRING(${coords.map((c) => c.join(' ')).join(',')})`}), 32651), 4326), 9)`))
  const writes = () => scalar<number>(t.db, sql`SELECT (SELECT count(*) FROM audit_log WHERE action <> 'login') + (SELECT count(*) FROM patrol_zones) + (SELECT count(*) FROM patrol_routes)`)

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
    api = apiClient(server.url)
    planner = apiClient(server.url, 'planner')
  })
  afterAll(async () => {
    await sql`DELETE FROM patrol_zones WHERE name LIKE ${MARK + '%'}`.execute(t.db)
    await server.close()
  })

  it('measures a drawn square by hand: area, route length inside, coverage by the routes (outside the city, so nothing else counts)', async () => {
    // 2 km square far east of the city (UTM 51N x=900000), a drawn route straight across it
    // from 500 m outside to 500 m outside: 2000 m inside, a 200 m buffer covers 2000 × 400 m.
    const zone = await utmSquare(900_000, 4_760_000, 2000)
    const route = await utmLine([[898_500, 4_760_000], [901_500, 4_760_000]])
    const r = await planner.post('/api/analysis/workload/preview', { geometry: zone, routes: [route], buffer: 200 })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ households: 0, household_units: 0, hazards_open: 0, disputes: 0, schools: 0, guard_posts: 0, route_ids: [], overlaps: [] })
    expect(r.body.area_m2).toBeCloseTo(4_000_000, -2)
    expect(r.body.route_m).toBeCloseTo(2000, 0)
    expect(r.body.covered_m2).toBeCloseTo(800_000, -2)
    expect(r.body.covered_share).toBeCloseTo(0.2, 3)
    // No route: nothing covered.
    const bare = await planner.post('/api/analysis/workload/preview', { geometry: zone })
    expect(bare.body).toMatchObject({ route_m: 0, covered_m2: 0, covered_share: 0 })
  })

  it('counts what a zone in the city holds, as SQL written here does (saved routes crossing it included)', async () => {
    // A 3 km square on the cell with the most open hazards.
    const c = (await sql<{ x: number; y: number }>`
      SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (
        SELECT ST_Transform(ST_PointOnSurface(g.geom), 32651) AS p FROM grid_cells g
        ORDER BY (SELECT count(*) FROM hazards h WHERE h.grid_id = g.id AND h.status <> 'eliminated') DESC, g.id LIMIT 1) s`.execute(t.db)).rows[0]!
    const zone = await utmSquare(c.x, c.y, 3000)
    const from = '2026-01-01T00:00:00+08:00'
    const to = '2026-10-31T23:59:59+08:00'
    const r = await planner.post('/api/analysis/workload/preview', { geometry: zone, from, to, buffer: 150 })
    expect(r.status).toBe(200)
    const z = sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(zone)}), 4326)`
    const want = (await sql<Record<string, number>>`
      SELECT
        (SELECT coalesce(sum(households), 0)::int FROM grid_cells WHERE ST_Within(ST_PointOnSurface(geom), ${z})) AS households,
        (SELECT count(*)::int FROM household_units WHERE ST_Within(geom, ${z})) AS household_units,
        (SELECT count(*)::int FROM hazards WHERE ST_Within(geom, ${z}) AND status IN ('reported', 'verified', 'rectifying')) AS hazards_open,
        (SELECT count(*)::int FROM disputes WHERE ST_Within(geom, ${z}) AND reported_at BETWEEN ${from}::timestamptz AND ${to}::timestamptz) AS disputes,
        (SELECT count(*)::int FROM schools WHERE ST_Within(geom, ${z})) AS schools,
        (SELECT count(*)::int FROM guard_posts WHERE ST_Within(geom, ${z})) AS guard_posts,
        (SELECT coalesce(sum(ST_Length(ST_Intersection(ST_Transform(geom, 32651), ST_Transform(${z}, 32651)))), 0) FROM patrol_routes WHERE ST_Intersects(geom, ${z}))::float8 AS route_m,
        (SELECT ST_Area(ST_Intersection(ST_Transform(${z}, 32651), ST_Union(ST_Buffer(ST_Transform(geom, 32651), 150)))) FROM patrol_routes WHERE ST_Intersects(geom, ${z}))::float8 AS covered_m2`.execute(t.db)).rows[0]!
    const { households, household_units, hazards_open, disputes, schools, guard_posts } = want
    expect(r.body).toMatchObject({ households, household_units, hazards_open, disputes, schools, guard_posts })
    // The case must mean something: a zone with work in it.
    expect(households! + hazards_open! + household_units!).toBeGreaterThan(0)
    expect(r.body.area_m2).toBeCloseTo(9_000_000, -3)
    expect(r.body.route_m).toBeCloseTo(want.route_m!, 3)
    expect(Math.abs(r.body.covered_m2 - (want.covered_m2 ?? 0))).toBeLessThan(1)
    expect(r.body.covered_share).toBeCloseTo((want.covered_m2 ?? 0) / r.body.area_m2, 6)
    // A period that holds no disputes.
    const none = await planner.post('/api/analysis/workload/preview', { geometry: zone, from: '1990-01-01T00:00:00Z', to: '1990-12-31T00:00:00Z' })
    expect(none.body.disputes).toBe(0)
    // Leaving out the saved routes leaves no route.
    const alone = await planner.post('/api/analysis/workload/preview', { geometry: zone, exclude_routes: r.body.route_ids })
    expect(alone.body).toMatchObject({ route_m: 0, route_ids: [] })
  })

  it('reports overlap with the zones of the same station or team, with the shared area', async () => {
    const station = await scalar<number>(t.db, sql`SELECT min(id) FROM police_units WHERE kind = 'station'`)
    const a = await utmSquare(905_000, 4_760_000, 1000)
    const created = await planner.post('/api/layers/patrol-zones/features', { geometry: a, properties: { name: `${MARK} A`, station_id: station, team: `${MARK}-team`, priority: 3 } })
    expect(created.status).toBe(201)
    // Shifted 400 m east: 600 × 1000 m shared.
    const b = await utmSquare(905_400, 4_760_000, 1000)
    const same = await planner.post('/api/analysis/workload/preview', { geometry: b, station_id: station })
    expect(same.body.overlaps.map((o: { id: number }) => o.id)).toEqual([created.body.id])
    const shared = await scalar<number>(t.db, sql`SELECT ST_Area(ST_Intersection(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(a)}), 4326), 32651), ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(b)}), 4326), 32651)))::float8`)
    // Cut in lon/lat, measured in metres: within 0.01 % of the metric cut.
    expect(Math.abs(same.body.overlaps[0].area_m2 - shared) / shared).toBeLessThan(1e-4)
    expect(shared).toBeCloseTo(600_000, -3)
    expect(same.body.overlaps[0].geometry.type).toBe('Polygon')
    const byTeam = await planner.post('/api/analysis/workload/preview', { geometry: b, station_id: station + 100000, team: `${MARK}-team` })
    expect(byTeam.body.overlaps).toHaveLength(1)
    const other = await planner.post('/api/analysis/workload/preview', { geometry: b, station_id: station + 100000, team: 'another team' })
    expect(other.body.overlaps).toEqual([])
    // Editing zone A itself is no overlap with itself.
    const self = await planner.post('/api/analysis/workload/preview', { geometry: b, station_id: station, zone_id: created.body.id })
    expect(self.body.overlaps).toEqual([])
    // A zone that only touches A along an edge does not overlap it.
    const touching = await utmSquare(906_000, 4_760_000, 1000)
    expect((await planner.post('/api/analysis/workload/preview', { geometry: touching, station_id: station })).body.overlaps).toEqual([])
  })

  it('refuses a self-intersecting zone with the reason and the spot, and writes nothing', async () => {
    // A bow tie: the edges cross at (125.15, 42.95), worked out by hand.
    const bowtie = { type: 'Polygon', coordinates: [[[125.1, 42.9], [125.2, 43.0], [125.2, 42.9], [125.1, 43.0], [125.1, 42.9]]] }
    const before = await writes()
    const preview = await planner.post('/api/analysis/workload/preview', { geometry: bowtie })
    expect(preview.status).toBe(422)
    expect(preview.body.error.code).toBe('invalid_geometry')
    expect(preview.body.error.details.reason).toMatch(/Self-intersection/)
    expect(preview.body.error.details.location[0]).toBeCloseTo(125.15, 9)
    expect(preview.body.error.details.location[1]).toBeCloseTo(42.95, 9)
    const station = await scalar<number>(t.db, sql`SELECT min(id) FROM police_units WHERE kind = 'station'`)
    const save = await planner.post('/api/layers/patrol-zones/features', { geometry: bowtie, properties: { name: `${MARK} bowtie`, station_id: station, team: 't' } })
    expect(save.status).toBe(422)
    expect(save.body.error.details).toMatchObject({ reason: expect.stringMatching(/Self-intersection/) })
    expect(save.body.error.details.location[0]).toBeCloseTo(125.15, 9)
    // A bad drawn route is named by its index.
    const square = await utmSquare(900_000, 4_760_000, 500)
    const loop = { type: 'LineString', coordinates: [[125.1, 42.9], [125.1, 42.9]] }
    const badRoute = await planner.post('/api/analysis/workload/preview', { geometry: square, routes: [loop] })
    expect([badRoute.status, badRoute.body.error.code]).toEqual([422, 'invalid_geometry'])
    expect(badRoute.body.error.details.part).toBe('routes[0]')
    // Malformed bodies: 400 naming the field.
    const noGeometry = await planner.post('/api/analysis/workload/preview', { routes: [] })
    expect([noGeometry.status, noGeometry.body.error.code]).toEqual([400, 'invalid_body'])
    const point = await planner.post('/api/analysis/workload/preview', { geometry: { type: 'Point', coordinates: [125, 43] } })
    expect(point.status).toBe(400)
    expect(point.body.error.message).toMatch(/Polygon/)
    expect(await writes()).toBe(before)
  })

  it('splits a zone along a line across it and merges adjacent zones, in PostGIS, writing nothing', async () => {
    const before = await writes()
    const zone = await utmSquare(910_000, 4_760_000, 2000)
    const cut = await utmLine([[910_000, 4_758_000 - 100], [910_000, 4_762_000 + 100]])
    const split = await planner.post('/api/planner/split', { geometry: zone, line: cut })
    expect(split.status).toBe(200)
    expect(split.body.parts).toHaveLength(2)
    const areas = await sql<{ a: number }>`
      SELECT ST_Area(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(e.value::text), 4326), 32651))::float8 AS a
      FROM jsonb_array_elements(${JSON.stringify(split.body.parts)}::jsonb) e`.execute(t.db)
    for (const { a } of areas.rows) expect(a).toBeCloseTo(2_000_000, -3)
    // A line ending inside the zone cuts nothing.
    const short = await utmLine([[910_000, 4_758_000 - 100], [910_000, 4_760_000]])
    const notCut = await planner.post('/api/planner/split', { geometry: zone, line: short })
    expect([notCut.status, notCut.body.error.code]).toEqual([422, 'no_split'])
    // The halves merge back into the square.
    const merged = await planner.post('/api/planner/merge', { geometries: split.body.parts })
    expect(merged.status).toBe(200)
    expect(merged.body.geometry.type).toBe('Polygon')
    const m = sql`ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(merged.body.geometry)}), 4326), 32651)`
    const z = sql`ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(zone)}), 4326), 32651)`
    const back = (await sql<{ off: number; area: number }>`SELECT ST_HausdorffDistance(${m}, ${z})::float8 AS off, ST_Area(${m})::float8 AS area`.execute(t.db)).rows[0]!
    // The cut adds a vertex on each edge, exact in lon/lat; in UTM the lon/lat edge bows by centimetres.
    expect(back.off).toBeLessThan(0.1)
    expect(back.area).toBeCloseTo(4_000_000, -2)
    const far = await utmSquare(920_000, 4_760_000, 500)
    const apart = await planner.post('/api/planner/merge', { geometries: [zone, far] })
    expect([apart.status, apart.body.error.code]).toEqual([422, 'not_adjacent'])
    // Commanders read, but do not edit.
    expect((await apiClient(server.url, 'command').post('/api/planner/merge', { geometries: split.body.parts })).status).toBe(403)
    expect(await writes()).toBe(before)
  })

  it('keeps every saved version of a zone and restores one at the current version (409 when stale), audited', async () => {
    const station = await scalar<number>(t.db, sql`SELECT min(id) FROM police_units WHERE kind = 'station'`)
    const first = await utmSquare(930_000, 4_760_000, 800)
    const second = await utmSquare(930_200, 4_760_000, 800)
    const c = await planner.post('/api/layers/patrol-zones/features', { geometry: first, properties: { name: `${MARK} history v1`, station_id: station, team: 'h', priority: 2 } })
    const id = c.body.id as number
    const p = await planner.patch(`/api/layers/patrol-zones/features/${id}`, { version: 1, geometry: second, properties: { name: `${MARK} history v2`, priority: 4 } })
    expect(p.status).toBe(200)
    const h = await planner.get(`/api/planner/patrol-zones/${id}/history`)
    expect(h.status).toBe(200)
    expect(h.body.entries.map((e: { action: string }) => e.action)).toEqual(['update', 'create'])
    const created = h.body.entries[1]
    expect(created.after.properties).toMatchObject({ name: `${MARK} history v1`, version: 1, priority: 2 })
    // Stale: the zone is at version 2.
    const stale = await planner.post(`/api/planner/patrol-zones/${id}/restore`, { version: 1, entry: created.id })
    expect([stale.status, stale.body.error.code]).toEqual([409, 'stale_version'])
    const r = await planner.post(`/api/planner/patrol-zones/${id}/restore`, { version: 2, entry: created.id })
    expect(r.status).toBe(200)
    expect(r.body.properties).toMatchObject({ name: `${MARK} history v1`, priority: 2, version: 3 })
    // Back on the first square (to the centimetre: features are read with 7 decimals), away from the second.
    const row = (await sql<{ off: number; moved: number; version: number }>`
      SELECT ST_HausdorffDistance(ST_Transform(geom, 32651), ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(first)}), 4326), 32651))::float8 AS off,
             ST_HausdorffDistance(ST_Transform(geom, 32651), ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(second)}), 4326), 32651))::float8 AS moved,
             version FROM patrol_zones WHERE id = ${id}`.execute(t.db)).rows[0]!
    expect(row.version).toBe(3)
    expect(row.off).toBeLessThan(0.05)
    expect(row.moved).toBeCloseTo(200, 0)
    const audit = (await sql<{ action: string; reason: string; actor: string }>`
      SELECT action, reason, actor FROM audit_log WHERE layer = 'patrol-zones' AND feature_id = ${String(id)} ORDER BY id DESC LIMIT 1`.execute(t.db)).rows[0]!
    expect(audit.action).toBe('update')
    expect(audit.reason).toBe(`restored version 1 (history entry ${created.id})`)
    expect(audit.actor).toMatch(/planner/)
    // An entry of another feature is not this one's.
    const foreign = await scalar<number>(t.db, sql`SELECT min(id)::int FROM audit_log WHERE layer <> 'patrol-zones'`)
    expect((await planner.post(`/api/planner/patrol-zones/${id}/restore`, { version: 3, entry: foreign })).status).toBe(404)
    expect((await planner.get(`/api/planner/hazards/1/history`)).status).toBe(404)
    expect((await api.get(`/api/planner/patrol-zones/${id}/history`)).body.entries).toHaveLength(3)
  })
})
