import { sql } from 'kysely'
import { Agent } from 'node:http'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { LAYERS } from '../../data/catalog/layers.ts'
import { seedDemo } from '../../data/seed/seed-demo.ts'
import { createApp } from '../../server/src/app.ts'
import { createDemoAccounts } from '../../server/src/auth/bootstrap.ts'
import { createDb } from '../../server/src/db/create-db.ts'
import { migrateToLatest } from '../../server/src/db/migrate.ts'
import { createLogger } from '../../server/src/logger.ts'
import { stopFollowingLayerChanges } from '../../server/src/tiles/layer-changes.ts'
import { invalidateLayer } from '../../server/src/tiles/tile-cache.ts'
import { tilesetOf } from '../../server/src/tiles/tile-sources.ts'
import { benchAuth } from '../helpers/accounts.ts'
import { listen } from '../helpers/http.ts'
import { freePort, ROOT, startServer } from '../helpers/server-process.ts'
import { CHROMIUM_ARGS, COMMAND, signInOnPage, waitIdle } from '../e2e/page-helpers.ts'
import { bareTile, httpGet, percentiles } from './tile-util.ts'

/**
 * `npm run bench:tile-session` — a map session as a browser makes it (issue 16): Chromium opens
 * the city at z10 with the default layers and zooms into the centre step by step to z15; every
 * tile it asks for is recorded. The session is then replayed with 6 connections at once, as a
 * browser does: uncached (every layer's cache dropped first), as a ratio to the sum of the same
 * tiles' bare SQL (ST_AsMVT on PostgreSQL; rows + Node encoding on PGlite), goal ≤ 1.3×; and again
 * cached, goal ≥ 5× faster than uncached. p50/p95 per zoom and tiles/s. Needs `npm run build`.
 */
const CENTRE = [125.145, 42.9] as const
const CONNECTIONS = 6

const url = process.env.DATABASE_URL
const database = await createDb(url ? { databaseUrl: url } : { dataDir: 'memory://' })
await migrateToLatest(database.db)
if (((await sql<{ n: number }>`SELECT count(*)::int AS n FROM grid_cells`.execute(database.db)).rows[0]?.n ?? 0) === 0) {
  await seedDemo(database.db, { seed: 1, anchor: '2026-11-01T09:00:00+08:00' })
}
if (((await sql<{ n: number }>`SELECT count(*)::int AS n FROM users WHERE username = 'command'`.execute(database.db)).rows[0]?.n ?? 0) === 0) await createDemoAccounts(database.db)
const auth = await benchAuth(database.db)
const server = await listen(createApp({ database, logger: createLogger('silent'), clientDir: path.join(ROOT, 'dist') }))

// 1. Record: the tiles Chromium asks for while zooming in.
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
const asked = new Set<string>()
page.on('request', (r) => {
  const m = /\/tiles\/([a-z-]+)\/(\d+)\/(\d+)\/(\d+)\.mvt/.exec(r.url())
  if (m) asked.add(`${m[1]}/${m[2]}/${m[3]}/${m[4]}`)
})
await page.goto(`${server.url}/#map=10/${CENTRE[1]}/${CENTRE[0]}&lang=zh`)
await signInOnPage(page, COMMAND)
await page.waitForSelector('body[data-map-ready="true"]', { timeout: 120_000 })
await waitIdle(page)
for (let z = 11; z <= 15; z++) {
  await page.evaluate(([lon, lat, zoom]) => void window.pinganMap!.jumpTo({ center: [lon!, lat!], zoom: zoom! }), [CENTRE[0], CENTRE[1], z])
  await waitIdle(page)
}
await browser.close()
const recorded = [...asked].map((k) => {
  const [layer, z, x, y] = k.split('/')
  return { layer: layer!, c: { z: Number(z), x: Number(x), y: Number(y) } }
})
// The catalog's layers (the offline basemap's tiles are files, not queries: left out of both sides).
const session = recorded.filter((t) => LAYERS.some((l) => l.id === t.layer))
const byLayer = new Map<string, number>()
for (const t of session) byLayer.set(t.layer, (byLayer.get(t.layer) ?? 0) + 1)
console.log(`tile session (${database.backend}): ${recorded.length} tiles recorded from Chromium, ${session.length} of the catalog's layers, z10→z15 at the city centre: ${[...byLayer].map(([l, n]) => `${l} ${n}`).join(', ')}`)

// 2. The bare SQL of every tile, one after another.
let bareMs = 0
for (const t of session) {
  const layer = LAYERS.find((l) => l.id === t.layer)
  if (!layer) continue
  const fn = bareTile(database, t.layer, tilesetOf(layer).sourcesAt(t.c.z), t.c)
  await fn() // warm: plans and pages
  const t0 = performance.now()
  await fn()
  bareMs += performance.now() - t0
}

// 3. Replay with 6 connections, uncached then cached.
async function replay(base: string): Promise<{ wall: number; latencies: Map<number, number[]> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS })
  const latencies = new Map<number, number[]>()
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let k = next++; k < session.length; k = next++) {
        const t = session[k]!
        const s = performance.now()
        await httpGet(`${base}/tiles/${t.layer}/${t.c.z}/${t.c.x}/${t.c.y}.mvt`, agent, auth, null)
        latencies.set(t.c.z, [...(latencies.get(t.c.z) ?? []), performance.now() - s])
      }
    }),
  )
  const wall = performance.now() - t0
  agent.destroy()
  return { wall, latencies }
}
for (const l of byLayer.keys()) invalidateLayer(l)
// Renders right after an invalidation are not kept (the writer may not have committed yet).
await new Promise((r) => setTimeout(r, 2_100))
const runs: Array<{ where: string; uncached: Awaited<ReturnType<typeof replay>>; cached: Awaited<ReturnType<typeof replay>> }> = []
runs.push({ where: 'server in this process (the replaying client shares its event loop)', uncached: await replay(server.url), cached: await replay(server.url) })
if (database.backend === 'postgres') {
  // On PostgreSQL, the server in a process of its own, as in use: a fresh process has an empty
  // tile cache; tiles of another place warm its code first. Client and server no longer share one thread.
  const port = await freePort()
  const own = await startServer({ DATABASE_URL: url!, LOG_LEVEL: 'warn', ALERT_INTERVAL_S: '0' }, port, 120_000)
  try {
    const warmAgent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS })
    for (const t of session.slice(0, 40)) await httpGet(`${own.url}/tiles/${t.layer}/${t.c.z}/${t.c.x + 3}/${t.c.y + 3}.mvt`, warmAgent, auth, null)
    warmAgent.destroy()
    runs.push({ where: 'server in a process of its own (fresh: empty cache, new connections)', uncached: await replay(own.url), cached: await replay(own.url) })
  } finally {
    await own.stop()
  }
}
const line = (name: string, r: { wall: number; latencies: Map<number, number[]> }) => {
  console.log(`  ${name.padEnd(9)} ${r.wall.toFixed(0).padStart(6)} ms, ${(session.length / (r.wall / 1000)).toFixed(0).padStart(6)} tiles/s; p50/p95 ms per zoom: ${[...r.latencies].sort((a, b) => a[0] - b[0]).map(([z, xs]) => { const p = percentiles(xs); return `z${z} ${p.p50.toFixed(1)}/${p.p95.toFixed(1)}` }).join('  ')}`)
}
console.log(`  bare SQL  ${bareMs.toFixed(0).padStart(6)} ms (the tiles one after another)`)
for (const { where, uncached, cached } of runs) {
  console.log(`  ${where}:`)
  line('uncached', uncached)
  line('cached', cached)
  const ratio = uncached.wall / bareMs
  const speedup = uncached.wall / cached.wall
  console.log(`  uncached session / bare SQL sum: ${ratio.toFixed(2)}× (goal ≤ 1.3×: ${ratio <= 1.3 ? 'met' : 'MISSED'}); cached ${speedup.toFixed(1)}× faster (goal ≥ 5×: ${speedup >= 5 ? 'met' : 'MISSED'})`)
}
await server.close()
await stopFollowingLayerChanges(database)
await database.close()
