import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAYERS } from '../../data/catalog/layers.ts'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const MARK = 'SCOPE-COUNTS-TEST'
type Bounds = [number, number, number, number]

/**
 * Issue 14 item 9: `/api/stats` and the TileJSON of a layer answer within the caller's scope, as
 * the feature lists do: an officer's counts and bounds are those of their own grid cells, a
 * volunteer's those of their own reports, and a layer closed to the role is left out (stats) or
 * refused (TileJSON). Every expected figure is computed here in SQL written for the test.
 */
describe('scope covers the counts and the bounds', () => {
  let t: TestDb
  let server: TestServer
  let ownCells: number[]
  let volunteerId: number

  const cellsOf = async (username: string) =>
    (await sql<{ grid_id: number }>`SELECT u.grid_id FROM user_grid_cells u JOIN users x ON x.id = u.user_id WHERE x.username = ${username} ORDER BY 1`.execute(t.db)).rows.map((r) => r.grid_id)
  const count = (q: ReturnType<typeof sql>) => scalar<number>(t.db, sql`SELECT (${q})::int`)
  /** ST_Extent of a query's `geom`, rounded as TileJSON rounds (6 decimals). */
  const extent = async (q: ReturnType<typeof sql>): Promise<Bounds> => {
    const r = (await sql<{ xmin: number; ymin: number; xmax: number; ymax: number }>`
      SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax FROM (SELECT ST_Extent(geom)::box3d AS e FROM (${q}) q) s`.execute(t.db)).rows[0]!
    const round = (v: number) => Math.round(v * 1e6) / 1e6
    return [round(r.xmin), round(r.ymin), round(r.xmax), round(r.ymax)]
  }

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } }))
    ownCells = await cellsOf('test-officer')
    expect(ownCells.length).toBeGreaterThan(0)
    volunteerId = await scalar<number>(t.db, sql`SELECT id FROM users WHERE username = 'test-volunteer'`)
    // The volunteer's own reports: two hazards and a dispute, far apart.
    const volunteer = apiClient(server.url, 'volunteer')
    for (const [layer, coordinates, properties] of [
      ['hazards', [125.10, 42.86], { category: 'fire', source: 'offline', description: MARK }],
      ['hazards', [125.20, 42.93], { category: 'fire', source: 'offline', description: MARK }],
    ] as const) {
      const r = await volunteer.post(`/api/layers/${layer}/features`, { geometry: { type: 'Point', coordinates }, properties })
      expect(r.status, JSON.stringify(r.body)).toBe(201)
    }
  })
  afterAll(async () => {
    await sql`DELETE FROM hazards WHERE description = ${MARK}`.execute(t.db)
    await server.close()
  })

  it("gives an officer the counts of their own cells: every layer's and the headline figures", async () => {
    const r = await apiClient(server.url, 'officer').get('/api/stats')
    expect(r.status).toBe(200)
    const cells = sql.join(ownCells)
    const inCells = (table: string) => count(sql`SELECT count(*) FROM ${sql.table(table)} WHERE grid_id IN (${cells})`)
    const crossing = (table: string) =>
      count(sql`SELECT count(*) FROM ${sql.table(table)} x WHERE EXISTS (SELECT 1 FROM grid_cells g WHERE g.id IN (${cells}) AND ST_Intersects(g.geom, x.geom))`)
    const expected: Record<string, number> = {
      hazards: await inCells('hazards'),
      disputes: await inCells('disputes'),
      incidents: await inCells('incidents'),
      'household-units': await inCells('household_units'),
      patrols: await crossing('patrols'),
      'river-patrols': await crossing('river_patrols'),
    }
    for (const l of LAYERS) if (!(l.id in expected) && l.id !== 'unit-positions') expected[l.id] = await count(sql`SELECT count(*) FROM ${sql.table(l.table)}`)
    expect(r.body.layers).toEqual(expected)
    // Not the city's: the officer's hazards are a part of them.
    const cityHazards = await count(sql`SELECT count(*) FROM hazards`)
    expect(expected.hazards).toBeGreaterThan(0)
    expect(expected.hazards).toBeLessThan(cityHazards)
    expect(r.body.scope).toMatchObject({ hazards: 'grids', 'river-patrols': 'grids', schools: 'all' })
    expect(r.body.scope['unit-positions']).toBeUndefined()

    expect(r.body.headlines).toMatchObject({
      hazards: expected.hazards,
      hazards_open: await count(sql`SELECT count(*) FROM hazards WHERE grid_id IN (${cells}) AND status IN ('reported', 'verified', 'rectifying')`),
      hazards_eliminated: await count(sql`SELECT count(*) FROM hazards WHERE grid_id IN (${cells}) AND status = 'eliminated'`),
      disputes: expected.disputes,
      disputes_resolved: await count(sql`SELECT count(*) FROM disputes WHERE grid_id IN (${cells}) AND status = 'resolved'`),
      household_unit_disputes: await count(sql`SELECT count(*) FROM disputes WHERE grid_id IN (${cells}) AND source = 'household_unit'`),
      river_patrols: expected['river-patrols'],
      incidents: expected.incidents,
      schools: await count(sql`SELECT count(*) FROM schools`),
      stations: await count(sql`SELECT count(*) FROM police_units WHERE kind = 'station'`),
    })
    // The volunteer programme and the live units are not the officer's to count.
    for (const key of ['volunteers', 'volunteer_orgs', 'points_activities', 'volunteers_redeemed', 'patrol_ebikes', 'household_unit_reports', 'mediation_cases', 'issues_resolved', 'redemptions', 'points_redeemed']) {
      expect(r.body.headlines, key).not.toHaveProperty(key)
    }
    expect(r.body.headlines.disputes_resolved).toBeLessThan(await count(sql`SELECT count(*) FROM disputes WHERE status = 'resolved'`))
  })

  it('gives a volunteer the counts of their own reports and the reference layers, nothing else', async () => {
    const r = await apiClient(server.url, 'volunteer').get('/api/stats')
    expect(r.status).toBe(200)
    const own = await count(sql`SELECT count(*) FROM hazards WHERE created_by = ${volunteerId}`)
    expect(own).toBeGreaterThanOrEqual(2)
    const expected: Record<string, number> = {
      hazards: own,
      disputes: await count(sql`SELECT count(*) FROM disputes WHERE created_by = ${volunteerId}`),
    }
    for (const id of ['admin-areas', 'grid-cells', 'police-units', 'rivers', 'schools', 'mediation-rooms']) {
      expected[id] = await count(sql`SELECT count(*) FROM ${sql.table(LAYERS.find((l) => l.id === id)!.table)}`)
    }
    expect(r.body.layers).toEqual(expected)
    expect(r.body.headlines.hazards).toBe(own)
    expect(r.body.headlines.disputes_resolved).toBe(await count(sql`SELECT count(*) FROM disputes WHERE created_by = ${volunteerId} AND status = 'resolved'`))
    for (const key of ['incidents', 'river_patrols', 'guard_posts', 'places_inspected', 'community_officers', 'militia_orgs', 'volunteers', 'patrol_ebikes']) {
      expect(r.body.headlines, key).not.toHaveProperty(key)
    }
  })

  it('still gives the desk the whole city', async () => {
    const r = await apiClient(server.url, 'command').get('/api/stats')
    for (const l of LAYERS) expect(r.body.layers[l.id], l.id).toBe(await count(sql`SELECT count(*) FROM ${sql.table(l.table)}`))
    expect(r.body.headlines.hazards).toBe(await count(sql`SELECT count(*) FROM hazards`))
    expect(r.body.headlines.volunteers).toBe(await count(sql`SELECT count(*) FROM volunteers`))
  })

  it("bounds an officer's TileJSON by the rows of their cells, a volunteer's by their own reports; closed layers are refused", async () => {
    const officer = apiClient(server.url, 'officer')
    const cells = sql.join(ownCells)
    const own = await officer.get('/tiles/hazards.json')
    expect(own.status).toBe(200)
    const ownBounds = await extent(sql`SELECT geom FROM hazards WHERE grid_id IN (${cells})`)
    expect(own.body.bounds).toEqual(ownBounds)
    const city = await extent(sql`SELECT geom FROM hazards`)
    expect(own.body.bounds).not.toEqual(city)
    expect(own.body.center.slice(0, 2)).toEqual([Math.round(((ownBounds[0] + ownBounds[2]) / 2) * 1e6) / 1e6, Math.round(((ownBounds[1] + ownBounds[3]) / 2) * 1e6) / 1e6])
    // Lines: the patrols crossing their cells.
    expect((await officer.get('/tiles/patrols.json')).body.bounds).toEqual(
      await extent(sql`SELECT x.geom FROM patrols x WHERE EXISTS (SELECT 1 FROM grid_cells g WHERE g.id IN (${cells}) AND ST_Intersects(g.geom, x.geom))`),
    )
    // A layer every officer reads whole, and the administrator: the city's extent.
    expect((await officer.get('/tiles/schools.json')).body.bounds).toEqual(await extent(sql`SELECT geom FROM schools`))
    expect((await apiClient(server.url, 'admin').get('/tiles/hazards.json')).body.bounds).toEqual(city)
    expect((await officer.get('/tiles/unit-positions.json')).status).toBe(403)

    const volunteer = apiClient(server.url, 'volunteer')
    const mine = await volunteer.get('/tiles/hazards.json')
    expect(mine.status).toBe(200)
    expect(mine.body.bounds).toEqual(await extent(sql`SELECT geom FROM hazards WHERE created_by = ${volunteerId}`))
    expect((await volunteer.get('/tiles/incidents.json')).status).toBe(403)
  })

  it("bounds an officer with no rows in a layer by their own cells, not by the city", async () => {
    // An officer whose only cell holds no hazard.
    const empty = await scalar<number>(t.db, sql`SELECT min(g.id) FROM grid_cells g WHERE NOT EXISTS (SELECT 1 FROM hazards h WHERE h.grid_id = g.id)`)
    expect(empty).toBeGreaterThan(0)
    const admin = apiClient(server.url, 'admin')
    const created = await admin.post('/api/admin/users', { username: 'scope-counts-officer', role: 'officer', password: 'scope-counts-pass-1', gridIds: [empty] })
    expect(created.status).toBe(201)
    const token = await admin.post(`/api/admin/users/${created.body.id}/tokens`, { name: 'test' })
    const r = await fetch(`${server.url}/tiles/hazards.json`, { headers: { authorization: `Bearer ${token.body.token}` } })
    expect(r.status).toBe(200)
    expect(((await r.json()) as { bounds: Bounds }).bounds).toEqual(await extent(sql`SELECT geom FROM grid_cells WHERE id = ${empty}`))
    const stats = await fetch(`${server.url}/api/stats`, { headers: { authorization: `Bearer ${token.body.token}` } })
    expect(((await stats.json()) as { layers: Record<string, number> }).layers.hazards).toBe(0)
  })
})
