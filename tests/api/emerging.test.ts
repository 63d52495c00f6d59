import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listenLong, type TestServer } from '../helpers/http.ts'
import { getTestDb, type TestDb } from '../helpers/test-db.ts'
import { authHeader } from '../helpers/accounts.ts'
import { emergingBinsToFeatureCollection, type EmergingBins } from '../../client/src/analysis/hex-bins.ts'

/**
 * Issue 18, emerging hot spots, against a fixture whose categories are known by construction:
 * incidents of 2004 (the demo city has none then) placed in three hexagons of 龙山区, month by
 * month. Counts are checked against SQL, one bin's z-score against Gi* recomputed here from
 * SQL's counts and neighbours. Rows are coded EHTEST- and deleted afterwards.
 */
type Bin = { id: string; properties: { i: number; j: number; category: string; total: number; hot_steps: number; cold_steps: number; trend_s: number; trend_p: number; counts: number[]; gi_z: Array<number | null> } }
type Answer = { parameters: Record<string, unknown>; summary: { bins: number; steps: number; points: number; categories: Record<string, number> }; steps: Array<{ start: string; end: string }>; features: Bin[] }

const DISTRICT = '220402'
const CELL = 500
const PERIOD = 'from=2004-01-01T00:00:00%2B08:00&to=2004-10-31T23:59:59%2B08:00'
const BASE = `/api/analysis/emerging-hotspots?layer=incidents&area=${DISTRICT}&cell=${CELL}&step=month&${PERIOD}`

describe('analysis: emerging hot spots', () => {
  let t: TestDb
  let server: TestServer
  let api: ReturnType<typeof apiClient>
  const placed: Record<'fresh' | 'rising' | 'run', { i: number; j: number }> = {} as never
  const cleanUp = () => sql`DELETE FROM incidents WHERE code LIKE 'EHTEST-%'`.execute(t.db)

  beforeAll(async () => {
    t = await getTestDb()
    await cleanUp()
    server = await listenLong(createApp({ database: t, logger: createLogger('silent') }))
    api = apiClient(server.url, 'command')
    // Three hexagons well inside the district, far apart (> 5 km): the first, middle and last by (i, j).
    const inside = (
      await sql<{ i: number; j: number }>`
        SELECT h.i, h.j FROM admin_areas a, ST_HexagonGrid(${CELL}::float8, ST_Transform(a.geom, 32651)) h
        WHERE a.code = ${DISTRICT} AND ST_Within(ST_Buffer(h.geom, 2000), ST_Transform(a.geom, 32651)) ORDER BY h.i, h.j`.execute(t.db)
    ).rows
    expect(inside.length).toBeGreaterThan(20)
    placed.fresh = inside[0]!
    placed.rising = inside[Math.floor(inside.length / 2)]!
    placed.run = inside.at(-1)!
    // fresh: 30 incidents in October only (new). rising: 20, 22, … 38 in January … October (hot
    // every month and more each month: intensifying). run: 25 in each of August–October (consecutive).
    const plan: Array<[{ i: number; j: number }, number, number]> = []
    for (let m = 1; m <= 10; m++) plan.push([placed.rising, m, 18 + 2 * m])
    plan.push([placed.fresh, 10, 30])
    for (const m of [8, 9, 10]) plan.push([placed.run, m, 25])
    let seq = 0
    for (const [bin, month, n] of plan) {
      await sql`
        INSERT INTO incidents (code, source, category, reported_at, geom)
        SELECT 'EHTEST-' || (${seq} + k), '110', 'theft', make_timestamptz(2004, ${month}, 10, 12, 0, 0, 'Asia/Shanghai'),
               ST_Transform(ST_Translate(ST_Centroid(ST_SetSRID(ST_Hexagon(${CELL}::float8, ${bin.i}, ${bin.j}), 32651)), 120 * cos(k), 120 * sin(k)), 4326)
        FROM generate_series(1, ${n}) k`.execute(t.db)
      seq += n
    }
  })
  afterAll(async () => {
    await cleanUp()
    await server.close()
  })

  it('classifies bins known by construction: new, intensifying, consecutive; the quiet rest has no pattern', async () => {
    const r = await api.get<Answer>(BASE)
    expect(r.status).toBe(200)
    const fc = r.body
    expect(fc.summary.steps).toBe(10)
    expect(fc.steps[0]!.start).toBe('2003-12-31T16:00:00.000Z')
    expect(fc.steps.at(-1)!.end).toBe('2004-10-31T16:00:00.000Z')
    expect(fc.summary.points).toBe(290 + 30 + 75)
    const bin = (b: { i: number; j: number }) => fc.features.find((f) => f.properties.i === b.i && f.properties.j === b.j)!.properties
    expect(bin(placed.fresh).category).toBe('new-hot')
    expect(bin(placed.fresh).counts).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 30])
    expect(bin(placed.rising).category).toBe('intensifying-hot')
    expect(bin(placed.rising).counts).toEqual([20, 22, 24, 26, 28, 30, 32, 34, 36, 38])
    expect(bin(placed.rising).hot_steps).toBe(10)
    expect(bin(placed.rising).trend_s).toBe(45)
    expect(bin(placed.run).category).toBe('consecutive-hot')
    // Listed hot spots carry their place: the village or community holding the bin's centre, and its town.
    const village = await sql<{ place: string }>`
      SELECT concat_ws(' · ', v.name, t.name) AS place FROM admin_areas v LEFT JOIN admin_areas t ON t.code = v.parent_code
      WHERE v.level = 'village' AND ST_Intersects(v.geom, ST_Transform(ST_Centroid(ST_SetSRID(ST_Hexagon(${CELL}::float8, ${placed.rising.i}, ${placed.rising.j}), 32651)), 4326))`.execute(t.db)
    expect((bin(placed.rising) as { place?: string }).place).toBe(village.rows[0]!.place)
    // Bins more than two rings from every placed one saw nothing near them: no pattern.
    const far = fc.features.filter((f) => f.properties.total === 0 && f.properties.hot_steps === 0)
    expect(far.length).toBeGreaterThan(fc.features.length / 2)
    expect(far.every((f) => f.properties.category === 'no-pattern' || f.properties.cold_steps > 0)).toBe(true)
    // Every category is counted once per bin.
    expect(Object.values(fc.summary.categories).reduce((s, n) => s + n, 0)).toBe(fc.features.length)
  })

  it('counts each bin and month as SQL does, and its Gi* z-score is the one recomputed from SQL\'s counts and neighbours', async () => {
    const fc = (await api.get<Answer>(BASE)).body
    const sqlCounts = (
      await sql<{ i: number; j: number; m: number; n: number }>`
        WITH a AS (SELECT ST_Transform(geom, 32651) AS g FROM admin_areas WHERE code = ${DISTRICT}),
        h AS (SELECT hx.i, hx.j, hx.geom FROM a, ST_HexagonGrid(${CELL}::float8, a.g) hx WHERE ST_Intersects(a.g, hx.geom))
        SELECT h.i, h.j, extract(month FROM p.reported_at AT TIME ZONE 'Asia/Shanghai')::int AS m, count(*)::int AS n
        FROM h JOIN incidents p ON ST_Intersects(h.geom, ST_Transform(p.geom, 32651))
        WHERE p.reported_at >= '2004-01-01T00:00:00+08:00' AND p.reported_at <= '2004-10-31T23:59:59+08:00'
        GROUP BY 1, 2, 3`.execute(t.db)
    ).rows
    const api3 = new Map(fc.features.map((f) => [f.id, f.properties.counts]))
    for (const c of sqlCounts) expect(api3.get(`${c.i}:${c.j}`)![c.m - 1], `${c.i}:${c.j} month ${c.m}`).toBe(c.n)
    expect(fc.features.reduce((s, f) => s + f.properties.total, 0)).toBe(sqlCounts.reduce((s, c) => s + c.n, 0))

    // Gi* of the rising bin in October (k = 1: its neighbourhood in September and October),
    // from the formula with the cube's mean and SD, the neighbours found by PostGIS (touching hexagons).
    const T = 10
    const all = fc.features.flatMap((f) => f.properties.counts)
    const n = all.length
    const mean = all.reduce((s, v) => s + v, 0) / n
    const sd = Math.sqrt(all.reduce((s, v) => s + (v - mean) ** 2, 0) / n)
    const { i, j } = placed.rising
    const near = (
      await sql<{ i: number; j: number }>`
        SELECT o.i, o.j FROM (SELECT ST_SetSRID(ST_Hexagon(${CELL}::float8, ${i}, ${j}), 32651) AS g) me,
          (SELECT ${sql.raw(String(i))} + di AS i, ${sql.raw(String(j))} + dj AS j FROM generate_series(-2, 2) di, generate_series(-2, 2) dj) o
        WHERE ST_Intersects(me.g, ST_SetSRID(ST_Hexagon(${CELL}::float8, o.i, o.j), 32651))`.execute(t.db)
    ).rows.filter((c) => api3.has(`${c.i}:${c.j}`))
    expect(near).toHaveLength(7)
    const local = near.reduce((s, c) => s + api3.get(`${c.i}:${c.j}`)![T - 1]! + api3.get(`${c.i}:${c.j}`)![T - 2]!, 0)
    const w = near.length * 2
    const z = (local - mean * w) / (sd * Math.sqrt((n * w - w * w) / (n - 1)))
    const got = fc.features.find((f) => f.id === `${i}:${j}`)!.properties.gi_z[T - 1]!
    expect(got).toBeCloseTo(z, 3)
  })

  it('answers in compact form (format=bins) the same bins, figures and series as the GeoJSON in fewer bytes; the client makes the same hexagons', async () => {
    const geo = (await api.get<Answer & { features: Array<Bin & { geometry: { coordinates: number[][][] } }> }>(BASE)).body
    const res = await fetch(`${server.url}${BASE}&format=bins`, { headers: authHeader('command') })
    expect(res.status).toBe(200)
    const text = await res.text()
    const drawn = emergingBinsToFeatureCollection(JSON.parse(text) as EmergingBins)
    expect(drawn.summary).toEqual(geo.summary)
    expect(drawn.steps).toEqual(geo.steps)
    expect(drawn.features).toHaveLength(geo.features.length)
    let worst = 0
    drawn.features.forEach((f, k) => {
      const g = geo.features[k]!
      const { gi_z, ...rest } = f.properties
      const { gi_z: geoZ, ...geoRest } = g.properties as typeof g.properties & { place: string | null }
      expect(rest, g.id).toEqual({ ...geoRest, place: (geoRest as { place?: string | null }).place ?? null })
      gi_z.forEach((z, t) => (z === null ? expect(geoZ[t]).toBeNull() : expect(Math.abs(z - geoZ[t]!)).toBeLessThanOrEqual(0.005 + 1e-9)))
      f.geometry.coordinates[0]!.forEach((v, n) => (worst = Math.max(worst, Math.abs(v[0]! - g.geometry.coordinates[0]![n]![0]!), Math.abs(v[1]! - g.geometry.coordinates[0]![n]![1]!))))
    })
    expect(worst).toBeLessThanOrEqual(1.0000001e-6)
    expect(text.length).toBeLessThan(JSON.stringify(geo).length * 0.7)
  })

  it('answers CSV with one row per bin, and refuses what it cannot compute with a reason', async () => {
    const csv = await api.get<string>(`${BASE}&format=csv`)
    expect(csv.status).toBe(200)
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\n')
    expect(lines[0]).toBe('i,j,lon,lat,category,place,total,hot_steps,cold_steps,trend_s,trend_z,trend_p,tau,final_gi_z')
    const geo = (await api.get<Answer>(BASE)).body
    expect(lines.length - 1).toBe(geo.features.length)
    expect(lines.filter((l) => l.split(',')[4] === 'intensifying-hot').length).toBe(geo.summary.categories['intensifying-hot'])
    const bad: Array<[string, string]> = [
      [`${BASE}&step=day`, 'invalid_query'],
      [`${BASE}&format=xml`, 'invalid_query'],
      [`${BASE}&k=-1`, 'invalid_query'],
      [`${BASE}&alpha=0.5`, 'invalid_query'],
      [`/api/analysis/emerging-hotspots?layer=incidents&area=${DISTRICT}&step=month&from=2004-01-01T00:00:00Z&to=2004-02-15T00:00:00Z`, 'too_few_steps'],
      [`/api/analysis/emerging-hotspots?layer=incidents&step=week&from=1990-01-01T00:00:00Z&to=2004-01-01T00:00:00Z`, 'too_many_steps'],
    ]
    for (const [path, code] of bad) {
      const r = await api.get<{ error: { code: string } }>(path)
      expect(r.status, path).toBe(400)
      expect(r.body.error.code, path).toBe(code)
    }
    // A volunteer has no analyses.
    expect((await apiClient(server.url, 'volunteer').get(BASE)).status).toBe(403)
  })
})
