import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { authHeader } from '../helpers/accounts.ts'
import { listenLong, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'
import { binsToFeatureCollection, type HexagonBins } from '../../client/src/analysis/hex-bins.ts'
import { densityGridToFeatureCollection } from '../../client/src/analysis/density-grid.ts'
import type { DensityGrid } from '../../server/src/contract/analysis.ts'

/**
 * Hotspots and density, each checked (the four-seasons screen: seasonal.test.ts) against an independent SQL
 * computation on the shared seeded database. Rows this file adds have codes starting HSTEST- and
 * report times in 2001/2002 (or past autumns for disputes), and are deleted afterwards.
 */

type Bin = { type: 'Feature'; id: string; geometry: { type: 'Polygon'; coordinates: number[][][] }; properties: { i: number; j: number; count: number; local_sum: number; neighbours: number; gi_z: number | null; gi_p: number | null; gi_q?: number | null; class: string } }
type Hotspots = { type: 'FeatureCollection'; parameters: any; summary: any; features: Bin[] }
type Density = { type: 'FeatureCollection'; parameters: any; summary: any; features: Array<{ geometry: { coordinates: [number, number] }; properties: { col: number; row: number; density: number } }> }

const DISTRICT = '220402' // 龙山区
const Y2001 = 'from=2001-01-01T00:00:00Z&to=2001-12-31T23:59:59Z'
const Y2002 = 'from=2002-01-01T00:00:00%2B08:00&to=2002-12-31T23:59:59%2B08:00'
// A 0.06° × 0.05° square (≈ 4.9 × 5.6 km) inside the city.
const SQUARE = { type: 'Polygon', coordinates: [[[125.2, 42.72], [125.26, 42.72], [125.26, 42.77], [125.2, 42.77], [125.2, 42.72]]] } as const
/** Centre of ST_HexagonGrid's cell (i, j), from the PostGIS source (lwgeom_generate_grid.c). */
const centre = (size: number, i: number, j: number) => [1.5 * size * i, Math.sqrt(3) * size * (j + 0.5 * (Math.abs(i) % 2))] as const

async function cleanUp(t: TestDb) {
  await sql`DELETE FROM incidents WHERE code LIKE 'HSTEST-%'`.execute(t.db)
  await sql`DELETE FROM disputes WHERE code LIKE 'HSTEST-%'`.execute(t.db)
}

describe('analysis: hotspots and density', () => {
  let t: TestDb
  let server: TestServer
  let api: ReturnType<typeof apiClient>
  beforeAll(async () => {
    t = await getTestDb()
    await cleanUp(t)
    server = await listenLong(createApp({ database: t, logger: createLogger('silent') }))
    api = apiClient(server.url)
  })
  afterAll(async () => {
    await cleanUp(t)
    await server.close()
  })

  it('rejects bad parameters with a 400 that says why', async () => {
    const cases: Array<[string, number, string, RegExp?]> = [
      ['/api/analysis/hotspots?layer=incidents&cell=0', 400, 'invalid_query', /cell must be greater than 0/],
      ['/api/analysis/hotspots?layer=incidents&cell=-250', 400, 'invalid_query', /cell/],
      ['/api/analysis/hotspots?layer=incidents&cell=abc', 400, 'invalid_query', /cell must be a number/],
      ['/api/analysis/hotspots?layer=incidents&cell=50', 400, 'cell_too_small', /limit is 200,000.*at least \d+ m/],
      ['/api/analysis/hotspots?layer=schools', 400, 'invalid_query', /layer must be one of incidents, disputes, hazards/],
      ['/api/analysis/hotspots', 400, 'invalid_query', /layer/],
      ['/api/analysis/hotspots?layer=incidents&season=monsoon', 400, 'invalid_query', /season must be one of spring, summer, autumn, winter/],
      ['/api/analysis/hotspots?layer=incidents&from=yesterday', 400, 'invalid_query', /RFC 3339/],
      ['/api/analysis/hotspots?layer=incidents&from=2026-13-01T00:00:00Z', 400, 'invalid_query', /RFC 3339/],
      ['/api/analysis/hotspots?layer=incidents&from=2026-02-30T00:00:00Z', 400, 'invalid_query', /RFC 3339/],
      ['/api/analysis/hotspots?layer=incidents&to=2026-01-01T24:00:00%2B08:00', 400, 'invalid_query', /RFC 3339/],
      ['/api/analysis/hotspots?layer=incidents&to=2026-03-01', 400, 'invalid_query', /RFC 3339/],
      ['/api/analysis/hotspots?layer=incidents&from=2026-06-01T00:00:00Z&to=2026-03-01T00:00:00Z', 400, 'invalid_query', /after/],
      ['/api/analysis/hotspots?layer=incidents&category=arson', 400, 'invalid_query', /category/],
      ['/api/analysis/hotspots?layer=incidents&band=-1', 400, 'invalid_query', /band/],
      ['/api/analysis/hotspots?layer=incidents&band=20000&cell=200', 400, 'band_too_wide', /limit is 500/],
      ['/api/analysis/hotspots?layer=incidents&fdr=maybe', 400, 'invalid_query', /fdr/],
      ['/api/analysis/hotspots?layer=incidents&colour=red', 400, 'invalid_query', /colour/],
      ['/api/analysis/hotspots?layer=incidents&area=nowhere', 400, 'invalid_query', /area/],
      ['/api/analysis/hotspots?layer=incidents&area=999999', 404, 'unknown_area'],
      ['/api/analysis/hotspots?layer=incidents&area=grid:999999', 404, 'unknown_area'],
      ['/api/analysis/hotspots?layer=incidents&area=station:999999', 404, 'unknown_area'],
      ['/api/analysis/density?layer=incidents&cell=0', 400, 'invalid_query', /cell/],
      ['/api/analysis/density?layer=incidents&cell=20', 400, 'cell_too_small', /limit is 200,000/],
      ['/api/analysis/density?layer=incidents&bandwidth=100&cell=250', 400, 'invalid_query', /bandwidth/],
      ['/api/analysis/density?layer=disputes&season=dry', 400, 'invalid_query', /season/],
      ['/api/analysis/seasonal?years=0', 400, 'invalid_query', /years/],
      ['/api/analysis/seasonal?grid=abc', 400, 'invalid_query', /grid/],
      ['/api/analysis/seasonal?at=tomorrow', 400, 'invalid_query', /RFC 3339/],
      ['/api/analysis/seasonal?grid=999999', 404, 'unknown_grid'],
    ]
    for (const [path, status, code, message] of cases) {
      const r = await api.get(path)
      expect(r.status, path).toBe(status)
      expect(r.body.error.code, path).toBe(code)
      if (message) expect(r.body.error.message, path).toMatch(message)
    }
  })

  it('rejects a drawn area that is not one valid polygon', async () => {
    const post = (body: unknown, query = 'layer=incidents') => api.post(`/api/analysis/hotspots?${query}`, body)
    let r = await post({ type: 'Point', coordinates: [125.2, 42.9] })
    expect([r.status, r.body.error.code]).toEqual([400, 'invalid_query'])
    expect(r.body.error.message).toMatch(/Polygon/)
    r = await post({ type: 'Polygon', coordinates: [[[125.2, 42.9], [125.3, 43.0], [125.3, 42.9], [125.2, 43.0], [125.2, 42.9]]] })
    expect([r.status, r.body.error.code]).toEqual([422, 'invalid_geometry'])
    expect(r.body.error.message).toMatch(/Self-intersection/i)
    r = await post({ type: 'Polygon', coordinates: [[[2.3, 48.8], [2.4, 48.8], [2.4, 48.9], [2.3, 48.8]]] })
    expect([r.status, r.body.error.code]).toEqual([400, 'invalid_query'])
    r = await post(SQUARE, `layer=incidents&area=${DISTRICT}`)
    expect([r.status, r.body.error.code]).toEqual([400, 'invalid_query'])
    r = await post({ type: 'Feature', properties: {}, geometry: SQUARE }, `layer=incidents&${Y2001}`)
    expect(r.status).toBe(200)
  })

  it('returns every hexagon that intersects the area, with per-bin counts and neighbourhoods matching SQL', async () => {
    const cell = 400
    const r = await api.get<Hotspots>(`/api/analysis/hotspots?layer=incidents&area=${DISTRICT}&cell=${cell}`)
    expect(r.status).toBe(200)
    const fc = r.body
    // Independently: the hexagons of ST_HexagonGrid that intersect the district, and the points in each.
    const hexes = await sql<{ i: number; j: number; n: number }>`
      WITH a AS MATERIALIZED (SELECT geom, ST_Transform(geom, 32651) AS g FROM admin_areas WHERE code = ${DISTRICT}),
      h AS MATERIALIZED (SELECT hx.i, hx.j, hx.geom FROM a, ST_HexagonGrid(${cell}, a.g) hx WHERE ST_Intersects(a.g, hx.geom)),
      p AS MATERIALIZED (SELECT ST_Transform(p.geom, 32651) AS g FROM incidents p, a WHERE ST_Intersects(a.geom, p.geom))
      SELECT h.i, h.j, count(p.g)::int AS n FROM h LEFT JOIN p ON h.geom && p.g AND ST_Intersects(h.geom, p.g) GROUP BY h.i, h.j`.execute(t.db)
    expect(fc.features).toHaveLength(hexes.rows.length)
    expect(fc.parameters.n).toBe(hexes.rows.length)
    const inDistrict = await scalar<number>(t.db, sql`SELECT count(*)::int FROM incidents p, admin_areas a WHERE a.code = ${DISTRICT} AND ST_Intersects(a.geom, p.geom)`)
    expect(inDistrict).toBeGreaterThan(100)
    expect(fc.features.reduce((s, f) => s + f.properties.count, 0)).toBe(inDistrict)
    expect(fc.summary.points).toBe(inDistrict)
    const expected = new Map(hexes.rows.map((h) => [`${h.i}:${h.j}`, h.n]))
    for (const f of fc.features) expect(f.properties.count, f.id).toBe(expected.get(`${f.properties.i}:${f.properties.j}`))

    // Neighbourhoods by ST_DWithin on the hexagons' centroids: the documented default band
    // (the six touching hexagons), then a wider band given explicitly (two rings: 13 bins).
    const wide = await api.get<Hotspots>(`/api/analysis/hotspots?layer=incidents&area=${DISTRICT}&cell=${cell}&band=1300`)
    expect(wide.status).toBe(200)
    expect(fc.parameters.band).toBeCloseTo(cell * Math.sqrt(3) * 1.01, 2)
    expect(fc.parameters.band_default).toBe(true)
    expect(fc.parameters.neighbourhood.bins_within_band).toBe(7)
    expect(wide.body.parameters).toMatchObject({ band: 1300, band_default: false, neighbourhood: { bins_within_band: 13 } })
    for (const [answer, band] of [[fc, cell * Math.sqrt(3) * 1.01], [wide.body, 1300]] as const) {
      const pairs = await sql<{ i: number; j: number; ni: number; nj: number }>`
        WITH a AS (SELECT ST_Transform(geom, 32651) AS g FROM admin_areas WHERE code = ${DISTRICT}),
        h AS (SELECT hx.i, hx.j, ST_Centroid(hx.geom) AS c FROM a, ST_HexagonGrid(${cell}, a.g) hx WHERE ST_Intersects(a.g, hx.geom))
        SELECT h1.i, h1.j, h2.i AS ni, h2.j AS nj FROM h h1 JOIN h h2 ON ST_DWithin(h1.c, h2.c, ${band})`.execute(t.db)
      const w = new Map<string, number>()
      const local = new Map<string, number>()
      for (const p of pairs.rows) {
        const k = `${p.i}:${p.j}`
        w.set(k, (w.get(k) ?? 0) + 1)
        local.set(k, (local.get(k) ?? 0) + expected.get(`${p.ni}:${p.nj}`)!)
      }
      expect(answer.features).toHaveLength(w.size)
      for (const f of answer.features) {
        const k = `${f.properties.i}:${f.properties.j}`
        expect(f.properties.neighbours, k).toBe(w.get(k))
        expect(f.properties.local_sum, k).toBe(local.get(k))
      }
    }
    // Geometry comes back in lon/lat: each hexagon as PostGIS's ST_Transform gives it, to the 6 decimals returned.
    const ref = await sql<{ i: number; j: number; g: { coordinates: number[][][] } }>`
      WITH a AS (SELECT ST_Transform(geom, 32651) AS g FROM admin_areas WHERE code = ${DISTRICT})
      SELECT hx.i, hx.j, ST_AsGeoJSON(ST_Transform(hx.geom, 4326), 9)::json AS g FROM a, ST_HexagonGrid(${cell}, a.g) hx WHERE ST_Intersects(a.g, hx.geom)`.execute(t.db)
    const refById = new Map(ref.rows.map((h) => [`${h.i}:${h.j}`, typeof h.g === 'string' ? JSON.parse(h.g) : h.g]))
    let worst = 0
    for (const f of fc.features) {
      expect(f.geometry.type).toBe('Polygon')
      const mine = f.geometry.coordinates[0]!
      const theirs = refById.get(f.id)!.coordinates[0]! as number[][]
      expect(mine).toHaveLength(7)
      for (let k = 0; k < 7; k++) worst = Math.max(worst, Math.abs(mine[k]![0]! - theirs[k]![0]!), Math.abs(mine[k]![1]! - theirs[k]![1]!))
    }
    expect(worst).toBeLessThan(6e-7)
    const classSum = Object.values(fc.summary.classes as Record<string, number>).reduce((a, b) => a + b, 0)
    expect(classSum).toBe(fc.features.length)
  })

  it('answers in compact form (format=bins) the same bins and figures as the GeoJSON, in a fraction of the bytes; the client makes PostGIS\'s hexagons from them', async () => {
    const cell = 250
    const base = `/api/analysis/hotspots?layer=incidents&area=${DISTRICT}&cell=${cell}&fdr=true`
    const geo = await api.get<Hotspots>(base)
    const compact = await fetch(`${server.url}${base}&format=bins`, { headers: authHeader('admin') })
    expect(compact.status).toBe(200)
    expect(compact.headers.get('content-type')).toMatch(/^application\/json/)
    const text = await compact.text()
    const bins = JSON.parse(text) as HexagonBins
    expect(bins.type).toBe('HexagonBins')
    expect(bins.parameters).toEqual(geo.body.parameters)
    expect(bins.summary).toEqual(geo.body.summary)
    expect(bins.lattice).toMatchObject({ crs: 'EPSG:32651', size: cell })
    expect(bins.columns).toEqual(['i', 'j', 'count', 'local_sum', 'neighbours', 'gi_z', 'gi_p', 'gi_q', 'class'])
    // Every bin, in the same order, with the same numbers and class.
    expect(bins.bins.map((b) => [b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], bins.class_names[b[8]!]])).toEqual(
      geo.body.features.map((f) => [f.properties.i, f.properties.j, f.properties.count, f.properties.local_sum, f.properties.neighbours, f.properties.gi_z, f.properties.gi_p, f.properties.gi_q, f.properties.class]),
    )
    const geoBytes = Buffer.byteLength(JSON.stringify(geo.body))
    expect(text.length).toBeLessThan(geoBytes * 0.25)
    // The client's hexagons (proj4 from the answer's lattice) are the server's, which are ST_Hexagon's.
    const drawn = binsToFeatureCollection(bins)
    expect(drawn.features).toHaveLength(geo.body.features.length)
    let worst = 0
    drawn.features.forEach((f, k) => {
      expect(f.id).toBe(geo.body.features[k]!.id)
      expect(f.properties).toEqual(geo.body.features[k]!.properties)
      const want = geo.body.features[k]!.geometry.coordinates[0]!
      f.geometry.coordinates[0]!.forEach((v, n) => (worst = Math.max(worst, Math.abs(v[0]! - want[n]![0]!), Math.abs(v[1]! - want[n]![1]!))))
    })
    expect(worst).toBeLessThanOrEqual(1.0000001e-6)
    // And against PostGIS itself for a few bins.
    for (const f of drawn.features.slice(0, 5)) {
      const ring = await sql<{ x: number; y: number }>`
        SELECT ST_X(d.geom) AS x, ST_Y(d.geom) AS y FROM ST_DumpPoints(ST_Transform(ST_SetSRID(ST_Hexagon(${cell}::float8, ${f.properties.i}, ${f.properties.j}), 32651), 4326)) d ORDER BY d.path`.execute(t.db)
      ring.rows.forEach((v, n) => {
        expect(Math.abs(v.x - f.geometry.coordinates[0]![n]![0]!)).toBeLessThan(2e-6)
        expect(Math.abs(v.y - f.geometry.coordinates[0]![n]![1]!)).toBeLessThan(2e-6)
      })
    }
  })

  it('answers the density surface in compact form (format=grid) with the same points and figures; the client places them where PostGIS does', async () => {
    const base = `/api/analysis/density?layer=incidents&cell=250&area=${DISTRICT}`
    const geo = await api.get<Density>(base)
    expect(geo.status).toBe(200)
    const compact = await fetch(`${server.url}${base}&format=grid`, { headers: authHeader('admin') })
    expect(compact.headers.get('content-type')).toMatch(/^application\/json/)
    const text = await compact.text()
    const grid = JSON.parse(text) as DensityGrid
    expect([grid.type, grid.grid.crs, grid.grid.cell]).toEqual(['DensityGrid', 'EPSG:32651', 250])
    expect(grid.parameters).toEqual(geo.body.parameters)
    expect(grid.summary).toEqual(geo.body.summary)
    expect(grid.points.length).toBeGreaterThan(100)
    expect(text.length).toBeLessThan(Buffer.byteLength(JSON.stringify(geo.body)) * 0.3)
    const drawn = densityGridToFeatureCollection(grid)
    expect(drawn.features.map((f) => f.properties)).toEqual(geo.body.features.map((f) => f.properties))
    let worst = 0
    drawn.features.forEach((f, k) => {
      const want = geo.body.features[k]!.geometry.coordinates
      worst = Math.max(worst, Math.abs(f.geometry.coordinates[0]! - want[0]), Math.abs(f.geometry.coordinates[1]! - want[1]))
    })
    expect(worst).toBeLessThanOrEqual(1.0000001e-6)
    // PostGIS places a few of them the same.
    for (const f of drawn.features.slice(0, 5)) {
      const p = await sql<{ x: number; y: number }>`
        SELECT ST_X(g) AS x, ST_Y(g) AS y FROM ST_Transform(ST_SetSRID(ST_MakePoint((${f.properties.col} + 0.5) * 250, (${f.properties.row} + 0.5) * 250), 32651), 4326) g`.execute(t.db)
      expect(Math.abs(p.rows[0]!.x - f.geometry.coordinates[0]!)).toBeLessThan(2e-6)
      expect(Math.abs(p.rows[0]!.y - f.geometry.coordinates[1]!)).toBeLessThan(2e-6)
    }
  })

  it('counts with the filters exactly as SQL does, also for a station area made of grid cells', async () => {
    const q = 'layer=incidents&category=theft,fight&season=summer&from=2026-01-01T00:00:00%2B08:00&to=2026-12-31T23:59:59%2B08:00'
    const r = await api.get<Hotspots>(`/api/analysis/hotspots?${q}&cell=1000`)
    expect(r.status).toBe(200)
    // Season written out by month in Asia/Shanghai, not through the server's season_of().
    const expected = await scalar<number>(t.db, sql`
      SELECT count(*)::int FROM incidents p, admin_areas a WHERE a.level = 'city' AND ST_Intersects(a.geom, p.geom)
        AND p.category IN ('theft', 'fight') AND extract(month FROM p.reported_at AT TIME ZONE 'Asia/Shanghai') IN (6, 7, 8)
        AND p.reported_at BETWEEN '2026-01-01T00:00:00+08:00' AND '2026-12-31T23:59:59+08:00'`)
    expect(expected).toBeGreaterThan(0)
    expect(r.body.features.reduce((s, f) => s + f.properties.count, 0)).toBe(expected)
    expect(r.body.parameters).toMatchObject({ layer: 'incidents', category: ['theft', 'fight'], season: 'summer', cell: 1000, fdr: false, area: { kind: 'city' } })
    // Nothing matches: every bin is still there, with count 0 and no Gi* (S = 0).
    const none = await api.get<Hotspots>('/api/analysis/hotspots?layer=hazards&cell=1000&from=1990-01-01T00:00:00Z&to=1990-12-31T00:00:00Z')
    expect(none.status).toBe(200)
    expect(none.body.features).toHaveLength(r.body.features.length)
    expect(none.body.features.every((f) => f.properties.count === 0 && f.properties.gi_z === null && f.properties.class === 'not-significant')).toBe(true)
    expect(none.body.summary).toMatchObject({ points: 0, undefined_z: r.body.features.length })

    const station = await scalar<number>(t.db, sql`SELECT station_id FROM grid_cells GROUP BY station_id ORDER BY count(*) DESC, station_id LIMIT 1`)
    const s = await api.get<Hotspots>(`/api/analysis/hotspots?layer=disputes&area=station:${station}&cell=300`)
    expect(s.status).toBe(200)
    const cells = sql`SELECT ST_Transform(geom, 32651) AS g, geom FROM grid_cells WHERE station_id = ${station}`
    const bins = await scalar<number>(t.db, sql`
      WITH c AS (${cells}), h AS (SELECT hx.i, hx.j, hx.geom FROM (SELECT ST_Collect(g) AS g FROM c) b, ST_HexagonGrid(300, b.g) hx)
      SELECT count(*)::int FROM h WHERE EXISTS (SELECT 1 FROM c WHERE ST_Intersects(c.g, h.geom))`)
    const points = await scalar<number>(t.db, sql`SELECT count(*)::int FROM disputes p WHERE EXISTS (SELECT 1 FROM (${cells}) c WHERE ST_Intersects(c.geom, p.geom))`)
    expect(s.body.features).toHaveLength(bins)
    expect(s.body.features.reduce((a, f) => a + f.properties.count, 0)).toBe(points)
    expect(s.body.parameters.area).toMatchObject({ kind: 'station', id: station })
  })

  it('finds a single dense cluster in an otherwise uniform field hot at 99 %, and nothing far from it', async () => {
    const cell = 300
    // Two points in every hexagon lying wholly in the square, forty more around one central hexagon's centre.
    const inserted = await sql<{ n: number }>`
      WITH sq AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(SQUARE)}), 4326), 32651) AS g),
      hex AS (SELECT ST_Centroid(h.geom) AS c, ST_Distance(ST_Centroid(h.geom), ST_Centroid(sq.g)) AS d FROM sq, ST_HexagonGrid(${cell}, sq.g) h WHERE ST_Within(h.geom, sq.g)),
      field AS (SELECT ST_Translate(c, dx, 0) AS p FROM hex, (VALUES (-60), (60)) v(dx)),
      cluster AS (
        SELECT ST_Translate(c, 90 * cos(k * 0.7) * (k % 4) / 4.0, 90 * sin(k * 0.7) * (k % 4) / 4.0) AS p
        FROM (SELECT c FROM hex ORDER BY d LIMIT 1) x, generate_series(1, 40) k
      ),
      ins AS (
        INSERT INTO incidents (code, source, category, reported_at, geom)
        SELECT 'HSTEST-C-' || row_number() OVER (), '110', 'other', '2001-06-15T12:00:00Z', ST_Transform(p, 4326)
        FROM (SELECT p FROM field UNION ALL SELECT p FROM cluster) a
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM ins`.execute(t.db)
    const added = inserted.rows[0]!.n
    expect(added).toBeGreaterThan(150)

    for (const fdr of [false, true]) {
      const r = await api.post<Hotspots>(`/api/analysis/hotspots?layer=incidents&cell=${cell}&${Y2001}${fdr ? '&fdr=true' : ''}`, SQUARE)
      expect(r.status).toBe(200)
      const fc = r.body
      expect(fc.parameters.fdr).toBe(fdr)
      expect(fc.parameters.area).toMatchObject({ kind: 'polygon' })
      expect(fc.features.reduce((s, f) => s + f.properties.count, 0)).toBe(added)
      const hexCount = await scalar<number>(t.db, sql`
        WITH sq AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(SQUARE)}), 4326), 32651) AS g)
        SELECT count(*)::int FROM sq, ST_HexagonGrid(${cell}, sq.g) h WHERE ST_Intersects(sq.g, h.geom)`)
      expect(fc.features).toHaveLength(hexCount)
      const hot = fc.features.reduce((a, b) => (b.properties.count > a.properties.count ? b : a))
      expect(hot.properties.count).toBe(42)
      expect(hot.properties.class).toBe('hot-99')
      if (fdr) expect(hot.properties.gi_q).toBeLessThanOrEqual(0.01)
      const [hx, hy] = centre(cell, hot.properties.i, hot.properties.j)
      const band = fc.parameters.band as number
      let far = 0
      for (const f of fc.features) {
        const [x, y] = centre(cell, f.properties.i, f.properties.j)
        const d = Math.hypot(x - hx, y - hy)
        // every bin whose neighbourhood holds the cluster is hot too; beyond two bands none is
        if (d <= band) expect(f.properties.class, f.id).toMatch(/^hot-/)
        if (d > 2 * band) {
          far++
          expect(f.properties.class, f.id).not.toMatch(/^hot-/)
        }
      }
      expect(far).toBeGreaterThan(50)
      expect(fc.summary.classes['hot-99']).toBeGreaterThanOrEqual(7)
    }
    await sql`DELETE FROM incidents WHERE code LIKE 'HSTEST-C-%'`.execute(t.db)
  })

  it('integrates the density surface to the number of points, and matches the kernel sum SQL gives', async () => {
    const n = 300
    // A sunflower disc (uniform) of radius 1.5 km at the centre of the district's largest inscribed circle.
    await sql`
      WITH c AS (SELECT (ST_MaximumInscribedCircle(ST_Transform(geom, 32651))).center AS c FROM admin_areas WHERE code = ${DISTRICT})
      INSERT INTO incidents (code, source, category, reported_at, geom)
      SELECT 'HSTEST-D-' || k, '12345', 'noise', '2002-05-01T10:00:00+08:00',
        ST_Transform(ST_Translate(c, 1500 * sqrt((k + 0.5) / ${n}) * cos(k * 2.399963), 1500 * sqrt((k + 0.5) / ${n}) * sin(k * 2.399963)), 4326)
      FROM c, generate_series(0, ${n - 1}) k`.execute(t.db)
    const cell = 100
    const h = 800
    const r = await api.get<Density>(`/api/analysis/density?layer=incidents&area=${DISTRICT}&${Y2002}&cell=${cell}&bandwidth=${h}`)
    expect(r.status).toBe(200)
    const fc = r.body
    expect(fc.summary.points).toBe(n)
    expect(fc.parameters).toMatchObject({ bandwidth: h, bandwidth_default: false, cell, unit: 'points per km²' })
    const integral = fc.features.reduce((s, f) => s + (f.properties.density * cell * cell) / 1e6, 0)
    expect(Math.abs(integral - n) / n).toBeLessThan(0.01)
    // The peak, recomputed in SQL: Σ 3/π (1 − (d/h)²)² / h² over points within h, per km².
    const peak = fc.features.reduce((a, b) => (b.properties.density > a.properties.density ? b : a))
    const { col, row } = peak.properties
    const sqlDensity = await scalar<number>(t.db, sql`
      SELECT 1e6 * sum(3 / pi() * (1 - (d / ${h}::float8) ^ 2) ^ 2 / ${h * h}::float8) FROM (
        SELECT ST_Distance(ST_Transform(geom, 32651), ST_SetSRID(ST_MakePoint((${col} + 0.5) * ${cell}::float8, (${row} + 0.5) * ${cell}::float8), 32651)) AS d
        FROM incidents WHERE code LIKE 'HSTEST-D-%'
      ) x WHERE d < ${h}`)
    expect(peak.properties.density / sqlDensity).toBeCloseTo(1, 5)
    const [plon, plat] = peak.geometry.coordinates
    const at = await sql<{ lon: number; lat: number }>`
      SELECT ST_X(g) AS lon, ST_Y(g) AS lat FROM ST_Transform(ST_SetSRID(ST_MakePoint((${col} + 0.5) * ${cell}::float8, (${row} + 0.5) * ${cell}::float8), 32651), 4326) AS g`.execute(t.db)
    expect(Math.abs(plon - at.rows[0]!.lon)).toBeLessThan(6e-7)
    expect(Math.abs(plat - at.rows[0]!.lat)).toBeLessThan(6e-7)

    // The default bandwidth: ArcGIS's rule recomputed in SQL from the same points.
    const rule = await sql<{ sd: number; dm: number }>`
      WITH p AS (SELECT ST_X(q) AS x, ST_Y(q) AS y FROM (SELECT ST_Transform(geom, 32651) AS q FROM incidents WHERE code LIKE 'HSTEST-D-%') s),
      d AS (SELECT sqrt((x - mx) ^ 2 + (y - my) ^ 2) AS dist FROM p, (SELECT avg(x) AS mx, avg(y) AS my FROM p) m)
      SELECT sqrt(avg(dist ^ 2)) AS sd, percentile_cont(0.5) WITHIN GROUP (ORDER BY dist) AS dm FROM d`.execute(t.db)
    const { sd, dm } = rule.rows[0]!
    const expectedH = Math.max(0.9 * Math.min(sd, Math.sqrt(1 / Math.log(2)) * dm) * n ** -0.2, 2 * cell)
    const auto = await api.get<Density>(`/api/analysis/density?layer=incidents&area=${DISTRICT}&${Y2002}&cell=${cell}`)
    expect(auto.status).toBe(200)
    expect(auto.body.parameters.bandwidth_default).toBe(true)
    expect(auto.body.parameters.bandwidth / expectedH).toBeCloseTo(1, 5)
    expect(Math.abs(auto.body.summary.integral - n) / n).toBeLessThan(0.02)
    await sql`DELETE FROM incidents WHERE code LIKE 'HSTEST-D-%'`.execute(t.db)
  })
})
