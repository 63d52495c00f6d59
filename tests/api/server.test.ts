import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAYERS } from '../../data/catalog/layers.ts'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { authHeader } from '../helpers/accounts.ts'

describe('the HTTP app', () => {
  let t: TestDb
  let server: TestServer
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
  })
  afterAll(() => server.close())

  const get = (path: string) => fetch(server.url + path, { headers: authHeader('admin') })

  it('reports health with the backend and the PostGIS version the database itself gives', async () => {
    const res = await get('/api/health')
    expect(res.status).toBe(200)
    const body = await res.json()
    const version = await scalar<string>(t.db, sql`SELECT postgis_lib_version()`)
    expect(body).toEqual({ status: 'ok', database: { backend: process.env.DATABASE_URL ? 'postgres' : 'pglite', postgis: version } })
    expect(res.headers.get('x-powered-by')).toBeNull()
  })

  it('counts every catalogued layer and the story headlines, matching SQL counts', async () => {
    const body = (await (await get('/api/stats')).json()) as { layers: Record<string, number>; headlines: Record<string, number> }
    expect(Object.keys(body.layers).sort()).toEqual(LAYERS.map((l) => l.id).sort())
    for (const layer of LAYERS) {
      expect(body.layers[layer.id], layer.id).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM ${sql.table(layer.table)}`))
    }
    expect(body.headlines).toMatchObject({
      stations: 27, branches: 8, community_officers: 222, auxiliary_officers: 565, militia_orgs: 552, militia_informants: 1557,
      volunteer_orgs: 78, mediation_rooms: 600, disputes_resolved: 247, household_unit_disputes: 211, hazards: 1201,
      river_patrols: 189, patrol_ebikes: 99, points_activities: 23, volunteers_redeemed: 346,
    })
    expect(body.headlines.volunteers).toBeGreaterThan(3000)
    // The story's 十户联防 211 are the ten-household units' disputes; their other reports (hazards,
    // suspicious persons) are a figure of their own.
    expect(body.headlines.household_unit_reports).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM household_reports`))
    expect(body.headlines.household_unit_reports).toBeGreaterThan(211)
  })

  it('serves district boundaries as GeoJSON with lon/lat coordinates', async () => {
    const res = await get('/api/layers/admin-areas/features?level=district')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/application\/geo\+json/)
    const fc = (await res.json()) as { type: string; features: Array<{ properties: { name: string }; geometry: { type: string; coordinates: number[][][][] } }> }
    expect(fc.type).toBe('FeatureCollection')
    expect(fc.features.map((f) => f.properties.name).sort()).toEqual(['东丰县', '东辽县', '西安区', '龙山区'].sort())
    const [lon, lat] = fc.features[0]!.geometry.coordinates[0]![0]![0]! as [number, number]
    expect(lon).toBeGreaterThan(124.8)
    expect(lon).toBeLessThan(125.9)
    expect(lat).toBeGreaterThan(42.2)
    expect(lat).toBeLessThan(43.3)
  })

  it('filters by bbox with the index-friendly && operator', async () => {
    const bbox = [125.1, 42.85, 125.2, 42.95] as const
    const fc = (await (await get(`/api/layers/schools/features?bbox=${bbox.join(',')}`)).json()) as { features: unknown[] }
    const expected = await scalar<number>(t.db, sql`SELECT count(*)::int FROM schools WHERE geom && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)`)
    expect(expected).toBeGreaterThan(0)
    expect(fc.features).toHaveLength(expected)
  })

  it('rejects bad input with a clear JSON error', async () => {
    const cases: Array<[string, number, string]> = [
      ['/api/layers/no-such-layer/features', 404, 'unknown_layer'],
      ['/api/layers/schools/features?bbox=126,43,125,42', 400, 'invalid_query'],
      ['/api/layers/schools/features?bbox=1,2,3', 400, 'invalid_query'],
      ['/api/layers/schools/features?bbox=0,0,200,10', 400, 'invalid_query'],
      ['/api/layers/schools/features?limit=0', 400, 'invalid_query'],
      ['/api/layers/schools/features?colour=red', 400, 'unknown_property'],
      ['/api/nothing-here', 404, 'not_found'],
    ]
    for (const [path, status, code] of cases) {
      const res = await get(path)
      expect(res.status, path).toBe(status)
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe(code)
    }
  })

  it('treats SQL in a filter value as text', async () => {
    const res = await get(`/api/layers/schools/features?name=${encodeURIComponent("x'; DROP TABLE schools; --")}`)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { features: unknown[] }).features).toHaveLength(0)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM schools`)).toBeGreaterThan(0)
  })
})

describe('GET /api/config', () => {
  it('says there is no raster basemap by default, and describes Tianditu (CGCS2000, _w layers) when set', async () => {
    const t = await getTestDb()
    const plain = await listen(createApp({ database: t, logger: createLogger('silent') }))
    expect(await (await fetch(`${plain.url}/api/config`)).json()).toEqual({ basemap: null })
    await plain.close()
    const tdt = await listen(createApp({ database: t, logger: createLogger('silent'), basemap: { BASEMAP: 'tianditu', TIANDITU_KEY: 'k'.repeat(32), BASEMAP_DATUM: 'WGS84' } }))
    const body = (await (await fetch(`${tdt.url}/api/config`)).json()) as { basemap: { datum: string; tiles: string[]; overlayTiles: string[] } }
    expect(body.basemap.datum).toBe('CGCS2000')
    expect(body.basemap.tiles[0]).toMatch(/vec_w\/wmts.*tk=k{32}/)
    expect(body.basemap.overlayTiles[0]).toMatch(/cva_w/)
    await tdt.close()
  })
})
