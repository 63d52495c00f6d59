import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluateAlerts } from '../../server/src/alerts/evaluate.ts'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const DAY = '2026-11-30'
const at = (hhmm: string) => new Date(`${DAY}T${hhmm}:00+08:00`).toISOString()

describe('alert rules', () => {
  let t: TestDb
  let server: TestServer
  let api: ReturnType<typeof apiClient>
  let saved: Array<Record<string, unknown>>
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
    api = apiClient(server.url)
    saved = (await sql<Record<string, unknown>>`SELECT * FROM unit_current`.execute(t.db)).rows
    await sql`DELETE FROM alerts`.execute(t.db)
  })
  afterAll(async () => {
    await sql`DELETE FROM alerts`.execute(t.db)
    await sql`UPDATE alert_rules SET params = params || '{"hours": 24}'::jsonb WHERE kind = 'river_overdue'`.execute(t.db)
    for (const row of saved) {
      await sql`UPDATE unit_current SET ts = ${row.ts as Date}, geom = ${row.geom as string}::geometry WHERE unit_id = ${row.unit_id as number}`.execute(t.db)
    }
    await server.close()
  })

  const open = async (kind: string) =>
    (await sql<{ subject: string }>`SELECT subject FROM alerts WHERE kind = ${kind} AND cleared_at IS NULL ORDER BY subject`.execute(t.db)).rows.map((r) => r.subject)
  const placeUnit = (code: string, point: ReturnType<typeof sql>, ts: string) =>
    sql`UPDATE unit_current SET geom = ${point}, ts = ${ts}::timestamptz WHERE unit_id = (SELECT id FROM patrol_units WHERE code = ${code})`.execute(t.db)

  it('raises 护学岗 alerts for the posts whose school lets out now with no unit near, clears them when a unit arrives, and does not flap', async () => {
    const expected = await sql<{ subject: string }>`
      SELECT 'guard-post:' || gp.id || '@20:30' AS subject FROM guard_posts gp JOIN schools s ON s.id = gp.school_id
      WHERE '20:30' = ANY (s.dismissal_times) ORDER BY 1`.execute(t.db)
    expect(expected.rows.length).toBeGreaterThan(0)
    await evaluateAlerts(t.db, at('20:25'))
    expect(await open('guard_post_unmanned')).toEqual(expected.rows.map((r) => r.subject))
    // A unit at the first post of 辽源市第五中学 (the posts are 42 m apart: both are manned).
    await placeUnit('EB010', sql`(SELECT gp.geom FROM guard_posts gp JOIN schools s ON s.id = gp.school_id WHERE s.name = '辽源市第五中学' ORDER BY gp.id LIMIT 1)`, at('20:29'))
    const second = await evaluateAlerts(t.db, at('20:30'))
    expect(second.cleared).toBe(expected.rows.length)
    expect(await open('guard_post_unmanned')).toEqual([])
    expect((await evaluateAlerts(t.db, at('20:31'))).opened).toBe(0)
    // The unit's report goes stale after 2 minutes: the alert comes back, once.
    await evaluateAlerts(t.db, at('20:40'))
    await evaluateAlerts(t.db, at('20:41'))
    expect(await open('guard_post_unmanned')).toEqual(expected.rows.map((r) => r.subject))
    // After the window (20:30 + 20 min) nothing is open.
    await evaluateAlerts(t.db, at('20:51'))
    expect(await open('guard_post_unmanned')).toEqual([])
  })

  it('flags a unit outside its zone only past 50 m, and clears only 20 m back inside (no flapping on jitter)', async () => {
    // Walk EB020 along the line from a point inside its zone through the nearest boundary point.
    const geo = await sql<{ px: number; py: number; bx: number; by: number }>`
      WITH z AS (SELECT ST_Transform(z.geom, 32651) AS zm FROM patrol_zones z JOIN patrol_units u ON u.zone_id = z.id WHERE u.code = 'EB020'),
           p AS (SELECT ST_PointOnSurface(zm) AS p, zm FROM z)
      SELECT ST_X(p) AS px, ST_Y(p) AS py, ST_X(ST_ClosestPoint(ST_Boundary(zm), p)) AS bx, ST_Y(ST_ClosestPoint(ST_Boundary(zm), p)) AS by FROM p`.execute(t.db)
    const g = geo.rows[0]!
    const len = Math.hypot(g.bx - g.px, g.by - g.py)
    const along = (d: number) => sql`ST_Transform(ST_SetSRID(ST_MakePoint(${g.bx + ((g.bx - g.px) / len) * d}, ${g.by + ((g.by - g.py) / len) * d}), 32651), 4326)`
    const subject = ['unit:EB020']
    const step = async (d: number, hhmm: string) => {
      await placeUnit('EB020', along(d), at(hhmm))
      await evaluateAlerts(t.db, at(hhmm))
      return (await open('left_zone')).filter((s) => s === 'unit:EB020')
    }
    expect(len).toBeGreaterThan(80)
    expect(await step(-40, '09:00')).toEqual([])
    expect(await step(30, '09:01')).toEqual([]) // jitter just outside
    expect(await step(100, '09:02')).toEqual(subject)
    expect(await step(-10, '09:03')).toEqual(subject) // back, but not 20 m inside yet
    expect(await step(-60, '09:04')).toEqual([])
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM alerts WHERE subject = 'unit:EB020'`)).toBe(1)
  })

  it('raises the river-patrol alert in flood season only, by the configured hours', async () => {
    const july = new Date('2026-07-15T12:00:00+08:00').toISOString()
    const lastBefore = await scalar<string>(t.db, sql`SELECT max(started_at)::text FROM river_patrols WHERE started_at <= ${july}::timestamptz`)
    const hoursSince = (Date.parse(july) - Date.parse(lastBefore)) / 3600_000
    await evaluateAlerts(t.db, july)
    expect(await open('river_overdue')).toEqual(hoursSince > 24 ? ['river:all'] : [])
    const rule = (await api.get('/api/alert-rules')).body.rules.find((r: { kind: string }) => r.kind === 'river_overdue')
    const patched = await api.patch(`/api/alert-rules/${rule.id}`, { version: rule.version, params: { hours: Math.max(0.01, hoursSince / 2) } })
    expect(patched.status).toBe(200)
    expect((await api.patch(`/api/alert-rules/${rule.id}`, { version: rule.version, enabled: true })).status).toBe(409)
    await evaluateAlerts(t.db, july)
    expect(await open('river_overdue')).toEqual(['river:all'])
    await evaluateAlerts(t.db, at('12:00'))
    expect(await open('river_overdue')).toEqual([])
  })

  it('lists alerts, acknowledges one once (audited), and logged them as live events', async () => {
    const list = await api.get('/api/alerts?state=all')
    expect(list.body.alerts.length).toBeGreaterThan(0)
    const id = list.body.alerts[0].id
    const ack = await api.post(`/api/alerts/${id}/acknowledge`, { note: '已安排民警到岗' })
    expect(ack.status).toBe(200)
    expect(ack.body).toMatchObject({ acknowledged_by: 'anonymous', ack_note: '已安排民警到岗' })
    expect((await api.post(`/api/alerts/${id}/acknowledge`, {})).status).toBe(409)
    expect((await api.post('/api/alerts/99999999/acknowledge', {})).status).toBe(404)
    const audit = await api.get(`/api/audit?layer=alerts&id=${id}`)
    expect(audit.body.entries[0]).toMatchObject({ action: 'acknowledge', reason: '已安排民警到岗' })
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM live_events WHERE kind = 'alerts'`)).toBeGreaterThan(0)
  })
})
