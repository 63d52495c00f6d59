import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { tokenFor } from '../helpers/accounts.ts'
import { startServer } from '../helpers/server-process.ts'

/**
 * `npm run bench:load [-- --seconds 30 --units 100]`: mixed traffic against one server process
 * on loopback for a bounded time (map tiles, feature lists, analysis calls, edits, live ingest
 * from unit devices, SSE clients), on the embedded database or DATABASE_URL (a scratch
 * database: it is seeded). Prints per kind the requests, throughput, p50/p99 and errors; the
 * positions acknowledged against those stored (goal: none lost); 5xx (goal: none); and the
 * server's memory after warm-up and at the end (goal: no growth beyond noise).
 */
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}
const SECONDS = arg('--seconds', 30)
const UNITS = arg('--units', 100)
const SSE_CLIENTS = 5

const dir = mkdtempSync(path.join(tmpdir(), 'pingan-load-'))
const env = { DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'warn', ALERT_INTERVAL_S: '30', WRITES_PER_MINUTE: '100000' }
const server = await startServer(env, 3995, 240_000)
const stats = new Map<string, { ms: number[]; errors: number; fivexx: number }>()
const record = (kind: string, ms: number, status: number) => {
  const s = stats.get(kind) ?? { ms: [], errors: 0, fivexx: 0 }
  stats.set(kind, s)
  s.ms.push(ms)
  if (status >= 400 || status === 0) s.errors++
  if (status >= 500 || status === 0) s.fivexx++
}

try {
  const auth = { authorization: `Bearer ${await tokenFor(server.url, 'admin', 'pingan-admin')}` }
  const unitTokens = readFileSync(path.join(env.DATA_DIR, 'unit-tokens.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',') as [string, string])
  const units = unitTokens.slice(0, UNITS)
  const memory = async () => {
    const text = await (await fetch(`${server.url}/api/metrics`, { headers: auth })).text()
    return Number(/^pingan_process_resident_memory_bytes (\d+)/m.exec(text)?.[1] ?? 0)
  }
  const timed = async (kind: string, url: string, init: RequestInit = {}): Promise<Response | null> => {
    const t0 = performance.now()
    try {
      const res = await fetch(server.url + url, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })
      await res.arrayBuffer()
      record(kind, performance.now() - t0, res.status)
      return res
    } catch {
      record(kind, performance.now() - t0, 0)
      return null
    }
  }
  const rand = (a: number, b: number) => a + Math.random() * (b - a)
  const tile = (z: number) => {
    const lon = rand(125.05, 125.25)
    const lat = rand(42.85, 42.95)
    const n = 2 ** z
    const r = (lat * Math.PI) / 180
    return `${z}/${Math.floor(((lon + 180) / 360) * n)}/${Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)}`
  }

  // Warm-up, then the memory baseline.
  for (let i = 0; i < 20; i++) await timed('warm-up', `/tiles/hazards/${tile(13)}.mvt`)
  stats.delete('warm-up')
  const memStart = await memory()
  const started = new Date()
  const until = Date.now() + SECONDS * 1000
  // RSS every 5 s: the tile cache (64 MB at most) and V8's heap fill early; what matters is
  // whether it still grows in the run's second half.
  const memSeries: number[] = [memStart]
  const sampler = setInterval(() => void memory().then((m) => memSeries.push(m), () => undefined), 5000)
  const loop = async (fn: () => Promise<unknown>, pauseMs: number) => {
    while (Date.now() < until) {
      await fn()
      if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs))
    }
  }

  let acknowledged = 0
  const streams = await Promise.all(
    Array.from({ length: SSE_CLIENTS }, async () => {
      const controller = new AbortController()
      const res = await fetch(`${server.url}/api/live/stream`, { headers: { ...auth, accept: 'text/event-stream' }, signal: controller.signal })
      let events = 0
      const reader = res.body!.getReader()
      void (async () => {
        for (;;) {
          const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }))
          if (done) return
          events += (new TextDecoder().decode(value).match(/^event: /gm) ?? []).length
        }
      })()
      return { close: () => controller.abort(), events: () => events }
    }),
  )

  await Promise.all([
    ...Array.from({ length: 4 }, () => loop(() => timed('tile', `/tiles/${Math.random() < 0.5 ? 'hazards' : 'grid-cells'}/${tile(Math.random() < 0.5 ? 12 : 14)}.mvt`), 0)),
    ...Array.from({ length: 2 }, () =>
      loop(() => {
        const lon = rand(125.05, 125.25)
        const lat = rand(42.85, 42.95)
        return timed('features', `/api/layers/hazards/features?limit=100&bbox=${lon},${lat},${lon + 0.02},${lat + 0.02}`)
      }, 0),
    ),
    loop(() => timed('analysis', `/api/analysis/hotspots?layer=incidents&cell=${Math.random() < 0.5 ? 500 : 1000}`), 500),
    loop(async () => {
      const res = await timed('edit', '/api/layers/hazards/features', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ geometry: { type: 'Point', coordinates: [rand(125.05, 125.25), rand(42.85, 42.95)] }, properties: { category: 'manhole', source: 'offline', description: 'LOAD' } }),
      })
      if (res?.status === 201) {
        const f = (await fetch(`${server.url}${res.headers.get('location')}`, { headers: auth }).then((r) => r.json())) as { id: number; properties: { version: number } }
        await timed('edit', `/api/layers/hazards/features/${f.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version: f.properties.version, properties: { description: 'LOAD edited' } }) })
      }
    }, 100),
    // Every unit reports once a second (the simulator's rate at 1 s), spread over the second.
    ...units.map(([code, token], i) =>
      (async () => {
        await new Promise((r) => setTimeout(r, (i * 1000) / units.length))
        await loop(async () => {
          const body = JSON.stringify([{ unit: code, ts: new Date().toISOString(), lon: rand(125.05, 125.25), lat: rand(42.85, 42.95), speed: 4 }])
          const res = await timed('ingest', '/api/live/positions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body })
          if (res?.status === 200) acknowledged++
        }, 1000)
      })(),
    ),
  ])
  const events = streams.reduce((s, st) => s + st.events(), 0)
  for (const s of streams) s.close()
  clearInterval(sampler)
  const memEnd = await memory()
  memSeries.push(memEnd)

  // Positions: every acknowledged one is stored (tracks of the bench's units in its window).
  let stored = 0
  for (let i = 0; i < units.length; i += 50) {
    const codes = units.slice(i, i + 50).map(([c]) => c).join(',')
    const r = (await (await fetch(`${server.url}/api/live/tracks?units=${codes}&from=${encodeURIComponent(started.toISOString())}&to=${encodeURIComponent(new Date().toISOString())}`, { headers: auth })).json()) as { units: Array<{ points: unknown[] }> }
    stored += r.units.reduce((s, u) => s + u.points.length, 0)
  }

  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b)
    return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : 0
  }
  console.log(`load: ${SECONDS} s, ${units.length} units at 1 position/s, ${SSE_CLIENTS} SSE clients, backend ${process.env.DATABASE_URL ? 'postgres' : 'pglite'}`)
  console.log('kind        requests   req/s    p50 ms   p99 ms   errors  5xx')
  let fivexx = 0
  for (const [kind, s] of stats) {
    fivexx += s.fivexx
    console.log(`${kind.padEnd(10)} ${String(s.ms.length).padStart(9)} ${(s.ms.length / SECONDS).toFixed(1).padStart(7)} ${pct(s.ms, 50).toFixed(0).padStart(9)} ${pct(s.ms, 99).toFixed(0).padStart(8)} ${String(s.errors).padStart(8)} ${String(s.fivexx).padStart(4)}`)
  }
  console.log(`SSE events delivered: ${events}`)
  console.log(`positions acknowledged ${acknowledged}, stored ${stored}: ${stored === acknowledged ? 'none lost' : `${acknowledged - stored} LOST`}`)
  console.log(`5xx: ${fivexx} (goal 0)`)
  console.log(`server memory (RSS): ${(memStart / 1e6).toFixed(0)} MB after warm-up, ${(memEnd / 1e6).toFixed(0)} MB at the end (${(((memEnd - memStart) / memStart) * 100).toFixed(1)} %)`)
  const mid = memSeries[Math.floor(memSeries.length / 2)]!
  console.log(`  every 5 s (MB): ${memSeries.map((m) => (m / 1e6).toFixed(0)).join(' ')}`)
  console.log(`  second half of the run: ${(mid / 1e6).toFixed(0)} → ${(memEnd / 1e6).toFixed(0)} MB (${(((memEnd - mid) / mid) * 100).toFixed(1)} %)`)
} finally {
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
}
