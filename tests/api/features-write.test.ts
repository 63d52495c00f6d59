import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient, tableCount } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const MARK = 'WRITE-TEST'

describe('writing features', () => {
  let t: TestDb
  let server: TestServer
  let api: ReturnType<typeof apiClient>
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
    api = apiClient(server.url)
  })
  afterAll(async () => {
    // Leave the shared city as the seed made it.
    await sql`DELETE FROM hazards WHERE description LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM disputes WHERE description LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM places WHERE name LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM patrol_zones WHERE name LIKE ${MARK + '%'}`.execute(t.db)
    await server.close()
  })

  const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] })

  it('assigns a new point to the grid cell covering it, with its community, station and officer, and reassigns it on a move', async () => {
    // Hand-built cases: a point on the surface of two known cells.
    const cells = await sql<{ id: number; community_code: string; station_id: number; officer_id: number; lon: number; lat: number }>`
      SELECT id, community_code, station_id, officer_id, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
      FROM grid_cells WHERE id IN (5, 400) ORDER BY id`.execute(t.db)
    const [a, b] = cells.rows as [(typeof cells.rows)[0], (typeof cells.rows)[0]]
    const created = await api.post('/api/layers/hazards/features', {
      type: 'Feature', geometry: point(a.lon, a.lat), properties: { category: 'manhole', source: 'offline', description: `${MARK} 井盖松动` },
    })
    expect(created.status).toBe(201)
    expect(created.body.properties).toMatchObject({ grid_id: a.id, community_code: a.community_code, station_id: a.station_id, officer_id: a.officer_id, status: 'reported', version: 1 })
    expect(created.body.properties.code).toMatch(/^YH\d+$/)
    const moved = await api.patch(`/api/layers/hazards/features/${created.body.id}`, { version: 1, geometry: point(b.lon, b.lat) })
    expect(moved.status).toBe(200)
    expect(moved.body.properties).toMatchObject({ grid_id: b.id, officer_id: b.officer_id, version: 2 })
  })

  it('gives a point the district that covers it, and a hazard moved across a district line takes its photo and report along', async () => {
    // Two cells in different districts (区/县), by the district polygons themselves.
    const cells = (
      await sql<{ id: number; district: string; lon: number; lat: number }>`
        SELECT DISTINCT ON (a.code) g.id, a.code AS district, ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat
        FROM grid_cells g JOIN admin_areas a ON a.level = 'district' AND ST_Covers(a.geom, ST_PointOnSurface(g.geom))
        ORDER BY a.code, g.id LIMIT 2`.execute(t.db)
    ).rows
    const [a, b] = cells as [(typeof cells)[0], (typeof cells)[0]]
    expect(a.district).not.toBe(b.district)
    const created = await api.post('/api/layers/hazards/features', { geometry: point(a.lon, a.lat), properties: { category: 'manhole', source: 'offline', description: `${MARK} 跨区` } })
    expect(created.status).toBe(201)
    const id = created.body.id as number
    const districtOf = (table: string, column: string) => scalar<string>(t.db, sql`SELECT district_code FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${id}`)
    expect(await districtOf('hazards', 'id')).toBe(a.district)
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
    expect((await api.raw('PUT', `/api/officer/hazards/${id}/photo`, { content_type: 'image/png', data: png })).status).toBe(200)
    const unit = await scalar<number>(t.db, sql`SELECT min(id) FROM household_units`)
    await sql`INSERT INTO household_reports (household_unit_id, kind, hazard_id, recorded_by) VALUES (${unit}, 'hazard', ${id}, ${MARK})`.execute(t.db)
    expect(await districtOf('hazard_photos', 'hazard_id')).toBe(a.district)
    expect(await districtOf('household_reports', 'hazard_id')).toBe(a.district)

    const moved = await api.patch(`/api/layers/hazards/features/${id}`, { version: 1, geometry: point(b.lon, b.lat) })
    expect(moved.status).toBe(200)
    expect(await districtOf('hazards', 'id')).toBe(b.district)
    expect(await districtOf('hazard_photos', 'hazard_id')).toBe(b.district)
    expect(await districtOf('household_reports', 'hazard_id')).toBe(b.district)
    // Every stored event is in the district polygon that covers it (an independent spatial join).
    for (const table of ['incidents', 'hazards', 'disputes']) {
      const wrong = await scalar<number>(t.db, sql`
        SELECT count(*)::int FROM ${sql.table(table)} x JOIN admin_areas d ON d.level = 'district' AND ST_Covers(d.geom, x.geom) WHERE x.district_code <> d.code`)
      expect(wrong, table).toBe(0)
    }
    await sql`DELETE FROM household_reports WHERE recorded_by = ${MARK}`.execute(t.db)
  })

  it('assigns a point just outside the city to the nearest cell within 2 km, and none far away', async () => {
    // 1 km west of the westernmost city vertex.
    const edge = await sql<{ lon: number; lat: number; nearest: number }>`
      WITH w AS (SELECT (ST_DumpPoints(geom)).geom AS p FROM admin_areas WHERE level = 'city' ORDER BY ST_X((ST_DumpPoints(geom)).geom) LIMIT 1),
           q AS (SELECT ST_Transform(ST_Translate(ST_Transform(p, 32651), -1000, 0), 4326) AS g FROM w)
      SELECT ST_X(g) AS lon, ST_Y(g) AS lat, (SELECT id FROM grid_cells ORDER BY geom <-> q.g LIMIT 1) AS nearest FROM q`.execute(t.db)
    const e = edge.rows[0]!
    const near = await api.post('/api/layers/hazards/features', { geometry: point(e.lon, e.lat), properties: { category: 'flood', source: 'online', description: `${MARK} edge` } })
    expect(near.status).toBe(201)
    expect(near.body.properties.grid_id).toBe(e.nearest)
    const far = await api.post('/api/layers/hazards/features', { geometry: point(116.4, 39.9), properties: { category: 'flood', source: 'online', description: `${MARK} far` } })
    expect(far.status).toBe(201)
    expect(far.body.properties).toMatchObject({ grid_id: null, officer_id: null })
  })

  it('derives a dispute\u2019s season from when it was reported (Asia/Shanghai)', async () => {
    const cases: Array<[string, string]> = [['2026-03-01T00:30:00+08:00', 'spring'], ['2026-02-28T23:30:00+08:00', 'winter'], ['2026-08-31T16:30:00Z', 'autumn']]
    for (const [reported_at, season] of cases) {
      const r = await api.post('/api/layers/disputes/features', { geometry: point(125.14, 42.9), properties: { category: 'family', source: 'walk_in', reported_at, description: `${MARK} season` } })
      expect(r.status, reported_at).toBe(201)
      expect(r.body.properties.season, reported_at).toBe(season)
    }
  })

  it('moves hazards and disputes only along their lifecycles, naming the allowed moves otherwise', async () => {
    const expected: Record<string, Record<string, string[]>> = {
      hazards: { reported: ['verified', 'rejected'], verified: ['rectifying', 'rejected'], rectifying: ['eliminated'], eliminated: [], rejected: [] },
      disputes: { reported: ['mediating', 'escalated'], mediating: ['resolved', 'escalated'], escalated: ['mediating'], resolved: [] },
    }
    for (const [layer, table] of Object.entries(expected)) {
      const statuses = Object.keys(table)
      const stamp = layer === 'hazards' ? 'eliminated_at' : 'resolved_at'
      const final = layer === 'hazards' ? 'eliminated' : 'resolved'
      for (const from of statuses) {
        for (const to of statuses) {
          const body = layer === 'hazards' ? { category: 'fire', source: 'offline', description: `${MARK} life` } : { category: 'land', source: 'patrol', description: `${MARK} life` }
          const created = await api.post(`/api/layers/${layer}/features`, { geometry: point(125.15, 42.91), properties: body })
          const id = created.body.id as number
          await sql`UPDATE ${sql.table(layer)} SET status = ${from}, ${sql.ref(stamp)} = ${from === final ? sql`now()` : sql`NULL`} WHERE id = ${id}`.execute(t.db)
          const r = await api.post(`/api/layers/${layer}/features/${id}/transitions`, { to, version: 1, reason: '测试' })
          if (table[from]!.includes(to)) {
            expect(r.status, `${layer} ${from}→${to}`).toBe(200)
            expect(r.body.properties.status).toBe(to)
            expect(r.body.properties[stamp] !== null, `${layer} ${to} stamp`).toBe(to === final)
          } else {
            expect(r.status, `${layer} ${from}→${to}`).toBe(409)
            expect(r.body.error.details.allowed).toEqual(table[from])
          }
        }
      }
    }
  })

  it('puts a dispute moving to mediation in the nearest mediation room unless one is named', async () => {
    const created = await api.post('/api/layers/disputes/features', { geometry: point(125.2, 42.95), properties: { category: 'neighbour', source: '110', description: `${MARK} room` } })
    const nearest = await scalar<number>(t.db, sql`SELECT id FROM mediation_rooms ORDER BY geom <-> ST_SetSRID(ST_MakePoint(125.2, 42.95), 4326) LIMIT 1`)
    const r = await api.post(`/api/layers/disputes/features/${created.body.id}/transitions`, { to: 'mediating', version: 1, reason: '进入调解' })
    expect(r.body.properties.mediation_room_id).toBe(nearest)
    const history = await api.get(`/api/layers/disputes/features/${created.body.id}/transitions`)
    expect(history.body).toMatchObject({ status: 'mediating', allowed: ['resolved', 'escalated'] })
    expect(history.body.history).toEqual([expect.objectContaining({ from: 'reported', to: 'mediating', reason: '进入调解', actor: 'test-admin' })])
  })

  it('writes the audit log for create, update, transition and delete, with before and after', async () => {
    const c = await api.post('/api/layers/places/features', { geometry: point(125.13, 42.89), properties: { name: `${MARK} 便利店`, kind: 'shop' } })
    const id = c.body.id
    await api.patch(`/api/layers/places/features/${id}`, { version: 1, properties: { name: `${MARK} 超市` } })
    expect((await api.del(`/api/layers/places/features/${id}?version=2`)).status).toBe(204)
    expect((await api.get(`/api/layers/places/features/${id}`)).status).toBe(404)
    const log = await api.get(`/api/audit?layer=places&id=${id}`)
    expect(log.body.entries.map((e: { action: string }) => e.action)).toEqual(['delete', 'update', 'create'])
    const update = log.body.entries[1]
    expect(update.before.properties.name).toBe(`${MARK} 便利店`)
    expect(update.after.properties.name).toBe(`${MARK} 超市`)
  })

  it('lets exactly one of ten simultaneous edits on the same version win', async () => {
    const zone = await api.post('/api/layers/patrol-zones/features', {
      geometry: { type: 'Polygon', coordinates: [[[125.1, 42.9], [125.11, 42.9], [125.11, 42.91], [125.1, 42.91], [125.1, 42.9]]] },
      properties: { name: `${MARK} 巡区`, station_id: 2, team: '测试组' },
    })
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api.patch(`/api/layers/patrol-zones/features/${zone.body.id}`, { version: 1, properties: { team: `组${i}` } })),
    )
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409, 409, 409])
    const stored = await sql<{ version: number; team: string }>`SELECT version, team FROM patrol_zones WHERE id = ${zone.body.id}`.execute(t.db)
    const winner = results.find((r) => r.status === 200)!
    expect(stored.rows[0]).toEqual({ version: 2, team: winner.body.properties.team })
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM audit_log WHERE layer = 'patrol-zones' AND feature_id = ${String(zone.body.id)} AND action = 'update'`)).toBe(1)
  })

  it('stores polygons with counter-clockwise exterior rings (RFC 7946), whatever the input orientation', async () => {
    const cw = [[125.2, 42.9], [125.2, 42.91], [125.21, 42.91], [125.21, 42.9], [125.2, 42.9]]
    const r = await api.post('/api/layers/patrol-zones/features', { geometry: { type: 'Polygon', coordinates: [cw] }, properties: { name: `${MARK} 顺时针`, station_id: 2, team: 't' } })
    expect(r.status).toBe(201)
    expect(await scalar<boolean>(t.db, sql`SELECT ST_IsPolygonCCW(geom) FROM patrol_zones WHERE id = ${r.body.id}`)).toBe(true)
  })
})
