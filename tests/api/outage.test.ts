import { createServer, connect, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createDb, type DbHandle } from '../../server/src/db/create-db.ts'
import { createLogger } from '../../server/src/logger.ts'
import { stopFollowingLayerChanges } from '../../server/src/tiles/layer-changes.ts'
import { authHeader } from '../helpers/accounts.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { openSse } from '../helpers/sse.ts'
import { getTestDb, type TestDb } from '../helpers/test-db.ts'

/**
 * A TCP proxy in front of PostgreSQL that the test can cut and restore: a database outage
 * without stopping the machine's PostgreSQL.
 */
class CuttableProxy {
  #server: Server | null = null
  readonly #sockets = new Set<Socket>()
  port = 0
  constructor(readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.#server = createServer((inbound) => {
      const outbound = connect(this.target.port, this.target.host)
      for (const s of [inbound, outbound]) {
        this.#sockets.add(s)
        s.on('close', () => this.#sockets.delete(s))
        s.on('error', () => s.destroy())
      }
      inbound.pipe(outbound).pipe(inbound)
      inbound.on('close', () => outbound.destroy())
      outbound.on('close', () => inbound.destroy())
    })
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve))
    this.port = (this.#server.address() as AddressInfo).port
  }

  /** Refuses new connections and kills the open ones, as a crashed database server would. */
  async cut(): Promise<void> {
    const server = this.#server
    this.#server = null
    for (const s of this.#sockets) s.destroy()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  }
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (ok(v) || Date.now() > until) return v
    await new Promise((r) => setTimeout(r, 250))
  }
}

describe.runIf(Boolean(process.env.DATABASE_URL))('a PostgreSQL outage', () => {
  let t: TestDb
  let proxy: CuttableProxy
  let viaProxy: DbHandle
  let server: TestServer
  let app: ReturnType<typeof createApp>

  beforeAll(async () => {
    t = await getTestDb()
    const url = new URL(process.env.DATABASE_URL!)
    proxy = new CuttableProxy({ host: url.hostname, port: Number(url.port || 5432) })
    await proxy.start()
    const proxied = new URL(url)
    proxied.port = String(proxy.port)
    viaProxy = await createDb({ databaseUrl: proxied.toString(), poolSize: 4 })
    app = createApp({ database: viaProxy, logger: createLogger('silent'), auth: { credentialCacheMs: 0 }, liveHeartbeatMs: 500 })
    server = await listen(app)
  })
  afterAll(async () => {
    await sql`DELETE FROM hazards WHERE description = 'OUTAGE-TEST'`.execute(t.db)
    await server?.close()
    // The live hub and the tile cache hold LISTEN connections: let them go before closing the pool.
    await (app?.locals.liveHub as { stop(): Promise<void> } | undefined)?.stop()
    await stopFollowingLayerChanges(viaProxy)
    await viaProxy?.close().catch(() => undefined)
    await proxy?.cut()
  })

  const get = (path: string) => fetch(server.url + path, { headers: authHeader('admin') })

  it('answers 503 with Retry-After fast while the database is down, reports degraded, and recovers by itself', async () => {
    expect((await get('/api/layers/schools/features?limit=1')).status).toBe(200)
    const stream = await openSse(`${server.url}/api/live/stream?layers=hazards`)
    await stream.next((e) => e.event === 'snapshot')

    await proxy.cut()
    const started = Date.now()
    const during = await get('/api/layers/schools/features?limit=1')
    expect(during.status).toBe(503)
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Date.now() - started).toBeLessThan(5000)
    const body = await during.text()
    expect(body).not.toMatch(/ECONNREFUSED|at .*\.ts/)
    const health = await fetch(`${server.url}/api/health`)
    expect(health.status).toBe(503)
    expect((await health.json()).status).toBe('degraded')
    // Ingest that cannot be written is refused, never acknowledged.
    const ingest = await fetch(`${server.url}/api/live/positions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer some-unit-token-0000' }, body: '[]' })
    expect(ingest.status).toBe(503)

    await proxy.start()
    const back = await eventually(() => get('/api/layers/schools/features?limit=1').then((r) => r.status), (s) => s === 200, 15_000)
    expect(back).toBe(200)
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200)

    // The live stream's LISTEN reconnected: a change made after the outage still arrives.
    const r = await sql<{ id: number }>`INSERT INTO hazards (category, source, description, geom) VALUES ('fire', 'offline', 'OUTAGE-TEST', ST_SetSRID(ST_MakePoint(125.14, 42.9), 4326)) RETURNING id`.execute(t.db)
    const id = r.rows[0]!.id
    const seen = await stream.next((e) => e.event === 'hazards' && e.data.payload.id === id)
    expect(seen.data.payload.op).toBe('insert')
    await stream.close()
  }, 60_000)
})
