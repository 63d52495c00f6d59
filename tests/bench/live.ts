import { sql } from 'kysely'
import { seedDemo } from '../../data/seed/seed-demo.ts'
import { createApp } from '../../server/src/app.ts'
import { createDb } from '../../server/src/db/create-db.ts'
import { migrateToLatest } from '../../server/src/db/migrate.ts'
import { hashToken } from '../../server/src/live/unit-token.ts'
import { createLogger } from '../../server/src/logger.ts'
import { listen } from '../helpers/http.ts'
import { createTestAccounts } from '../helpers/accounts.ts'
import { startServer } from '../helpers/server-process.ts'
import { openSse } from '../helpers/sse.ts'

/**
 * `npx tsx tests/bench/live.ts [--scales 500,2000,5000] [--seconds 10]` — live ingest: N units
 * each reporting every 5 s through POST /api/live/positions, for a while; sustained positions/s,
 * p50/p99 from POST to the event reaching an SSE client, and the count check at the end. The
 * baseline is a bare batched INSERT of the same number of rows in the same run.
 * Uses a throw-away database: in-memory PGlite, or DATABASE_URL (its data is modified).
 * `--server process` runs the server as its own process (PostgreSQL only), so the load and the
 * server do not share one Node event loop.
 */
const args = process.argv.slice(2)
const opt = (n: string, d: string) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d)
const scales = opt('scales', '500,2000,5000').split(',').map(Number)
const seconds = Number(opt('seconds', '10'))
/** `app` (default): the server in this process, beside the load; `process`: its own process, as devices would meet it (PostgreSQL only). */
const serverIn = opt('server', 'app')
const REPORT_EVERY_S = 5

const url = process.env.DATABASE_URL
const database = await createDb(url ? { databaseUrl: url, poolSize: 20 } : { dataDir: 'memory://' })
await migrateToLatest(database.db)
if (((await sql<{ n: number }>`SELECT count(*)::int AS n FROM grid_cells`.execute(database.db)).rows[0]?.n ?? 0) === 0) {
  await seedDemo(database.db, { seed: 1, anchor: new Date().toISOString() })
}
const max = Math.max(...scales)
await sql`DELETE FROM patrol_units WHERE code LIKE 'BN%'`.execute(database.db)
await sql`
  INSERT INTO patrol_units (code, callsign, kind, station_id, token_hash)
  SELECT 'BN' || lpad(k::text, 5, '0'), '压测' || k, 'ebike', (SELECT min(id) FROM police_units WHERE kind = 'station'), encode(sha256(('bench-' || k)::bytea), 'hex')
  FROM generate_series(1, ${max}) k`.execute(database.db)
const token = (k: number) => `bench-${k}`
if (hashToken(token(1)) !== (await sql<{ h: string }>`SELECT token_hash AS h FROM patrol_units WHERE code = 'BN00001'`.execute(database.db)).rows[0]!.h) throw new Error('token hash mismatch')

// The stream is for signed-in staff: openSse carries a test account's token (created once per database).
if (((await sql<{ n: number }>`SELECT count(*)::int AS n FROM users WHERE username = 'test-command'`.execute(database.db)).rows[0]?.n ?? 0) === 0) {
  await createTestAccounts(database.db)
}
if (serverIn === 'process' && !url) throw new Error('--server process needs DATABASE_URL (two processes cannot share an embedded database)')
const server =
  serverIn === 'process'
    ? await startServer({ DATABASE_URL: url!, LOG_LEVEL: 'warn', ALERT_INTERVAL_S: '0', WRITES_PER_MINUTE: '1000000' }, Number(opt('port', '3996')), 240_000).then((p) => ({ url: p.url, close: async () => void (await p.stop()) }))
    : await listen(createApp({ database, logger: createLogger('silent') }))
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN)

console.log(`live ingest (${database.backend}, server ${serverIn === 'process' ? 'in its own process' : 'in the bench process'}), each unit reports every ${REPORT_EVERY_S} s for ${seconds} s`)
for (const units of scales) {
  // Baseline: the same number of rows in one batched INSERT.
  const rows = Math.ceil((units * seconds) / REPORT_EVERY_S)
  const b0 = performance.now()
  await sql`
    INSERT INTO unit_positions (unit_id, ts, geom)
    SELECT u.id, now() - interval '1 day' - make_interval(secs => k), ST_SetSRID(ST_MakePoint(125.1 + random() / 10, 42.9 + random() / 10), 4326)
    FROM (SELECT id FROM patrol_units WHERE code LIKE 'BN%' ORDER BY id LIMIT ${units}) u, generate_series(1, ${Math.ceil(rows / units)}) k`.execute(database.db)
  const baselineMs = performance.now() - b0

  const sse = await openSse(`${server.url}/api/live/stream?layers=positions`)
  await sse.next((e) => e.event === 'snapshot', 30_000)
  const sentAt = new Map<string, number>()
  const latencies: number[] = []
  let received = 0
  const seen = setInterval(() => {
    for (const e of sse.events.splice(0)) {
      if (e.event !== 'positions') continue
      for (const p of e.data.payload as Array<{ code: string; ts: string }>) {
        const key = `${p.code}@${new Date(p.ts).toISOString()}`
        const t = sentAt.get(key)
        if (t !== undefined) {
          latencies.push(performance.now() - t)
          received++
          sentAt.delete(key)
        }
      }
    }
  }, 20)
  let posted = 0
  let accepted = 0
  /** Accepted reports that were not the unit's newest (a current position never moves back): stored in the track, not streamed. */
  const notNewest = new Set<string>()
  const acceptedKeys = new Set<string>()
  let failed = 0
  const start = performance.now()
  const inflight: Array<Promise<void>> = []
  // Spread the units' reports evenly over each 5 s period.
  for (let slot = 0; performance.now() - start < seconds * 1000; slot++) {
    const due = start + (slot * REPORT_EVERY_S * 1000) / units
    const wait = due - performance.now()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
    const k = (slot % units) + 1
    const code = `BN${String(k).padStart(5, '0')}`
    // The time of the fix, as a device sends it (never ahead of the clock).
    const ts = new Date().toISOString()
    sentAt.set(`${code}@${ts}`, performance.now())
    inflight.push(
      fetch(`${server.url}/api/live/positions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token(k)}` }, body: JSON.stringify([{ unit: code, ts, lon: 125.14, lat: 42.9 }]) })
        .then(async (r) => {
          posted++
          const j = (await r.json()) as { accepted?: number; currentMoved?: boolean }
          accepted += j.accepted ?? 0
          if (j.accepted) acceptedKeys.add(`${code}@${ts}`)
          if (j.accepted && !j.currentMoved) notNewest.add(`${code}@${ts}`)
          if (!r.ok) failed++
        })
        .catch(() => void failed++),
    )
    if (inflight.length > 200) await Promise.all(inflight.splice(0))
  }
  await Promise.all(inflight)
  const elapsed = (performance.now() - start) / 1000
  await new Promise((r) => setTimeout(r, 2000))
  clearInterval(seen)
  await sse.close()
  const stored = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM unit_positions p JOIN patrol_units u ON u.id = p.unit_id WHERE u.code LIKE 'BN%' AND p.ts > now() - interval '1 hour'`.execute(database.db)).rows[0]!.n
  const rate = accepted / elapsed
  // Every accepted report that moved its unit must have reached the stream.
  const missing = [...acceptedKeys].filter((k) => sentAt.has(k) && !notNewest.has(k))
  const baseRate = (Math.ceil(rows / units) * units) / (baselineMs / 1000)
  console.log(
    `  ${String(units).padStart(5)} units: asked ${(units / REPORT_EVERY_S).toFixed(0)}/s, ingested ${rate.toFixed(0)}/s (bare INSERT ${baseRate.toFixed(0)} rows/s, ${(baseRate / rate).toFixed(1)}× faster)` +
      `, POST→SSE p50 ${pct(latencies, 50).toFixed(0)} ms p99 ${pct(latencies, 99).toFixed(0)} ms, stored ${stored} of ${accepted} acknowledged, failed ${failed}` +
      `, streamed ${received} of the ${accepted - notNewest.size} that moved their unit (${notNewest.size} older than the unit's current position joined its track only)` +
      `${stored === accepted ? '' : '  STORED≠ACKNOWLEDGED'}${missing.length ? `  NOT STREAMED: ${missing.slice(0, 5).join(', ')}` : ''}`,
  )
  await sql`DELETE FROM unit_positions p USING patrol_units u WHERE u.id = p.unit_id AND u.code LIKE 'BN%'`.execute(database.db)
}
await server.close()
await sql`DELETE FROM patrol_units WHERE code LIKE 'BN%'`.execute(database.db)
await database.close()
