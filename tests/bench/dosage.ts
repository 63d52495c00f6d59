import { sql } from 'kysely'
import { seedDemo } from '../../data/seed/seed-demo.ts'
import { createApp } from '../../server/src/app.ts'
import { migrateToLatest } from '../../server/src/db/migrate.ts'
import { createLogger } from '../../server/src/logger.ts'
import { benchAuth } from '../helpers/accounts.ts'
import { listen } from '../helpers/http.ts'
import { openScratch, timeIt } from './bench-db.ts'

/**
 * `npm run bench:dosage` — patrol dosage (issue 18) over the tracks of every patrol unit (140) at
 * one report per 10 s for BENCH_DAYS days (default 30: 36 M reports; generated, in a scratch
 * database that is dropped afterwards), each unit wandering around its own point of the city
 * centre; the dosage of the Gi* hot spots for the whole period through the API. Goal: a month
 * under 5 s on PostgreSQL. Medians of 3 after one warm-up.
 */
const DAYS = Number(process.env.BENCH_DAYS ?? 30)
const { database, drop } = await openScratch('pingan_bench_dosage')
try {
  await migrateToLatest(database.db)
  await seedDemo(database.db, { seed: 1, anchor: '2026-11-01T09:00:00+08:00' })
  const auth = await benchAuth(database.db)
  const to = '2026-11-01T00:00:00+08:00'
  const t0 = performance.now()
  // A day at a time: 140 units × 8,640 reports, a random walk of ~1.4 m/s around each unit's own point.
  for (let d = 0; d < DAYS; d++) {
    await sql`
      INSERT INTO unit_positions (unit_id, ts, geom)
      SELECT u.id, ${to}::timestamptz - make_interval(days => ${d + 1}) + make_interval(secs => k * 10),
             ST_SetSRID(ST_MakePoint(125.145 + 0.02 * sin(u.id * 1.7) + 0.004 * sin(k / 90.0 + u.id), 42.9 + 0.015 * cos(u.id * 2.3) + 0.003 * cos(k / 70.0 + u.id * 0.5)), 4326)
      FROM patrol_units u, generate_series(0, 8639) k`.execute(database.db)
  }
  const n = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM unit_positions`.execute(database.db)).rows[0]!.n
  console.log(`dosage (${database.backend}): ${n.toLocaleString('en')} reports of ${DAYS} days (generated in ${((performance.now() - t0) / 1000).toFixed(0)} s)`)
  const server = await listen(createApp({ database, logger: createLogger('silent') }))
  const from = new Date(Date.parse(to) - DAYS * 86_400_000).toISOString()
  let body = ''
  const { median, min } = await timeIt(async () => {
    const res = await fetch(`${server.url}/api/analysis/dosage?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&hotspots=gi`, { headers: auth })
    body = await res.text()
    if (res.status !== 200) throw new Error(`dosage: ${res.status} ${body.slice(0, 300)}`)
  }, 3)
  const a = JSON.parse(body) as { summary: { hot_spots: number; bin_days: number }; bins: Array<{ minutes_per_day: number }> }
  const minutes = a.bins.reduce((s, b) => s + b.minutes_per_day, 0)
  const goal = DAYS >= 30 && database.backend === 'postgres' ? `  goal < 5 s: ${median < 5000 ? 'met' : 'MISSED'}` : ''
  console.log(`  GET /api/analysis/dosage  ${median.toFixed(0)} ms (min ${min.toFixed(0)}), ${a.summary.hot_spots} hot spots × ${DAYS} days, ${minutes.toFixed(0)} presence-minutes a day in all${goal}`)
  await server.close()
} finally {
  await database.close()
  if (!process.env.BENCH_KEEP) await drop()
}
