import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createDb, type DbHandle } from '../../server/src/db/create-db.ts'
import { migrateToLatest } from '../../server/src/db/migrate.ts'
import { createLogger } from '../../server/src/logger.ts'
import { stopFollowingLayerChanges } from '../../server/src/tiles/layer-changes.ts'
import { authHeader, createTestAccounts } from '../helpers/accounts.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { haveClusterTools, PgCluster } from '../helpers/pg-cluster.ts'
import { openSse } from '../helpers/sse.ts'

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (ok(v) || Date.now() > until) return v
    await new Promise((r) => setTimeout(r, 250))
  }
}

/**
 * A PostgreSQL crash mid-run, on a throw-away cluster of the test's own (the machine's shared
 * server is never stopped): requests fail fast with 503 and Retry-After, health says degraded,
 * nothing hangs or crashes; the server recovers by itself when PostgreSQL is back; every write
 * it acknowledged is there; the live stream's LISTEN reconnects.
 */
describe.runIf(Boolean(process.env.DATABASE_URL) && haveClusterTools)('a PostgreSQL crash', () => {
  const cluster = new PgCluster(5490 + (process.pid % 40))
  let database: DbHandle
  let app: ReturnType<typeof createApp>
  let server: TestServer

  beforeAll(async () => {
    await cluster.init()
    database = await createDb({ databaseUrl: cluster.url, poolSize: 4 })
    await migrateToLatest(database.db)
    await createTestAccounts(database.db)
    app = createApp({ database, logger: createLogger('silent'), auth: { credentialCacheMs: 0, writesPerMinute: 100_000 }, liveHeartbeatMs: 500 })
    server = await listen(app)
  }, 120_000)
  afterAll(async () => {
    await server?.close()
    await (app?.locals.liveHub as { stop(): Promise<void> } | undefined)?.stop().catch(() => undefined)
    if (database) await stopFollowingLayerChanges(database).catch(() => undefined)
    await database?.close().catch(() => undefined)
    await cluster.destroy()
  })

  it('answers 503 fast while it is down, recovers by itself, and keeps every acknowledged write', async () => {
    const stream = await openSse(`${server.url}/api/live/stream?layers=hazards`)
    await stream.next((e) => e.event === 'snapshot')

    const acknowledged: string[] = []
    const statuses = new Map<number, number>()
    let n = 0
    let writing = true
    const writer = async () => {
      while (writing) {
        const mark = `CRASH-${n++}`
        const res = await fetch(`${server.url}/api/layers/hazards/features`, {
          method: 'POST',
          headers: { ...authHeader('admin'), 'content-type': 'application/json' },
          body: JSON.stringify({ geometry: { type: 'Point', coordinates: [125.14, 42.9] }, properties: { category: 'fire', source: 'offline', description: mark } }),
        })
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        if (res.status === 201) acknowledged.push(mark)
        else await new Promise((r) => setTimeout(r, 100))
      }
    }
    const writers = [writer(), writer(), writer()]
    await eventually(async () => acknowledged.length, (k) => k >= 30, 30_000)

    await cluster.crash()
    const t0 = Date.now()
    const during = await fetch(`${server.url}/api/layers/hazards/features?limit=1`, { headers: authHeader('admin') })
    expect(during.status).toBe(503)
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(await during.text()).not.toMatch(/ECONNREFUSED|at .*\.ts/)
    const health = await fetch(`${server.url}/api/health`)
    expect(health.status).toBe(503)
    expect((await health.json()).status).toBe('degraded')
    const ingest = await fetch(`${server.url}/api/live/positions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer some-unit-token-0000' }, body: '[]' })
    expect(ingest.status).toBe(503)
    await new Promise((r) => setTimeout(r, 1000))

    await cluster.start()
    const back = await eventually(() => fetch(`${server.url}/api/layers/hazards/features?limit=1`, { headers: authHeader('admin') }).then((r) => r.status), (s) => s === 200, 20_000)
    expect(back).toBe(200)
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
    const before = acknowledged.length
    await eventually(async () => acknowledged.length, (k) => k >= before + 10, 20_000)
    writing = false
    await Promise.all(writers)

    // Writes failed only with 503 while it was down, and every 201 is stored.
    expect([...statuses.keys()].sort()).toEqual([201, 503])
    const stored = new Set((await sql<{ d: string }>`SELECT description AS d FROM hazards`.execute(database.db)).rows.map((r) => r.d))
    expect(acknowledged.filter((m) => !stored.has(m))).toEqual([])

    // The stream's LISTEN reconnected: a change made after the crash still arrives.
    const r = await sql<{ id: number }>`INSERT INTO hazards (category, source, description, geom) VALUES ('fire', 'offline', 'AFTER', ST_SetSRID(ST_MakePoint(125.14, 42.9), 4326)) RETURNING id`.execute(database.db)
    const seen = await stream.next((e) => e.event === 'hazards' && e.data.payload.id === r.rows[0]!.id, 15_000)
    expect(seen.data.payload.op).toBe('insert')
    await stream.close()
  }, 120_000)
})
