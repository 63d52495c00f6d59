import { VectorTile } from '@mapbox/vector-tile'
import { sql } from 'kysely'
import { PbfReader } from 'pbf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { authHeader, type TestAccount } from '../helpers/accounts.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { openSse } from '../helpers/sse.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const MARK = 'SCOPE-TEST'

/** The z14 tile holding a point. */
function tileAt(lon: number, lat: number, z = 14) {
  const n = 2 ** z
  const r = (lat * Math.PI) / 180
  return { z, x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n) }
}

/**
 * An officer asking for another officer's grid, every way there is: by id, by bbox, by export,
 * by OGC, by tile, by the live stream, by analysis. Asserted on the content: nothing of the
 * other grid comes back, everything of their own does.
 */
describe('an officer sees and edits only their own grid cells', () => {
  let t: TestDb
  let server: TestServer
  let ownCells: number[]
  let otherCells: number[]
  let own: { id: number; lon: number; lat: number }
  let other: { id: number; lon: number; lat: number }
  const officer = () => apiClient(server.url, 'officer')

  const cellsOf = async (username: string) =>
    (await sql<{ grid_id: number }>`SELECT u.grid_id FROM user_grid_cells u JOIN users x ON x.id = u.user_id WHERE x.username = ${username} ORDER BY 1`.execute(t.db)).rows.map((r) => r.grid_id)
  const pointIn = async (cell: number) => {
    const r = await sql<{ lon: number; lat: number }>`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid_cells WHERE id = ${cell}) x`.execute(t.db)
    return r.rows[0]!
  }
  const hazardIn = async (cell: number) => {
    const p = await pointIn(cell)
    const r = await sql<{ id: number }>`INSERT INTO hazards (category, source, description, geom) VALUES ('fire', 'offline', ${MARK}, ST_SetSRID(ST_MakePoint(${p.lon}, ${p.lat}), 4326)) RETURNING id`.execute(t.db)
    return { id: r.rows[0]!.id, ...p }
  }

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } }))
    ownCells = await cellsOf('test-officer')
    otherCells = await cellsOf('test-officer2')
    expect(ownCells.length).toBeGreaterThan(0)
    expect(otherCells.length).toBeGreaterThan(0)
    expect(ownCells.filter((c) => otherCells.includes(c))).toEqual([])
    own = await hazardIn(ownCells[0]!)
    other = await hazardIn(otherCells[0]!)
  })
  afterAll(async () => {
    await sql`DELETE FROM hazards WHERE description LIKE ${MARK + '%'}`.execute(t.db)
    await server.close()
  })

  it('by id, by bbox and by export: only their own cells', async () => {
    expect((await officer().get(`/api/layers/hazards/features/${own.id}`)).status).toBe(200)
    const byId = await officer().get(`/api/layers/hazards/features/${other.id}`)
    expect(byId.status).toBe(404)
    expect(JSON.stringify(byId.body)).not.toContain(MARK)

    const box = (p: { lon: number; lat: number }) => [p.lon - 0.001, p.lat - 0.001, p.lon + 0.001, p.lat + 0.001].join(',')
    const near = await officer().get(`/api/layers/hazards/features?bbox=${box(other)}`)
    expect(near.status).toBe(200)
    expect(near.body.features.map((f: { id: number }) => f.id)).not.toContain(other.id)
    // The administrator sees it in the same box: the box is right, the scope is what hides it.
    expect((await apiClient(server.url, 'admin').get(`/api/layers/hazards/features?bbox=${box(other)}`)).body.features.map((f: { id: number }) => f.id)).toContain(other.id)

    // Every hazard the officer may list is in their cells, and all of those are there.
    const listed = (await officer().get('/api/layers/hazards/features?format=geojson')).body.features as Array<{ id: number; properties: { grid_id: number } }>
    const expected = (await sql<{ id: number }>`SELECT id FROM hazards WHERE grid_id IN (${sql.join(ownCells)}) ORDER BY id`.execute(t.db)).rows.map((r) => r.id)
    expect(listed.map((f) => f.id).sort((a, b) => a - b)).toEqual(expected)
    const csv = (await officer().get('/api/layers/hazards/features?format=csv')).body as string
    const csvIds = csv.replace(/^\uFEFF/, '').trim().split('\n').slice(1).map((line) => Number(line.split(',')[0]))
    expect(csvIds.sort((a, b) => a - b)).toEqual(expected)

    // Counts and extents of the layer list are theirs too.
    const layers = (await officer().get('/api/layers')).body.layers as Array<{ id: string; count: number }>
    expect(layers.find((l) => l.id === 'hazards')!.count).toBe(expected.length)
    expect(layers.map((l) => l.id)).not.toContain('unit-positions')
  })

  it('by OGC items and by tile: nothing of the other grid', async () => {
    const items = await officer().get('/ogc/collections/hazards/items?limit=10000')
    expect(items.body.features.map((f: { id: number }) => f.id)).toContain(own.id)
    expect(items.body.features.map((f: { id: number }) => f.id)).not.toContain(other.id)
    expect(items.body.numberMatched).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM hazards WHERE grid_id IN (${sql.join(ownCells)})`))
    expect((await officer().get(`/ogc/collections/hazards/items/${other.id}`)).status).toBe(404)

    const idsInTile = async (who: TestAccount, p: { lon: number; lat: number }) => {
      const c = tileAt(p.lon, p.lat)
      const res = await fetch(`${server.url}/tiles/hazards/${c.z}/${c.x}/${c.y}.mvt`, { headers: { ...authHeader(who), 'accept-encoding': 'identity' } })
      if (res.status === 204) return []
      expect(res.status).toBe(200)
      const layer = new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer()))).layers.hazards
      return layer ? Array.from({ length: layer.length }, (_, i) => Number(layer.feature(i).id)) : []
    }
    expect(await idsInTile('officer', own)).toContain(own.id)
    // The same tile: the administrator's has it, the officer's does not (and is not the cached city tile).
    expect(await idsInTile('admin', other)).toContain(other.id)
    expect(await idsInTile('officer', other)).not.toContain(other.id)
    const officerTile = await idsInTile('officer', other)
    const inOwn = new Set((await sql<{ id: number }>`SELECT id FROM hazards WHERE grid_id IN (${sql.join(ownCells)})`.execute(t.db)).rows.map((r) => r.id))
    expect(officerTile.filter((id) => !inOwn.has(id))).toEqual([])
  })

  it('by analysis: hotspots count only their points; coverage and seasonal only their cells', async () => {
    const hot = await officer().get('/api/analysis/hotspots?layer=hazards&cell=2000')
    expect(hot.status).toBe(200)
    const counted = hot.body.features.reduce((s: number, f: { properties: { count: number } }) => s + f.properties.count, 0)
    expect(counted).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM hazards WHERE grid_id IN (${sql.join(ownCells)})`))
    // Their study area is their own cells, not a city-wide lattice around their points: every bin
    // touches one of their cells, and the area says so.
    expect(hot.body.parameters.area).toMatchObject({ kind: 'grids' })
    const binsOutside = await scalar<number>(t.db, sql`
      SELECT count(*)::int FROM json_array_elements(${JSON.stringify(hot.body.features.map((f: { geometry: unknown }) => f.geometry))}::json) b
      WHERE NOT EXISTS (SELECT 1 FROM grid_cells g WHERE g.id IN (${sql.join(ownCells)}) AND ST_Intersects(g.geom, ST_SetSRID(ST_GeomFromGeoJSON(b::text), 4326)))`)
    expect(binsOutside).toBe(0)
    const monthly = await officer().get('/api/stats/monthly?layer=hazards')
    expect(monthly.body.total).toBe(counted)
    const cov = await officer().get('/api/analysis/coverage')
    expect(cov.status).toBe(200)
    expect(cov.body.features.map((f: { id: number }) => f.id).sort((a: number, b: number) => a - b)).toEqual(ownCells)
    expect((await officer().get(`/api/analysis/coverage?grid=${otherCells[0]}`)).status).toBe(403)
    const seasonal = await officer().get('/api/analysis/seasonal')
    expect(seasonal.status).toBe(200)
    expect(JSON.stringify(seasonal.body)).not.toMatch(new RegExp(`"grid_id":(${otherCells.join('|')})[,}]`))
  })

  it('by the live stream: their grid’s changes only, never unit positions', async () => {
    const stream = await openSse(`${server.url}/api/live/stream`, {}, 'officer')
    try {
      await stream.next((e) => e.event === 'snapshot')
      // Changes in both grids, the other first: if it were delivered it would arrive before ours.
      await sql`UPDATE hazards SET description = ${MARK + ' moved'} WHERE id = ${other.id}`.execute(t.db)
      await sql`UPDATE hazards SET description = ${MARK + ' moved'} WHERE id = ${own.id}`.execute(t.db)
      const mine = await stream.next((e) => e.event === 'hazards' && e.data.payload.id === own.id)
      expect(mine.data.payload.grid_id).toBe(ownCells[0])
      expect(stream.events.filter((e) => e.event === 'hazards' && e.data.payload.id === other.id)).toEqual([])
      expect(stream.events.filter((e) => e.event === 'positions' || e.event === 'alerts')).toEqual([])
      expect(stream.events.find((e) => e.event === 'snapshot')!.data.payload).toEqual([])
    } finally {
      await stream.close()
    }
    expect((await fetch(`${server.url}/api/live/stream?layers=positions`, { headers: authHeader('officer') })).status).toBe(403)
  })

  it('writes inside their cells only: creating or moving a point into another grid is refused and changes nothing', async () => {
    const create = (p: { lon: number; lat: number }, description: string) =>
      officer().post('/api/layers/hazards/features', { geometry: { type: 'Point', coordinates: [p.lon, p.lat] }, properties: { category: 'manhole', source: 'offline', description } })
    const count = () => scalar<number>(t.db, sql`SELECT count(*)::int FROM hazards WHERE description LIKE ${MARK + '%'}`)
    const before = await count()
    const outside = await create(other, `${MARK} outside`)
    expect(outside.status).toBe(403)
    expect(outside.body.error.code).toBe('out_of_scope')
    expect(await count()).toBe(before)
    const inside = await create(own, `${MARK} inside`)
    expect(inside.status).toBe(201)
    expect(inside.body.properties.grid_id).toBe(ownCells[0])

    const version = inside.body.properties.version as number
    const move = await officer().patch(`/api/layers/hazards/features/${inside.body.id}`, { version, geometry: { type: 'Point', coordinates: [other.lon, other.lat] } })
    expect(move.status).toBe(403)
    expect(await scalar<number>(t.db, sql`SELECT grid_id FROM hazards WHERE id = ${inside.body.id}`)).toBe(ownCells[0])
    expect(await scalar<number>(t.db, sql`SELECT version FROM hazards WHERE id = ${inside.body.id}`)).toBe(version)
    // Someone else's hazard does not exist for them, whatever the version.
    const v = await scalar<number>(t.db, sql`SELECT version FROM hazards WHERE id = ${other.id}`)
    expect((await officer().patch(`/api/layers/hazards/features/${other.id}`, { version: v, properties: { description: 'x' } })).status).toBe(404)
    expect((await officer().post(`/api/layers/hazards/features/${other.id}/transitions`, { version: v, to: 'verified', reason: '核实' })).status).toBe(404)
    expect(await scalar<string>(t.db, sql`SELECT status FROM hazards WHERE id = ${other.id}`)).toBe('reported')
  })

  it('a volunteer reports a hazard and sees their own reports, nobody else’s', async () => {
    const volunteer = apiClient(server.url, 'volunteer')
    const made = await volunteer.post('/api/layers/hazards/features', { geometry: { type: 'Point', coordinates: [own.lon, own.lat] }, properties: { category: 'manhole', source: 'online', description: `${MARK} volunteer` } })
    expect(made.status).toBe(201)
    const mine = (await volunteer.get('/api/layers/hazards/features')).body.features.map((f: { id: number }) => f.id)
    expect(mine).toEqual([made.body.id])
    expect((await volunteer.get(`/api/layers/hazards/features/${own.id}`)).status).toBe(404)
    expect((await volunteer.get('/api/layers/incidents/features')).status).toBe(403)
    expect((await volunteer.patch(`/api/layers/hazards/features/${made.body.id}`, { version: 1, properties: { description: 'x' } })).status).toBe(403)
  })
})
