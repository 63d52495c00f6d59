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
    // Walk EB020 across the middle of the longest edge of its zone, along the edge's normal: on a
    // long straight edge the distance to the zone outside, and to its edge inside, is the step.
    const edge = await sql<{ x1: number; y1: number; x2: number; y2: number }>`
      WITH z AS (SELECT ST_Transform(z.geom, 32651) AS zm FROM patrol_zones z JOIN patrol_units u ON u.zone_id = z.id WHERE u.code = 'EB020'),
           v AS (SELECT d.path[1] AS i, d.geom FROM z, ST_DumpPoints(ST_ExteriorRing(z.zm)) d),
           e AS (SELECT a.geom AS a, b.geom AS b FROM v a JOIN v b ON b.i = a.i + 1)
      SELECT ST_X(a) AS x1, ST_Y(a) AS y1, ST_X(b) AS x2, ST_Y(b) AS y2 FROM e ORDER BY ST_Distance(a, b) DESC LIMIT 1`.execute(t.db)
    const { x1, y1, x2, y2 } = edge.rows[0]!
    const len = Math.hypot(x2 - x1, y2 - y1)
    const [mx, my] = [(x1 + x2) / 2, (y1 + y2) / 2]
    let [nx, ny] = [-(y2 - y1) / len, (x2 - x1) / len]
    const point = (d: number) => sql`ST_SetSRID(ST_MakePoint(${mx + nx * d}, ${my + ny * d}), 32651)`
    const zone = sql`(SELECT ST_Transform(z.geom, 32651) FROM patrol_zones z JOIN patrol_units u ON u.zone_id = z.id WHERE u.code = 'EB020')`
    if (await scalar<boolean>(t.db, sql`ST_Contains(${zone}, ${point(5)})`)) [nx, ny] = [-nx, -ny]
    const along = (d: number) => sql`ST_Transform(${point(d)}, 4326)`
    // The walk's geometry as the steps assume it: 100 m out is 100 m from the zone, 60 m in is 60 m from its edge.
    expect(await scalar<number>(t.db, sql`round(ST_Distance(${zone}, ${point(100)}))::int`)).toBe(100)
    expect(await scalar<number>(t.db, sql`round(ST_Distance(ST_Boundary(${zone}), ${point(-60)}))::int`)).toBe(60)
    const subject = ['unit:EB020']
    const step = async (d: number, hhmm: string) => {
      await placeUnit('EB020', along(d), at(hhmm))
      await evaluateAlerts(t.db, at(hhmm))
      return (await open('left_zone')).filter((s) => s === 'unit:EB020')
    }
    expect(len).toBeGreaterThan(250)
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
    expect(ack.body).toMatchObject({ acknowledged_by: 'test-admin', ack_note: '已安排民警到岗' })
    expect((await api.post(`/api/alerts/${id}/acknowledge`, {})).status).toBe(409)
    expect((await api.post('/api/alerts/99999999/acknowledge', {})).status).toBe(404)
    const audit = await api.get(`/api/audit?layer=alerts&id=${id}`)
    expect(audit.body.entries[0]).toMatchObject({ action: 'acknowledge', reason: '已安排民警到岗' })
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM live_events WHERE kind = 'alerts'`)).toBeGreaterThan(0)
  })
})

describe('alert rule: hotspot without a visit', () => {
  // A day no other test writes incidents or positions for (the seed ends 2026-11-01).
  const D = '2027-03-10'
  const when = (hhmm: string, day = D) => new Date(`${day}T${hhmm}:00+08:00`).toISOString()
  let t: TestDb
  let params: Record<string, number>
  /** The hexagon (ST_HexagonGrid, 500 m, EPSG:32651) under the city centre, and its centre. */
  let h: { i: number; j: number; cx: number; cy: number }
  let ring: string[]
  const subject = (i: number, j: number) => `hotspot:500:${i}:${j}`

  beforeAll(async () => {
    t = await getTestDb()
    const hex = await sql<{ i: number; j: number; cx: number; cy: number }>`
      WITH p AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(125.14, 42.9), 4326), 32651) AS g)
      SELECT h.i, h.j, ST_X(ST_Centroid(h.geom)) AS cx, ST_Y(ST_Centroid(h.geom)) AS cy FROM p, ST_HexagonGrid(500, p.g) h WHERE ST_Intersects(h.geom, p.g) LIMIT 1`.execute(t.db)
    h = hex.rows[0]!
    // Hand-worked Gi*: with every incident in one hexagon of n ≈ 8,000 bins, that bin and its six
    // touching neighbours each have the same neighbourhood sum (30) and size (7):
    // z = (30 − 7·30/n) / (S·√((7n − 49)/(n − 1))) with S ≈ 30/√n, about 34 → hot at 99 %.
    // Every other bin has z ≈ −0.2 (not significant). So exactly these seven are hot.
    const near = await sql<{ i: number; j: number }>`
      WITH c AS (SELECT ST_SetSRID(ST_MakePoint(${h.cx}::float8, ${h.cy}::float8), 32651) AS g),
           hh AS (SELECT ST_SetSRID(ST_Hexagon(500, ${h.i}, ${h.j}), 32651) AS g)
      SELECT g.i, g.j FROM c, hh, ST_HexagonGrid(500, ST_Buffer(c.g, 1500)) g WHERE ST_Intersects(g.geom, ST_Buffer(hh.g, 1)) ORDER BY 1, 2`.execute(t.db)
    ring = near.rows.map((r) => subject(r.i, r.j)).sort()
    expect(ring).toHaveLength(7)
    await sql`
      INSERT INTO incidents (code, source, category, reported_at, geom)
      SELECT 'HOTTEST-' || k, '110', 'theft', ${when('12:00', '2027-03-09')}::timestamptz + make_interval(mins => k),
             ST_Transform(ST_SetSRID(ST_MakePoint(${h.cx}::float8 + (k % 5) * 20 - 40, ${h.cy}::float8 + (k % 3) * 20 - 20), 32651), 4326)
      FROM generate_series(1, 30) k`.execute(t.db)
    params = (await sql<{ params: Record<string, number> }>`SELECT params FROM alert_rules WHERE kind = 'hotspot_unvisited'`.execute(t.db)).rows[0]!.params
    expect(params).toMatchObject({ hours: 8, dwell_min: 10, max_gap_s: 300, cell_m: 500, min_confidence: 99, keep_confidence: 90 })
    await patchRule({ lookback_days: 3, max_cells: 20 })
  })
  afterAll(async () => {
    await patchRule(params)
    await sql`DELETE FROM incidents WHERE code LIKE 'HOTTEST-%'`.execute(t.db)
    await sql`DELETE FROM unit_positions WHERE ts >= ${when('00:00')}::timestamptz AND unit_id = (SELECT id FROM patrol_units WHERE code = 'EB030')`.execute(t.db)
    await sql`DELETE FROM alerts WHERE kind = 'hotspot_unvisited'`.execute(t.db)
  })

  // Set as a planner would with PATCH /api/alert-rules/{id} (that route is tested above).
  const patchRule = (p: Record<string, number>) =>
    sql`UPDATE alert_rules SET params = params || ${JSON.stringify(p)}::jsonb, version = version + 1 WHERE kind = 'hotspot_unvisited'`.execute(t.db)
  const open = async () =>
    (await sql<{ subject: string }>`SELECT subject FROM alerts WHERE kind = 'hotspot_unvisited' AND cleared_at IS NULL ORDER BY subject`.execute(t.db)).rows.map((r) => r.subject)
  /** EB030 reports at these Beijing times, `dx` metres east of the hexagon's centre (outside beyond 433 m). */
  const report = (points: Array<[string, number]>) =>
    sql`
      INSERT INTO unit_positions (unit_id, ts, geom)
      SELECT (SELECT id FROM patrol_units WHERE code = 'EB030'), (${D}::date + p.hhmm::time) AT TIME ZONE 'Asia/Shanghai',
             ST_Transform(ST_SetSRID(ST_MakePoint(${h.cx}::float8 + p.dx, ${h.cy}::float8), 32651), 4326)
      FROM jsonb_to_recordset(${JSON.stringify(points.map(([hhmm, dx]) => ({ hhmm, dx })))}::jsonb) AS p(hhmm text, dx float8)`.execute(t.db)
  const minutes = (from: string, to: string, dx = 0): Array<[string, number]> => {
    const [a, b] = [from, to].map((s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3)))
    const out: Array<[string, number]> = []
    for (let m = a!; m <= b!; m++) out.push([`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`, dx])
    return out
  }
  const centre = () => subject(h.i, h.j)

  it('opens one alert per hot cell that nobody has stayed in for 8 hours', async () => {
    const r = await evaluateAlerts(t.db, when('10:00'))
    expect(await open()).toEqual(ring)
    expect(r.opened).toBeGreaterThanOrEqual(7)
    // The alert sits at the hexagon's centre.
    const alert = await sql<{ x: number; y: number; message: string }>`
      SELECT ST_X(ST_Transform(geom, 32651)) AS x, ST_Y(ST_Transform(geom, 32651)) AS y, message FROM alerts WHERE subject = ${centre()} AND cleared_at IS NULL`.execute(t.db)
    expect(Math.hypot(alert.rows[0]!.x - h.cx, alert.rows[0]!.y - h.cy)).toBeLessThan(1)
    expect(alert.rows[0]!.message).toContain('8 小时')
  })

  it('is not cleared by passing through, a short stop, or two reports 12 minutes apart; none of it reopens anything', async () => {
    await report([['10:01', -1200], ['10:02', -100], ['10:03', 100], ['10:04', 1200]])
    expect((await evaluateAlerts(t.db, when('10:05'))).opened).toBe(0)
    await report([...minutes('10:10', '10:18', 50), ['10:19', 1200]]) // 8 minutes inside
    expect((await evaluateAlerts(t.db, when('10:20'))).opened).toBe(0)
    await report([['10:30', 0], ['10:42', 0], ['10:43', 1200]]) // 12 minutes apart, the device silent between
    const r = await evaluateAlerts(t.db, when('10:45'))
    expect(r.opened).toBe(0)
    expect(await open()).toEqual(ring)
  })

  it('clears the visited cell after a 12-minute stay, keeps it clear for 8 hours after the stay ends, then reopens it once', async () => {
    await report([...minutes('11:00', '11:12', -150), ['11:13', 1200]])
    await evaluateAlerts(t.db, when('11:15'))
    const others = ring.filter((s) => s !== centre())
    expect(await open()).toEqual(others)
    for (const hhmm of ['14:00', '19:00', '19:12']) {
      await evaluateAlerts(t.db, when(hhmm))
      expect(await open(), hhmm).toEqual(others)
    }
    await evaluateAlerts(t.db, when('19:13'))
    expect(await open()).toEqual(ring)
    await evaluateAlerts(t.db, when('19:14'))
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM alerts WHERE subject = ${centre()}`)).toBe(2)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM alerts WHERE kind = 'hotspot_unvisited' AND subject = ANY (${ring})`)).toBe(8)
  })

  it('keeps open alerts past the cap on new ones, and opens none beyond it', async () => {
    await patchRule({ max_cells: 0 })
    await evaluateAlerts(t.db, when('19:20'))
    expect(await open()).toEqual(ring)
    await report([...minutes('19:30', '19:41', 0), ['19:42', 1200]])
    await evaluateAlerts(t.db, when('19:45'))
    expect(await open()).toEqual(ring.filter((s) => s !== centre()))
    // 8 hours after the stay the cell is unvisited again, but the cap lets no new alert open.
    await evaluateAlerts(t.db, when('04:00', '2027-03-11'))
    expect(await open()).toEqual(ring.filter((s) => s !== centre()))
  })
})
