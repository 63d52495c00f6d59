import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { issueTokens } from '../../server/src/live/unit-token.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { startServer } from '../helpers/server-process.ts'
import { openSse } from '../helpers/sse.ts'
import { tokenFor } from '../helpers/accounts.ts'
import { createScratchDatabase, getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

describe('live: ingest, stream, playback', () => {
  let t: TestDb
  let server: TestServer
  let api: ReturnType<typeof apiClient>
  let tokens: Record<string, string>
  const base = Date.parse('2026-11-29T10:00:00+08:00')
  const iso = (minutes: number) => new Date(base + minutes * 60_000).toISOString()

  beforeAll(async () => {
    t = await getTestDb()
    const app = createApp({ database: t, logger: createLogger('silent'), liveHeartbeatMs: 500 })
    server = await listen(app)
    api = apiClient(server.url)
    tokens = Object.fromEntries((await issueTokens(t.db, ['EB001', 'EB002'])).map((x) => [x.code, x.token]))
    await sql`DELETE FROM unit_positions WHERE unit_id IN (SELECT id FROM patrol_units WHERE code IN ('EB001', 'EB002')) AND ts >= ${iso(-60)}::timestamptz`.execute(t.db)
  })
  afterAll(async () => {
    await (server as unknown as { close(): Promise<void> }).close()
  })

  const post = (code: string, body: unknown) =>
    fetch(`${server.url}/api/live/positions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[code]}` }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }))
  const pos = (unit: string, minutes: number, lon = 125.14, lat = 42.9) => ({ unit, ts: iso(minutes), lon, lat, speed: 3.5, heading: 90 })
  const stored = (code: string) => scalar<number>(t.db, sql`SELECT count(*)::int FROM unit_positions p JOIN patrol_units u ON u.id = p.unit_id WHERE u.code = ${code} AND p.ts >= ${iso(-60)}::timestamptz`)

  it('stores a batch once, however often it is retried', async () => {
    const batch = [pos('EB001', 0), pos('EB001', 1, 125.141), pos('EB001', 2, 125.142)]
    expect((await post('EB001', batch)).body).toMatchObject({ accepted: 3, duplicates: 0, rejected: [] })
    expect((await post('EB001', batch)).body).toMatchObject({ accepted: 0, duplicates: 3 })
    expect(await stored('EB001')).toBe(3)
  })

  it('writes many units reporting at once together, answering each request for its own points', async () => {
    const codes = (await sql<{ code: string }>`SELECT code FROM patrol_units WHERE code NOT IN ('EB001', 'EB002') ORDER BY code LIMIT 20`.execute(t.db)).rows.map((r) => r.code)
    Object.assign(tokens, Object.fromEntries((await issueTokens(t.db, codes)).map((x) => [x.code, x.token])))
    const [from, to] = [iso(300), iso(330)]
    await sql`DELETE FROM unit_positions WHERE unit_id IN (SELECT id FROM patrol_units WHERE code IN (${sql.join(codes)})) AND ts >= ${from}::timestamptz`.execute(t.db)
    const eventsBefore = await scalar<string>(t.db, sql`SELECT coalesce(max(id), 0)::text FROM live_events`)
    // Per unit: a batch of three, the same batch again (a retry racing its original), and an older point.
    const sent = codes.flatMap((c, k) => {
      const batch = [pos(c, 320, 125.1 + k / 1000), pos(c, 321, 125.1 + k / 1000), pos(c, 322, 125.1 + k / 1000, 42.95)]
      return [
        { code: c, body: batch },
        { code: c, body: batch },
        { code: c, body: [pos(c, 310)] },
      ]
    })
    const answers = await Promise.all(sent.map((r) => post(r.code, r.body)))
    for (const [i, a] of answers.entries()) {
      expect(a.status, sent[i]!.code).toBe(200)
      expect(a.body.accepted + a.body.duplicates).toBe(sent[i]!.body.length)
    }
    for (const c of codes) {
      const mine = answers.filter((_, i) => sent[i]!.code === c)
      expect(mine.reduce((n, a) => n + a.body.accepted, 0), c).toBe(4)
      expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM unit_positions p JOIN patrol_units u ON u.id = p.unit_id WHERE u.code = ${c} AND p.ts >= ${from}::timestamptz AND p.ts < ${to}::timestamptz`), c).toBe(4)
    }
    // Each unit's current position is its newest report, not the older one that came with it.
    const current = await sql<{ code: string; newest: boolean; lat: number }>`
      SELECT u.code, c.ts = ${iso(322)}::timestamptz AS newest, ST_Y(c.geom) AS lat FROM unit_current c JOIN patrol_units u ON u.id = c.unit_id WHERE u.code IN (${sql.join(codes)})`.execute(t.db)
    expect(current.rows).toHaveLength(codes.length)
    for (const r of current.rows) expect([r.code, r.newest, r.lat]).toEqual([r.code, true, 42.95])
    // The live events name every unit at its newest point. On PostgreSQL, requests that arrive
    // while a batch is written go together: some event carries several units. (PGlite's one
    // connection takes each request's token lookup after the previous write, so there it is one
    // request a transaction.)
    const events = await sql<{ units: number; codes: string[] }>`
      SELECT jsonb_array_length(payload) AS units, ARRAY(SELECT e ->> 'code' FROM jsonb_array_elements(payload) e WHERE (e ->> 'ts')::timestamptz = ${iso(322)}::timestamptz) AS codes
      FROM live_events WHERE kind = 'positions' AND id > ${eventsBefore}::bigint`.execute(t.db)
    expect(new Set(events.rows.flatMap((e) => e.codes))).toEqual(new Set(codes))
    if (t.backend === 'postgres') expect(Math.max(...events.rows.map((e) => Number(e.units)))).toBeGreaterThan(1)
  })

  it('keeps out-of-order points in the track but never moves the current position backwards', async () => {
    await post('EB002', [pos('EB002', 10, 125.2, 42.95)])
    await post('EB002', [pos('EB002', 5, 125.1, 42.85)])
    const cur = await sql<{ ts: Date; lon: number }>`SELECT c.ts, ST_X(c.geom) AS lon FROM unit_current c JOIN patrol_units u ON u.id = c.unit_id WHERE u.code = 'EB002'`.execute(t.db)
    expect(new Date(cur.rows[0]!.ts).toISOString()).toBe(iso(10))
    expect(cur.rows[0]!.lon).toBeCloseTo(125.2, 6)
    expect(await stored('EB002')).toBe(2)
  })

  it('reports bad items and keeps the good ones; refuses positions for another unit and unknown tokens', async () => {
    const r = await post('EB001', [pos('EB001', 3), { ...pos('EB001', 4), lat: 95 }, pos('EB002', 4), { unit: 'EB001', ts: 'soon', lon: 125, lat: 42 }])
    expect(r.status).toBe(200)
    expect(r.body.accepted).toBe(1)
    expect(r.body.rejected.map((x: { index: number }) => x.index)).toEqual([1, 2, 3])
    expect(r.body.rejected[1].reason).toMatch(/EB001, not EB002/)
    const none = await fetch(`${server.url}/api/live/positions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })
    expect(none.status).toBe(401)
    const wrong = await fetch(`${server.url}/api/live/positions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body: JSON.stringify([pos('EB001', 9)]) })
    expect(wrong.status).toBe(401)
  })

  it('streams a snapshot, then new positions and hazard changes; a reconnect with Last-Event-ID misses nothing', async () => {
    const s1 = await openSse(`${server.url}/api/live/stream`)
    const snap = await s1.next((e) => e.event === 'snapshot')
    expect(snap.data.payload.length).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM unit_current`))
    await post('EB001', [pos('EB001', 20, 125.15, 42.91)])
    const moved = await s1.next((e) => e.event === 'positions' && e.data.payload.some((p: { code: string }) => p.code === 'EB001'))
    expect(moved.data.payload[0]).toMatchObject({ code: 'EB001', lon: 125.15, lat: 42.91 })
    await s1.close()

    // While disconnected: a move and a new hazard.
    await post('EB001', [pos('EB001', 21, 125.16, 42.92)])
    const hazard = await api.post('/api/layers/hazards/features', { geometry: { type: 'Point', coordinates: [125.16, 42.92] }, properties: { category: 'fire', source: 'offline', description: 'LIVE-TEST' } })
    const s2 = await openSse(`${server.url}/api/live/stream`, { 'last-event-id': moved.id! })
    const missedMove = await s2.next((e) => e.event === 'positions' && e.data.payload.some((p: { lon: number }) => p.lon === 125.16))
    const missedHazard = await s2.next((e) => e.event === 'hazards' && e.data.payload.id === hazard.body.id)
    expect(Number(missedMove.id)).toBeGreaterThan(Number(moved.id))
    expect(Number(missedHazard.id)).toBeGreaterThan(Number(missedMove.id))
    expect(s2.events.some((e) => e.event === 'snapshot')).toBe(false)
    // And it stays live after the replay.
    await post('EB001', [pos('EB001', 22, 125.17, 42.93)])
    await s2.next((e) => e.event === 'positions' && e.data.payload.some((p: { lon: number }) => p.lon === 125.17))
    await s2.close()
    await sql`DELETE FROM hazards WHERE description = 'LIVE-TEST'`.execute(t.db)
  })

  it('filters by layer and bbox', async () => {
    const s = await openSse(`${server.url}/api/live/stream?layers=hazards&bbox=125.0,42.8,125.3,43.0`)
    await post('EB001', [pos('EB001', 30, 125.15, 42.9)])
    const inside = await api.post('/api/layers/hazards/features', { geometry: { type: 'Point', coordinates: [125.1, 42.85] }, properties: { category: 'fire', source: 'offline', description: 'LIVE-TEST' } })
    const outside = await api.post('/api/layers/hazards/features', { geometry: { type: 'Point', coordinates: [125.6, 42.6] }, properties: { category: 'fire', source: 'offline', description: 'LIVE-TEST' } })
    await s.next((e) => e.event === 'hazards' && e.data.payload.id === inside.body.id)
    await new Promise((r) => setTimeout(r, 300))
    expect(s.events.filter((e) => e.event === 'positions')).toEqual([])
    expect(s.events.some((e) => e.data.payload?.id === outside.body.id)).toBe(false)
    await s.close()
    await sql`DELETE FROM hazards WHERE description = 'LIVE-TEST'`.execute(t.db)
  })

  it('plays back exactly the stored points of a window', async () => {
    const r = await api.get(`/api/live/tracks?units=EB001,EB002&from=${encodeURIComponent(iso(0))}&to=${encodeURIComponent(iso(21))}`)
    expect(r.status).toBe(200)
    for (const code of ['EB001', 'EB002']) {
      const expected = await sql<{ ts: Date }>`SELECT p.ts FROM unit_positions p JOIN patrol_units u ON u.id = p.unit_id
        WHERE u.code = ${code} AND p.ts BETWEEN ${iso(0)}::timestamptz AND ${iso(21)}::timestamptz ORDER BY p.ts`.execute(t.db)
      const unit = r.body.units.find((u: { code: string }) => u.code === code)
      expect(unit.points.map((p: { ts: string }) => new Date(p.ts).toISOString())).toEqual(expected.rows.map((x) => new Date(x.ts).toISOString()))
    }
    expect(r.body.units[0].distance_m).toBeGreaterThan(0)
    expect((await api.get(`/api/live/tracks?units=NOPE&from=${encodeURIComponent(iso(0))}&to=${encodeURIComponent(iso(1))}`)).status).toBe(404)
    expect((await api.get(`/api/live/tracks?units=EB001&from=${encodeURIComponent(iso(5))}&to=${encodeURIComponent(iso(1))}`)).status).toBe(400)
  })

  it.runIf(Boolean(process.env.DATABASE_URL))('fans out through NOTIFY: two server processes both deliver an event posted to one', async () => {
    const scratch = await createScratchDatabase(`pingan_live_${process.pid}`)
    const a = await startServer({ DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' }, 3970, 180_000)
    const b = await startServer({ DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' }, 3971, 60_000)
    try {
      const { createDb } = await import('../../server/src/db/create-db.ts')
      const other = await createDb({ databaseUrl: scratch.url })
      const token = (await issueTokens(other.db, ['EB003']))[0]!.token
      await other.close()
      const bearer = { authorization: `Bearer ${await tokenFor(a.url, 'command', 'pingan-command')}` }
      const sa = await openSse(`${a.url}/api/live/stream?layers=positions`, bearer, null)
      const sb = await openSse(`${b.url}/api/live/stream?layers=positions`, bearer, null)
      await Promise.all([sa.next((e) => e.event === 'snapshot'), sb.next((e) => e.event === 'snapshot')])
      const r = await fetch(`${a.url}/api/live/positions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify([{ unit: 'EB003', ts: new Date().toISOString(), lon: 125.13, lat: 42.89 }]) })
      expect(r.status).toBe(200)
      const match = (e: { event: string; data: any }) => e.event === 'positions' && e.data.payload.some((p: { code: string }) => p.code === 'EB003')
      const [ea, eb] = await Promise.all([sa.next(match), sb.next(match)])
      expect(ea.id).toBe(eb.id)
      await sa.close()
      await sb.close()
    } finally {
      await a.stop()
      await b.stop()
      await scratch.drop()
    }
  })
})
