import type { LineString, Polygon } from 'geojson'
import { sql } from 'kysely'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { loadConfig } from '../../server/src/config.ts'
import { createDb, type DbHandle } from '../../server/src/db/create-db.ts'
import { MAX_VERTICES } from '../../server/src/features/geometry-schema.ts'
import { createLogger } from '../../server/src/logger.ts'
import { openDatabase } from '../../server/src/startup.ts'
import { apiClient, tableCount } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { createScratchDatabase, getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const PG = Boolean(process.env.DATABASE_URL)
/** Liaoyuan's centre: metric work is in UTM 51N, the hotspot area must lie in 117°E–129°E. */
const C = [125.14, 42.89] as const

/** A closed ring of `positions` positions (the last repeats the first) around the centre. */
function circle(positions: number, r = 0.03, dx = 0): Polygon {
  const ring: number[][] = []
  for (let i = 0; i < positions - 1; i++) {
    const a = (2 * Math.PI * i) / (positions - 1)
    ring.push([+(C[0] + dx + r * Math.cos(a)).toFixed(7), +(C[1] + r * 0.75 * Math.sin(a)).toFixed(7)])
  }
  ring.push(ring[0]!)
  return { type: 'Polygon', coordinates: [ring] }
}

/** A west–east line across the centre, `n` vertices, zig-zagging `amp` degrees north and back at every vertex. */
function zigzag(n: number, length = 0.1, amp = 0.0001): LineString {
  const c: number[][] = []
  for (let i = 0; i < n; i++) c.push([+(C[0] - length / 2 + (length * i) / (n - 1)).toFixed(7), +(C[1] + (i % 2 ? amp : 0)).toFixed(7)])
  return { type: 'LineString', coordinates: c }
}

/**
 * Issue 14 item 4: a geometry over 10,000 vertices is refused before any SQL (413
 * too_many_vertices naming the limit and the count) on every endpoint that takes one; a long
 * zig-zag route is buffered in pieces (bounded, and the same answer); and on PostgreSQL the
 * server's statements have a statement_timeout (503 with Retry-After) that migrations and the
 * demo seed at start-up never meet.
 */
describe('expensive requests are bounded', () => {
  let t: TestDb
  let server: TestServer
  let planner: ReturnType<typeof apiClient>
  let admin: ReturnType<typeof apiClient>

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
    planner = apiClient(server.url, 'planner')
    admin = apiClient(server.url, 'admin')
  })
  afterAll(async () => {
    await server.close()
  })

  const timed = async (label: string, run: () => Promise<{ status: number; body: any }>) => {
    const t0 = performance.now()
    const r = await run()
    const ms = Math.round(performance.now() - t0)
    console.log(`[bounded ${PG ? 'postgres' : 'pglite'}] ${label}: ${r.status} in ${ms} ms`)
    return { ...r, ms }
  }

  it('refuses 50,000 vertices with 413 too_many_vertices, naming the limit and the count, on every endpoint that takes a geometry', async () => {
    const big = circle(50_001)
    const bigLine = zigzag(50_000)
    const small = circle(65)
    const zonesBefore = await tableCount(t.db, 'patrol_zones')
    const cases: Array<[string, () => Promise<{ status: number; body: any }>, string, number]> = [
      ['preview, 50,000-vertex zone', () => planner.post('/api/analysis/workload/preview', { geometry: big }), 'geometry', 50_001],
      ['preview, 50,000-vertex drawn route', () => planner.post('/api/analysis/workload/preview', { geometry: small, routes: [bigLine] }), 'routes.0', 50_000],
      ['split, 50,000-vertex zone', () => planner.post('/api/planner/split', { geometry: big, line: zigzag(2) }), 'geometry', 50_001],
      ['split, 50,000-vertex line', () => planner.post('/api/planner/split', { geometry: small, line: bigLine }), 'line', 50_000],
      ['merge, one 50,000-vertex zone', () => planner.post('/api/planner/merge', { geometries: [small, big] }), 'geometries.1', 50_001],
      ['hotspots, 50,000-vertex area', () => planner.post('/api/analysis/hotspots?layer=hazards', big), 'area', 50_001],
      ['create a 50,000-vertex patrol zone', () => planner.post('/api/layers/patrol-zones/features', { geometry: big, properties: { name: 'BOUNDED-TEST', station_id: 1, team: 'x', priority: 1 } }), 'geometry', 50_001],
    ]
    for (const [label, run, where, count] of cases) {
      const r = await timed(label, run)
      expect(r.status, label).toBe(413)
      expect(r.body.error.code, label).toBe('too_many_vertices')
      expect(r.body.error.message, label).toContain('10,000')
      expect(r.body.error.message, label).toContain(count.toLocaleString('en'))
      expect(r.body.error.message.startsWith(`${where}: `), `${label}: ${r.body.error.message}`).toBe(true)
      expect(r.body.error.details, label).toEqual({ limit: MAX_VERTICES, count, path: where })
      // Refused while reading the body, long before the 2.9–9.5 s the database spent on it.
      expect(r.ms, label).toBeLessThan(10_000)
    }
    expect(await tableCount(t.db, 'patrol_zones')).toBe(zonesBefore)
  })

  it('takes exactly 10,000 vertices and refuses 10,001; the drawn routes of a preview share one budget', async () => {
    const at = await timed('preview, 10,000-vertex zone', () => planner.post('/api/analysis/workload/preview', { geometry: circle(MAX_VERTICES) }))
    expect(at.status).toBe(200)
    expect(at.body.area_m2).toBeGreaterThan(0)
    const over = await planner.post('/api/analysis/workload/preview', { geometry: circle(MAX_VERTICES + 1) })
    expect(over.status).toBe(413)
    expect(over.body.error.details).toEqual({ limit: MAX_VERTICES, count: MAX_VERTICES + 1, path: 'geometry' })
    const split = await timed('split, 10,000-vertex zone', () => planner.post('/api/planner/split', { geometry: circle(MAX_VERTICES), line: zigzag(2) }))
    expect(split.status).toBe(200)
    expect(split.body.parts.length).toBe(2)
    const area = await timed('hotspots, 10,000-vertex area', () => planner.post('/api/analysis/hotspots?layer=hazards', circle(MAX_VERTICES)))
    expect(area.status).toBe(200)
    // Two routes of 6,000: each within the limit, together over it.
    const both = await planner.post('/api/analysis/workload/preview', { geometry: circle(65), routes: [zigzag(6000), zigzag(6000, 0.05)] })
    expect(both.status).toBe(413)
    expect(both.body.error).toMatchObject({ code: 'too_many_vertices', details: { limit: MAX_VERTICES, count: 12_000, path: 'routes' } })
    expect(both.body.error.message).toContain('12,000')
  })

  it('buffers a zig-zag route in pieces: the same length inside the zone, the covered area within the arcs\' drawing of the exact buffer', async () => {
    // A 4 km square east of the city (nothing saved there), a 300-vertex zig-zag route across it.
    const zone = JSON.parse(await scalar<string>(t.db, sql`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(898000, 4758000, 902000, 4762000, 32651), 4326), 9)`)) as Polygon
    const route = JSON.parse(await scalar<string>(t.db, sql`
      SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_MakeLine(ARRAY(
        SELECT ST_MakePoint(897500 + i * 5000.0 / 299, 4760000 + CASE WHEN i % 2 = 1 THEN 12 ELSE 0 END) FROM generate_series(0, 299) i)), 32651), 4326), 9)`)) as LineString
    const r = await timed('preview, 300-vertex zig-zag route', () => planner.post('/api/analysis/workload/preview', { geometry: zone, routes: [route], buffer: 200 }))
    expect(r.status).toBe(200)
    const z = sql`ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(zone)}), 4326), 32651)`
    const l = sql`ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(route)}), 4326), 32651)`
    const exact = (await sql<{ route_m: number; covered_m2: number }>`
      SELECT ST_Length(ST_Intersection(${l}, ${z}))::float8 AS route_m, ST_Area(ST_Intersection(${z}, ST_Buffer(${l}, 200)))::float8 AS covered_m2`.execute(t.db)).rows[0]!
    expect(Math.abs(r.body.route_m - exact.route_m) / exact.route_m).toBeLessThan(1e-9)
    expect(exact.covered_m2).toBeGreaterThan(1_500_000)
    expect(Math.abs(r.body.covered_m2 - exact.covered_m2) / exact.covered_m2).toBeLessThan(0.005)
  })

  it('answers a 10,000-vertex zig-zag route in seconds (it took minutes on PostgreSQL and crashed PGlite when buffered whole)', async () => {
    const r = await timed('preview, 10,000-vertex zig-zag route (8 km, 11 m teeth)', () => planner.post('/api/analysis/workload/preview', { geometry: circle(65), routes: [zigzag(MAX_VERTICES)] }))
    expect(r.status).toBe(200)
    expect(r.body.route_m).toBeGreaterThan(0)
    expect(r.ms).toBeLessThan(60_000)
    // The database still answers afterwards.
    expect((await admin.get('/api/layers/schools/features?limit=1')).status).toBe(200)
  })

  it('runs a function without the statement timeout on either database (PGlite: directly)', async () => {
    expect(await t.unbounded(async (db) => scalar<number>(db, sql`SELECT 1`))).toBe(1)
  })

  describe.skipIf(!PG)('statement_timeout (PostgreSQL)', () => {
    let bounded: DbHandle
    let boundedServer: TestServer
    beforeAll(async () => {
      bounded = await createDb({ databaseUrl: process.env.DATABASE_URL!, poolSize: 2, statementTimeoutMs: 100 })
      boundedServer = await listen(createApp({ database: bounded, logger: createLogger('silent') }))
    })
    afterAll(async () => {
      await boundedServer?.close()
      await bounded?.close()
    })

    it('cancels a statement past the timeout: the request answers 503 with Retry-After, no SQL', async () => {
      expect(await scalar<string>(bounded.db, sql`current_setting('statement_timeout')`)).toBe('100ms')
      const err = await sql`SELECT pg_sleep(0.5)`.execute(bounded.db).then(() => null, (e: { code?: string }) => e)
      expect(err?.code).toBe('57014')
      const r = await fetch(`${boundedServer.url}/api/analysis/workload/preview`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer pgt_test-planner-0000000000000000000000' },
        body: JSON.stringify({ geometry: circle(MAX_VERTICES), routes: [zigzag(MAX_VERTICES)] }),
      })
      const text = await r.text()
      expect(r.status, text).toBe(503)
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(JSON.parse(text).error.code).toBe('timeout')
      expect(text).not.toMatch(/SELECT|ST_|canceling statement/)
      // The pool is fine afterwards.
      expect((await fetch(`${boundedServer.url}/api/layers/schools/features?limit=1`, { headers: { authorization: 'Bearer pgt_test-planner-0000000000000000000000' } })).status).toBe(200)
    })

    it('runs `unbounded` work without the timeout, and gives the connection its timeout back afterwards', async () => {
      const pid = await bounded.unbounded(async (db) => {
        expect(await scalar<string>(db, sql`current_setting('statement_timeout')`)).toBe('0')
        await sql`SELECT pg_sleep(0.3)`.execute(db)
        return scalar<number>(db, sql`pg_backend_pid()`)
      })
      // Holding both connections of the pool at once: the one `unbounded` used has its timeout back.
      const seen = await bounded.db.connection().execute((a) =>
        bounded.db.connection().execute(async (b) =>
          Promise.all([a, b].map(async (db) => ({ pid: await scalar<number>(db, sql`pg_backend_pid()`), timeout: await scalar<string>(db, sql`current_setting('statement_timeout')`) }))),
        ),
      )
      expect(seen.map((s) => s.pid)).toContain(pid)
      expect(seen.map((s) => s.timeout)).toEqual(['100ms', '100ms'])
    })

    it('migrates and seeds a new database at start-up without meeting the timeout (50 ms), then serves with it', async () => {
      const scratch = await createScratchDatabase(`pingan_bounded_${process.pid}`)
      const dataDir = mkdtempSync(path.join(tmpdir(), 'pingan-bounded-'))
      let opened: DbHandle | null = null
      try {
        const config = loadConfig({ DATABASE_URL: scratch.url, STATEMENT_TIMEOUT_MS: '50', DATA_DIR: dataDir, ADMIN_PASSWORD: 'bounded-test-password', NODE_ENV: 'test' })
        expect(config.STATEMENT_TIMEOUT_MS).toBe(50)
        opened = await openDatabase(config, createLogger('silent'))
        expect(await scalar<number>(opened.db, sql`SELECT count(*)::int FROM hazards`)).toBeGreaterThan(1000)
        expect(await scalar<number>(opened.db, sql`SELECT count(*)::int FROM users`)).toBeGreaterThan(0)
        expect(await scalar<string>(opened.db, sql`current_setting('statement_timeout')`)).toBe('50ms')
      } finally {
        await opened?.close()
        await scratch.drop()
        rmSync(dataDir, { recursive: true, force: true })
      }
    })
  })

  it('has a 15 s default and accepts 0 (off); refuses nonsense', () => {
    expect(loadConfig({}).STATEMENT_TIMEOUT_MS).toBe(15_000)
    expect(loadConfig({ STATEMENT_TIMEOUT_MS: '0' }).STATEMENT_TIMEOUT_MS).toBe(0)
    expect(() => loadConfig({ STATEMENT_TIMEOUT_MS: 'soon' })).toThrow(/STATEMENT_TIMEOUT_MS/)
  })
})
