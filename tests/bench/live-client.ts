import path from 'node:path'
import { sql } from 'kysely'
import { chromium } from 'playwright-core'
import { seedDemo } from '../../data/seed/seed-demo.ts'
import { createApp } from '../../server/src/app.ts'
import { createDb } from '../../server/src/db/create-db.ts'
import { migrateToLatest } from '../../server/src/db/migrate.ts'
import { createLogger } from '../../server/src/logger.ts'
import { CHROMIUM_ARGS } from '../e2e/page-helpers.ts'
import { ROOT } from '../helpers/server-process.ts'

/**
 * `npm run bench:live-client [-- --units 2000 --seconds 15 --port 3954]` — the live view in
 * headless Chromium while N units each report every 5 s through POST /api/live/positions (their
 * own tokens) and the page follows GET /api/live/stream: how often the live layer is redrawn, how
 * many reports reach the page, deck.gl frames drawn, and the frame times (requestAnimationFrame
 * deltas: p50, p95, longest). `--via db` (default) writes the reports as the ingest logs them,
 * so the page is measured apart from HTTP ingest (that is `bench:live`); `--via http` POSTs them.
 * Needs `npm run build` first. Software WebGL (no GPU) on a shared
 * machine: the numbers are a floor, not what a wall screen with a GPU does.
 * Uses an in-memory PGlite database (never DATABASE_URL).
 */
const args = process.argv.slice(2)
const opt = (n: string, d: string) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d)
const UNITS = Number(opt('units', '2000'))
const SECONDS = Number(opt('seconds', '15'))
const PORT = Number(opt('port', '3954'))
/** `db`: the reports are written as the ingest writes them (one live event per 100 ms batch), so the page's side is measured apart from HTTP ingest; `http`: each unit POSTs with its token. */
const VIA = opt('via', 'db')
const REPORT_EVERY_S = 5
const CENTRE = [125.14, 42.9] as const

const database = await createDb({ dataDir: 'memory://' })
await migrateToLatest(database.db)
await seedDemo(database.db, { seed: 1, anchor: new Date().toISOString() })
await sql`
  INSERT INTO patrol_units (code, callsign, kind, station_id, token_hash)
  SELECT 'BN' || lpad(k::text, 5, '0'), '压测' || k, (ARRAY['ebike', 'car', 'foot', 'traffic'])[1 + k % 4], (SELECT min(id) FROM police_units WHERE kind = 'station'),
         encode(sha256(('bench-' || k)::bytea), 'hex')
  FROM generate_series(1, ${UNITS}) k`.execute(database.db)
// Accounts, where the server has them (the page signs in like a person; the stream needs it).
const bootstrap = (await import('../../server/src/auth/bootstrap.ts').catch(() => null)) as { createDemoAccounts?: (db: unknown) => Promise<void> } | null
await bootstrap?.createDemoAccounts?.(database.db)

const app = createApp({ database, logger: createLogger('silent'), clientDir: path.join(ROOT, 'dist') })
const server = await new Promise<import('node:http').Server>((resolve) => {
  const s = app.listen(PORT, '127.0.0.1', () => resolve(s))
})
const base = `http://127.0.0.1:${PORT}`

// Each unit circles its own spot in the view, a step per report.
const home = Array.from({ length: UNITS }, (_, k) => [CENTRE[0] + (((k * 7919) % 1000) / 1000 - 0.5) * 0.2, CENTRE[1] + (((k * 104729) % 1000) / 1000 - 0.5) * 0.1] as const)
let sent = 0
let failed = 0
let running = true
const postLatencies: number[] = []
/** Every 100 ms, the reports due in it as one `positions` live event (the payload the ingest logs). */
async function driveDb(): Promise<void> {
  const ids = (await sql<{ id: number; code: string; callsign: string; kind: string }>`SELECT id, code, callsign, kind FROM patrol_units WHERE code LIKE 'BN%' ORDER BY code`.execute(database.db)).rows
  const start = performance.now()
  for (let tick = 0; running; tick++) {
    const due = start + tick * 100
    const wait = due - performance.now()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
    const per = (UNITS * 100) / (REPORT_EVERY_S * 1000)
    const from = Math.floor(tick * per)
    const to = Math.floor((tick + 1) * per)
    const payload = []
    for (let slot = from; slot < to; slot++) {
      const k = slot % UNITS
      const round = Math.floor(slot / UNITS)
      const a = (round * 30 + k) * (Math.PI / 180)
      const u = ids[k]!
      payload.push({ unit_id: u.id, code: u.code, callsign: u.callsign, kind: u.kind, ts: new Date().toISOString(), lon: home[k]![0] + 0.0008 * Math.cos(a), lat: home[k]![1] + 0.0006 * Math.sin(a), speed: 4, heading: (round * 30 + 90) % 360 })
    }
    const t0 = performance.now()
    await sql`INSERT INTO live_events (kind, payload) VALUES ('positions', ${JSON.stringify(payload)}::jsonb)`.execute(database.db)
    postLatencies.push(performance.now() - t0)
    sent += payload.length
  }
}

async function drive(): Promise<void> {
  const start = performance.now()
  const inflight = new Set<Promise<void>>()
  for (let slot = 0; running; slot++) {
    const due = start + (slot * REPORT_EVERY_S * 1000) / UNITS
    const wait = due - performance.now()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
    const k = slot % UNITS
    const round = Math.floor(slot / UNITS)
    const a = (round * 30 + k) * (Math.PI / 180)
    const [lon, lat] = [home[k]![0] + 0.0008 * Math.cos(a), home[k]![1] + 0.0006 * Math.sin(a)]
    const code = `BN${String(k + 1).padStart(5, '0')}`
    const t0 = performance.now()
    const p = fetch(`${base}/api/live/positions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer bench-${k + 1}` },
      body: JSON.stringify([{ unit: code, ts: new Date().toISOString(), lon, lat, speed: 4, heading: (round * 30 + 90) % 360 }]),
    })
      .then((r) => {
        if (!r.ok) failed++
        postLatencies.push(performance.now() - t0)
        return r.arrayBuffer()
      })
      .then(() => void sent++)
      .catch(() => void failed++)
      .finally(() => inflight.delete(p))
    inflight.add(p)
    if (inflight.size > 100) await Promise.race(inflight)
  }
  await Promise.all(inflight)
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
const errors: string[] = []
page.on('pageerror', (e) => errors.push(e.message))
const login = await page.request.post(`${base}/api/auth/login`, { data: { username: 'command', password: 'pingan-command' } })
if (![200, 404].includes(login.status())) throw new Error(`sign-in: ${login.status()}`)
await page.goto(`${base}/#map=12.60/${CENTRE[1]}/${CENTRE[0]}&layers=admin-areas&lang=zh&live=1`)
await page.waitForSelector('body[data-map-ready="true"]', { timeout: 180_000 })
await page.waitForSelector('.live-conn[data-state="connected"]', { timeout: 60_000 })

// Baseline, same page and view: the map repainted every frame with no reports arriving (what
// one MapLibre + deck.gl frame costs here, whatever the live layer does).
const baseline = (await page.evaluate(`(async (seconds) => {
  const frames = []
  await new Promise((resolve) => {
    const t0 = performance.now()
    let last = t0
    const step = (now) => {
      frames.push(now - last)
      last = now
      window.pinganMap.triggerRepaint()
      if (now - t0 < seconds * 1000) requestAnimationFrame(step)
      else resolve()
    }
    requestAnimationFrame(step)
  })
  return frames
})(5)`)) as number[]

const driving = VIA === 'http' ? drive() : driveDb()
// Warm-up: every unit reports once (5 s), then measure.
await page.waitForTimeout(REPORT_EVERY_S * 1000 + 1000)
// A string, not a function: tsx would wrap the page's inner functions in its __name helper.
const result = (await page.evaluate(`(async (seconds) => {
  const live = window.pinganLive
  const deck = window.pinganDeck._deck
  const f0 = live.flushes
  const r0 = live.received
  const d0 = deck.metrics.framesRedrawn
  const frames = []
  const flushTimes = []
  let lastFlushes = live.flushes
  await new Promise((resolve) => {
    const t0 = performance.now()
    let last = t0
    const step = (now) => {
      frames.push(now - last)
      last = now
      if (live.flushes !== lastFlushes) {
        lastFlushes = live.flushes
        flushTimes.push(now)
      }
      if (now - t0 < seconds * 1000) requestAnimationFrame(step)
      else resolve()
    }
    requestAnimationFrame(step)
  })
  const gaps = flushTimes.slice(1).map((t, i) => t - flushTimes[i])
  return {
    units: live.store.size,
    flushes: live.flushes - f0,
    received: live.received - r0,
    deckFrames: deck.metrics.framesRedrawn - d0,
    frames,
    longestGapBetweenRedraws: gaps.length ? Math.max(...gaps) : null,
  }
})(${SECONDS})`)) as { units: number; flushes: number; received: number; deckFrames: number; frames: number[]; longestGapBetweenRedraws: number | null }
running = false
await driving

const sorted = [...result.frames].sort((a, b) => a - b)
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!
const posts = [...postLatencies].sort((a, b) => a - b)
console.log(`live client (${UNITS} units reporting every ${REPORT_EVERY_S} s = ${(UNITS / REPORT_EVERY_S).toFixed(0)} reports/s ${VIA === 'http' ? 'POSTed one by one' : 'written as live events in 100 ms batches'}; headless Chromium, software WebGL; ${SECONDS} s measured)`)
console.log(`  page: ${result.units} units drawn; ${(result.received / SECONDS).toFixed(0)} reports/s reached the page; live layer redrawn ${(result.flushes / SECONDS).toFixed(1)}×/s (longest gap ${result.longestGapBetweenRedraws?.toFixed(0) ?? '—'} ms)`)
const still = [...baseline].sort((a, b) => a - b)
const busy = result.frames.filter((f) => f > 50).reduce((a, b) => a + b, 0) / (SECONDS * 1000)
console.log(`  frames (rAF) with ${UNITS} units live: ${(result.frames.length / SECONDS).toFixed(1)}/s, p50 ${pct(sorted, 50).toFixed(1)} ms, p95 ${pct(sorted, 95).toFixed(1)} ms, longest ${sorted[sorted.length - 1]!.toFixed(1)} ms; ${(100 * busy).toFixed(0)} % of the time in frames over 50 ms (the rest free for the user's input)`)
console.log(`  baseline, the map repainted every frame, no reports: ${(still.length / 5).toFixed(1)}/s, p50 ${pct(still, 50).toFixed(1)} ms, longest ${still[still.length - 1]!.toFixed(1)} ms (live p50 is ${(pct(sorted, 50) / pct(still, 50)).toFixed(1)}× the baseline)`)
console.log(`  source: ${sent} reports sent, ${failed} failed, ${VIA === 'http' ? 'POST' : 'batch INSERT'} p50 ${pct(posts, 50).toFixed(0)} ms p99 ${pct(posts, 99).toFixed(0)} ms${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`)
await browser.close()
await new Promise((r) => server.close(r))
await database.close()
process.exit(0)
