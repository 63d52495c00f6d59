import { gzipSync } from 'node:zlib'
import { sql } from 'kysely'
import { seedDemo } from '../../data/seed/seed-demo.ts'
import { createApp } from '../../server/src/app.ts'
import { migrateToLatest } from '../../server/src/db/migrate.ts'
import { createLogger } from '../../server/src/logger.ts'
import { benchAuth } from '../helpers/accounts.ts'
import { listen } from '../helpers/http.ts'
import { openScratch, timeIt } from './bench-db.ts'

/**
 * `npm run bench:coverage` — coverage of every grid cell of the demo city through the HTTP API
 * (200 m buffer around the patrol routes, households, hazards and schools covered, the uncovered
 * part as geometry), then with 10× the routes coverage is computed from (each route copied nine
 * times, shifted by up to 300 m; the completed patrols likewise, for "last patrol") to show how the
 * time grows. Baseline in the same run: the same core work written once in SQL — each cell's area
 * within the union of the buffered routes that reach it — on the same data.
 * Goal: the demo city under 1 s on PostgreSQL. Medians of 3 after one warm-up.
 */
const { database, drop } = await openScratch('pingan_bench_coverage')
try {
  await migrateToLatest(database.db)
  await seedDemo(database.db, { seed: 1, anchor: '2026-11-01T09:00:00+08:00' })
  const auth = await benchAuth(database.db)
  const app = createApp({ database, logger: createLogger('silent') })
  console.log(`coverage of every grid cell (${database.backend})`)
  for (const factor of [1, 10]) {
    if (factor === 10) {
      const shift = (k: string) => sql`(hashtextextended(id::text || ${sql.raw(k)}::text, 1) % 1000) / 1000.0 * 0.0035, (hashtextextended(id::text || ${sql.raw(k)}::text, 2) % 1000) / 1000.0 * 0.0027`
      await sql`INSERT INTO patrol_routes (name, zone_id, team, kind, schedule, geom)
        SELECT name || ' ×' || k, zone_id, team, kind, schedule, ST_Translate(geom, ${shift('k')}) FROM patrol_routes, generate_series(1, 9) k`.execute(database.db)
      await sql`INSERT INTO patrols (unit_id, officer_id, route_id, kind, started_at, ended_at, geom)
        SELECT unit_id, officer_id, route_id, kind, started_at, ended_at, ST_Translate(geom, ${shift('k')})
        FROM patrols, generate_series(1, 9) k`.execute(database.db)
    }
    const routes = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM patrol_routes`.execute(database.db)).rows[0]!.n
    const tracks = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM patrols WHERE ended_at IS NOT NULL`.execute(database.db)).rows[0]!.n
    const cells = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM grid_cells`.execute(database.db)).rows[0]!.n
    const { median: baseline } = await timeIt(() => sql`
      WITH b AS MATERIALIZED (SELECT ST_Buffer(ST_Transform(geom, 32651), 200, 8) AS g FROM patrol_routes),
      c AS MATERIALIZED (SELECT id, ST_Transform(geom, 32651) AS g FROM grid_cells),
      u AS (SELECT c.id, ST_Union(b.g) AS g FROM c JOIN b ON ST_Intersects(c.g, b.g) GROUP BY c.id)
      SELECT c.id, ST_Area(ST_Intersection(c.g, u.g)) FROM c JOIN u USING (id)`.execute(database.db), 3)
    const server = await listen(app)
    let bytes = 0
    let wire = 0
    const { median: api } = await timeIt(async () => {
      const res = await fetch(`${server.url}/api/analysis/coverage`, { headers: auth })
      const text = await res.text()
      if (res.status !== 200) throw new Error(`coverage: ${res.status} ${text.slice(0, 200)}`)
      bytes = Buffer.byteLength(text)
      wire = gzipSync(text, { level: 1 }).length
    }, 3)
    await server.close()
    const goal = factor === 1 && database.backend === 'postgres' ? `  goal < 1000 ms: ${api < 1000 ? 'met' : 'MISSED'}` : ''
    console.log(`  ${factor}× routes (${routes} routes, ${tracks.toLocaleString('en')} tracks, ${cells} cells): API ${api.toFixed(0)} ms, ${(bytes / 1e6).toFixed(1)} MB (${(wire / 1e6).toFixed(2)} MB gzipped); the cells' covered area in SQL ${baseline.toFixed(0)} ms; ratio ${(api / baseline).toFixed(2)}×${goal}`)
  }
} finally {
  await database.close()
  await drop()
}
