import { sql } from 'kysely'
import { Agent } from 'node:http'
import { findLayer } from '../../data/catalog/layers.ts'
import { seedDemo } from '../../data/seed/seed-demo.ts'
import { benchAuth } from '../helpers/accounts.ts'
import { createApp } from '../../server/src/app.ts'
import { createDb, type DbHandle } from '../../server/src/db/create-db.ts'
import { migrateToLatest } from '../../server/src/db/migrate.ts'
import { createLogger } from '../../server/src/logger.ts'
import { invalidateLayer } from '../../server/src/tiles/tile-cache.ts'
import { stopFollowingLayerChanges } from '../../server/src/tiles/layer-changes.ts'
import type { TileCoord } from '../../server/src/tiles/tile-coord.ts'
import { tilesetOf } from '../../server/src/tiles/tile-sources.ts'
import { bareTile, httpGet, percentiles, type Stats, type Response } from './tile-util.ts'
import { listen } from '../helpers/http.ts'

/**
 * `npx tsx tests/bench/tiles.ts` — tiles: p50/p95 latency of the densest city-centre tiles at z12
 * and z14 (grid cells, incidents, hazards) through HTTP, uncached (the layer invalidated before
 * each request) as a ratio to the bare SQL for the same tile in the same run (ST_AsMVT on
 * PostgreSQL; the row query + Node encoding on PGlite), goal ≤ 1.2×; and cached vs uncached, goal
 * ≥ 10× faster. Requests ask for gzip, as browsers do, over a kept-alive connection; bare and
 * uncached are interleaved run by run. Embedded database unless DATABASE_URL is set.
 */
const RUNS = 101
const WARM = 20
const CENTRE = { lon: 125.14, lat: 42.9 }

/**
 * Times several ways of getting the same tile, interleaved run by run so that load from other
 * processes falls on all of them alike. `before` runs untimed ahead of each call.
 */
async function timeInterleaved(cases: Array<{ fn: () => Promise<unknown>; before?: () => void }>): Promise<Stats[]> {
  return (await timeWithServer(cases)).map((t) => t.wall)
}

/**
 * The same, keeping also the time the server says it spent (`Server-Timing: total`) when `fn`
 * resolves with a response of the API.
 */
async function timeWithServer(cases: Array<{ fn: () => Promise<unknown>; before?: () => void }>): Promise<Array<{ wall: Stats; server: Stats | null }>> {
  const times = cases.map(() => ({ wall: [] as number[], server: [] as number[] }))
  for (let i = 0; i < WARM + RUNS; i++) {
    for (const [k, { fn, before }] of cases.entries()) {
      before?.()
      const t0 = performance.now()
      const r = await fn()
      if (i < WARM) continue
      times[k]!.wall.push(performance.now() - t0)
      if (r && typeof r === 'object' && 'serverMs' in r) times[k]!.server.push((r as Response).serverMs)
    }
  }
  return times.map((t) => ({ wall: percentiles(t.wall), server: t.server.length ? percentiles(t.server) : null }))
}

function tileAt(lon: number, lat: number, z: number): TileCoord {
  const n = 2 ** z
  const rad = (lat * Math.PI) / 180
  return { z, x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n) }
}

/** Among the 5×5 tiles around the centre, the one where the layer has the most rows. */
async function densestTile(database: DbHandle, table: string, z: number): Promise<{ c: TileCoord; rows: number }> {
  const centre = tileAt(CENTRE.lon, CENTRE.lat, z)
  let best = { c: centre, rows: -1 }
  for (let dx = -2; dx <= 2; dx++) {
    for (let dy = -2; dy <= 2; dy++) {
      const c = { z, x: centre.x + dx, y: centre.y + dy }
      const r = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE geom && ST_Transform(ST_TileEnvelope(${c.z}, ${c.x}, ${c.y}), 4326)`.execute(database.db)
      if (r.rows[0]!.n > best.rows) best = { c, rows: r.rows[0]!.n }
    }
  }
  return best
}

const url = process.env.DATABASE_URL
const database = await createDb(url ? { databaseUrl: url } : { dataDir: 'memory://' })
await migrateToLatest(database.db)
const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM grid_cells`.execute(database.db)
if ((n.rows[0]?.n ?? 0) === 0) await seedDemo(database.db, { seed: 1, anchor: '2026-11-01T09:00:00+08:00' })
const auth = await benchAuth(database.db)
const server = await listen(createApp({ database, logger: createLogger('silent') }))
const agent = new Agent({ keepAlive: true, maxSockets: 1 })

const fmt = (s: Stats) => `${s.p50.toFixed(2).padStart(7)} /${s.p95.toFixed(2).padStart(7)}`
console.log(`tiles (${database.backend}; p50 / p95 ms over ${RUNS} requests after ${WARM} warm-ups; bare SQL = ${database.backend === 'postgres' ? 'ST_AsMVT statement' : 'row query + Node encoding'})`)
console.log(
  `${'layer'.padEnd(11)} ${'tile'.padEnd(16)} ${'rows'.padStart(5)} ${'kind'.padStart(8)} ${'KB'.padStart(6)} ${'bare SQL'.padStart(16)} ${'API uncached'.padStart(16)} ${'ratio'.padStart(6)} ${'+ms'.padStart(5)} ${'API cached'.padStart(16)} ${'speed-up'.padStart(9)}`,
)
// The cheapest answer of the tile route (204 below the layer's minzoom, no database): the HTTP
// round trip itself. A thousand of them first, so the server's code is compiled (JIT) before
// anything is timed, as in a server that has been up for a minute.
for (let i = 0; i < 1000; i++) await httpGet(`${server.url}/tiles/hazards/0/0/0.mvt`, agent, auth, 204)
const [floor] = await timeInterleaved([{ fn: () => httpGet(`${server.url}/tiles/hazards/0/0/0.mvt`, agent, auth, 204) }])
const ratios: number[] = []
const speedups: number[] = []
const serverRatios: number[] = []
const serverSpeedups: number[] = []
console.log(`${' '.repeat(58)}server time (its Server-Timing): uncached  ratio   cached  speed-up`)
for (const z of [12, 14]) {
  for (const id of ['grid-cells', 'incidents', 'hazards']) {
    const layer = findLayer(id)!
    const tileset = tilesetOf(layer)
    const { c, rows } = await densestTile(database, layer.table, z)
    const sources = tileset.sourcesAt(z)
    const tileUrl = `${server.url}/tiles/${id}/${c.z}/${c.x}/${c.y}.mvt`
    const get = () => httpGet(tileUrl, agent, auth)
    const bare = bareTile(database, id, sources, c)
    const bytes = await bare()
    const [bareT, uncachedT] = await timeWithServer([{ fn: bare }, { fn: get, before: () => invalidateLayer(id) }])
    // Renders right after an invalidation are not kept (the writer may not have committed yet).
    await new Promise((r) => setTimeout(r, 2_100))
    await get()
    const [cachedT] = await timeWithServer([{ fn: get }])
    const [bareStats, uncached, cached] = [bareT!.wall, uncachedT!.wall, cachedT!.wall]
    const ratio = uncached.p50 / bareStats.p50
    const speedup = uncached.p50 / cached.p50
    const serverRatio = uncachedT!.server!.p50 / bareStats.p50
    const serverSpeedup = uncachedT!.server!.p50 / cachedT!.server!.p50
    ratios.push(ratio)
    speedups.push(speedup)
    serverRatios.push(serverRatio)
    serverSpeedups.push(serverSpeedup)
    console.log(
      `${id.padEnd(11)} ${`${c.z}/${c.x}/${c.y}`.padEnd(16)} ${String(rows).padStart(5)} ${sources[0]!.kind.padStart(8)} ${(bytes / 1024).toFixed(1).padStart(6)} ${fmt(bareStats)} ${fmt(uncached)} ${ratio.toFixed(2).padStart(5)}× ${(uncached.p50 - bareStats.p50).toFixed(2).padStart(5)} ${fmt(cached)} ${speedup.toFixed(1).padStart(8)}×` +
        `   ${uncachedT!.server!.p50.toFixed(2).padStart(7)} ${serverRatio.toFixed(2).padStart(5)}× ${cachedT!.server!.p50.toFixed(3).padStart(7)} ${serverSpeedup.toFixed(0).padStart(7)}×`,
    )
  }
}
const worst = (xs: number[], dir: 1 | -1) => (dir === 1 ? Math.max(...xs) : Math.min(...xs))
console.log(`+ms: what the API adds to the bare SQL (p50) as a client sees it: the HTTP round trip on loopback (a 204 without the database: ${floor!.p50.toFixed(2)} ms p50), writing the body, hash, gzip`)
console.log(`server time: from the request reaching the server to its answer being handed to the socket, as the server reports it (Server-Timing)`)
const verdict = (x: number, ok: boolean) => `${x.toFixed(x < 10 ? 2 : 1)}× (${ok ? 'met' : 'MISSED'})`
console.log(`uncached API / bare SQL (p50), goal ≤ 1.2×:   client ${verdict(worst(ratios, 1), worst(ratios, 1) <= 1.2)}, server ${verdict(worst(serverRatios, 1), worst(serverRatios, 1) <= 1.2)} (worst tile)`)
console.log(`cached vs uncached (p50), goal ≥ 10× faster: client ${verdict(worst(speedups, -1), worst(speedups, -1) >= 10)}, server ${verdict(worst(serverSpeedups, -1), worst(serverSpeedups, -1) >= 10)} (worst tile)`)
agent.destroy()
await server.close()
await stopFollowingLayerChanges(database)
await database.close()
