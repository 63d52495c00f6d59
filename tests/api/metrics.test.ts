import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { authHeader } from '../helpers/accounts.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { openSse } from '../helpers/sse.ts'
import { getTestDb } from '../helpers/test-db.ts'

/** The value of one sample line of the Prometheus text, or 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`)
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const m = /^([a-z_]+)(\{(.*)\})? (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const have = (m[3] ?? '').split(',').filter(Boolean)
    if (want.every((w) => have.includes(w))) return Number(m[4])
  }
  return 0
}

describe('observability', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await listen(createApp({ database: await getTestDb(), logger: createLogger('silent') }))
  })
  afterAll(() => server.close())
  const metrics = async () => {
    const res = await fetch(`${server.url}/api/metrics`, { headers: authHeader('command') })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    return res.text()
  }

  it('counts requests per route and status with latency histograms, SSE clients and tile cache lookups, in Prometheus text', async () => {
    const route = { method: 'GET', route: '/api/layers/:layer/features', status: '200' }
    const before = sample(await metrics(), 'pingan_http_requests_total', route)
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/api/layers/schools/features?limit=1`, { headers: authHeader('admin') })).status).toBe(200)
    expect((await fetch(`${server.url}/api/layers/nope/features`, { headers: authHeader('admin') })).status).toBe(404)
    const tile = `${server.url}/tiles/basemap/12/3521/1530.mvt`
    await fetch(tile)
    await fetch(tile)
    const stream = await openSse(`${server.url}/api/live/stream?layers=hazards`)
    await stream.next((e) => e.event === 'snapshot')
    const text = await metrics()
    await stream.close()
    expect(sample(text, 'pingan_http_requests_total', route)).toBe(before + 3)
    expect(sample(text, 'pingan_http_requests_total', { route: '/api/layers/:layer/features', status: '404' })).toBeGreaterThanOrEqual(1)
    // Every request lands in exactly one bucket at or below +Inf, and _count equals the +Inf bucket.
    const count = sample(text, 'pingan_http_request_duration_seconds_count', { method: 'GET', route: '/api/layers/:layer/features' })
    expect(sample(text, 'pingan_http_request_duration_seconds_bucket', { method: 'GET', route: '/api/layers/:layer/features', le: '+Inf' })).toBe(count)
    expect(count).toBeGreaterThanOrEqual(4)
    expect(sample(text, 'pingan_tile_cache_lookups_total', { result: 'hit' })).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'pingan_sse_clients')).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'pingan_process_resident_memory_bytes')).toBeGreaterThan(10_000_000)
    // Raw URLs never become labels (bounded cardinality).
    expect(text).not.toContain('/api/layers/schools/features')
  })

  it('gives every answer a request id, keeping a sane one the client sent', async () => {
    const a = await fetch(`${server.url}/api/health`)
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const b = await fetch(`${server.url}/api/health`, { headers: { 'x-request-id': 'client-trace-12345' } })
    expect(b.headers.get('x-request-id')).toBe('client-trace-12345')
    const c = await fetch(`${server.url}/api/health`, { headers: { 'x-request-id': 'bad id with spaces' } })
    expect(c.headers.get('x-request-id')).not.toBe('bad id with spaces')
  })
})

describe('slow-query log', () => {
  it('logs a query over the threshold with its duration, SQL and the request it served', async () => {
    const { Writable } = await import('node:stream')
    const { pino } = await import('pino')
    const { slowQueryLog } = await import('../../server/src/db/create-db.ts')
    const { requestContext } = await import('../../server/src/ops/request-context.ts')
    const lines: any[] = []
    const sink = new Writable({ write: (chunk, _e, cb) => (lines.push(JSON.parse(String(chunk))), cb()) })
    const log = slowQueryLog({ logger: pino({ level: 'warn' }, sink), slowQueryMs: 100 })!
    const event = (ms: number) => ({ level: 'query', query: { sql: 'SELECT  count(*)\n  FROM hazards', parameters: [], query: {} }, queryDurationMillis: ms }) as never
    log(event(99))
    requestContext.run({ id: 'req-1', method: 'GET', path: '/api/analysis/coverage' }, () => log(event(250)))
    log(event(300))
    await new Promise((r) => setImmediate(r))
    expect(lines.map((l) => [l.msg, l.ms, l.sql, l.for, l.reqId])).toEqual([
      ['slow query', 250, 'SELECT count(*) FROM hazards', 'GET /api/analysis/coverage', 'req-1'],
      ['slow query', 300, 'SELECT count(*) FROM hazards', 'background', undefined],
    ])
  })
})
