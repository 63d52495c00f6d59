import { sql } from 'kysely'
import { findLayer } from '../../data/catalog/layers.ts'
import { seedDemo } from '../../data/seed/seed-demo.ts'
import { benchAuth } from '../helpers/accounts.ts'
import { createApp } from '../../server/src/app.ts'
import { createDb } from '../../server/src/db/create-db.ts'
import { migrateToLatest } from '../../server/src/db/migrate.ts'
import { createLogger } from '../../server/src/logger.ts'
import { listen } from '../helpers/http.ts'

/**
 * `npm run bench` — features: all grid cells as GeoJSON through the HTTP API, as a ratio to the
 * bare SQL `json_agg(ST_AsGeoJSON …)` for the same rows and properties, both measured in this run (median of
 * 31 after 5 warm-ups, the runs alternated). Goal ≤ 1.3×. Embedded database unless DATABASE_URL is set.
 */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const url = process.env.DATABASE_URL
const database = await createDb(url ? { databaseUrl: url } : { dataDir: 'memory://' })
await migrateToLatest(database.db)
const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM grid_cells`.execute(database.db)
if ((n.rows[0]?.n ?? 0) === 0) await seedDemo(database.db, { seed: 1, anchor: '2026-11-01T09:00:00+08:00' })
const cells = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM grid_cells`.execute(database.db)).rows[0]!.n
const auth = await benchAuth(database.db)
const server = await listen(createApp({ database, logger: createLogger('silent') }))
const layer = findLayer('grid-cells')!
// The same rows and the same properties, written out as plain SQL.
const properties = sql.join(layer.properties.map((p) => sql`${p.name}::text, ${sql.ref(p.name)}`))

let bytes = 0
const bare = async () => {
  const r = await sql<{ fc: string }>`
    SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object('type', 'Feature', 'id', id,
      'geometry', ST_AsGeoJSON(geom, 7)::json, 'properties', json_build_object(${properties})) ORDER BY id))::text AS fc
    FROM grid_cells`.execute(database.db)
  bytes = Buffer.byteLength(r.rows[0]!.fc)
}
let apiBytes = 0
const viaApi = (encoding: string) => async () => {
  const res = await fetch(`${server.url}/api/layers/grid-cells/features?limit=10000`, { headers: { ...auth, 'accept-encoding': encoding } })
  const body = await res.arrayBuffer()
  if (encoding === 'identity') apiBytes = body.byteLength
}
// Alternated run by run, so a change of the machine's load touches all three alike.
const times: Record<'sql' | 'api' | 'gzip' | 'one', number[]> = { sql: [], api: [], gzip: [], one: [] }
const one = async () => void (await (await fetch(`${server.url}/api/layers/grid-cells/features?limit=1`, { headers: { ...auth, 'accept-encoding': 'identity' } })).arrayBuffer())
const runs: Array<[keyof typeof times, () => Promise<void>]> = [['sql', bare], ['api', viaApi('identity')], ['gzip', viaApi('gzip')], ['one', one]]
for (let i = 0; i < 36; i++) {
  for (const [name, fn] of runs) {
    const t0 = performance.now()
    await fn()
    if (i >= 5) times[name].push(performance.now() - t0)
  }
}
const baseline = median(times.sql)
const api = median(times.api)
const gzipped = median(times.gzip)
const ratio = api / baseline
console.log(`features (${cells} grid cells, ${database.backend})`)
console.log(`  bare SQL json_agg   ${baseline.toFixed(1).padStart(8)} ms  (${(bytes / 1e6).toFixed(2)} MB)`)
console.log(`  GET …/features      ${api.toFixed(1).padStart(8)} ms  (${(apiBytes / 1e6).toFixed(2)} MB)`)
console.log(`  ratio               ${ratio.toFixed(2).padStart(8)}×   goal ≤ 1.3×: ${ratio <= 1.3 ? 'met' : 'MISSED'}`)
console.log(`  GET …?limit=1       ${median(times.one).toFixed(1).padStart(8)} ms  (a request's fixed cost)`)
console.log(`  GET … gzip          ${gzipped.toFixed(1).padStart(8)} ms  (${(gzipped / baseline).toFixed(2)}×: what a browser asks for; the compression is the difference)`)
await server.close()
await database.close()
