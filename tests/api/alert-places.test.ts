import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluateAlerts } from '../../server/src/alerts/evaluate.ts'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { openSse } from '../helpers/sse.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

/** After the demo's data: only the units this file moves have fresh reports, and no hot cells or school bells. */
const AT = new Date('2027-03-02T10:00:00+08:00').toISOString()

interface Alert {
  id: number
  rule_id: number
  kind: string
  subject: string
  lon: number | null
  lat: number | null
  place_code: string | null
  place: string | null
  extent: [number, number, number, number] | null
}

/**
 * Issue 15 item 6: a feed a commander can read. An alert says where it is (the village or
 * community its point lies in, with its town) and which rule raised it, in the alerts list and in
 * the stream alike, so the feed merges one rule's alerts at one place; an alert with no point (the
 * river rule) carries the extent of what it is about; incident, hazard and dispute events carry
 * their place and, deleted, their point. Expected places are SQL written here.
 */
describe('alerts and live events say where they are', () => {
  let t: TestDb
  let server: TestServer
  let savedUnits: Array<Record<string, unknown>>
  let savedRiver: unknown
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), liveHeartbeatMs: 1000 }))
    savedUnits = (await sql<Record<string, unknown>>`SELECT * FROM unit_current`.execute(t.db)).rows
    savedRiver = await scalar(t.db, sql`SELECT params::text FROM alert_rules WHERE kind = 'river_overdue'`)
    await sql`DELETE FROM alerts`.execute(t.db)
  })
  afterAll(async () => {
    await sql`DELETE FROM alerts`.execute(t.db)
    await sql`UPDATE alert_rules SET params = ${savedRiver as string}::jsonb WHERE kind = 'river_overdue'`.execute(t.db)
    for (const row of savedUnits) {
      await sql`UPDATE unit_current SET ts = ${row.ts as Date}, geom = ${row.geom as string}::geometry WHERE unit_id = ${row.unit_id as number}`.execute(t.db)
    }
    await server.close()
  })

  it('gives the alerts of three units out of their zones in one village the same rule and place', async () => {
    const units = (await sql<{ id: number; code: string }>`SELECT id, code FROM patrol_units WHERE zone_id IS NOT NULL ORDER BY id LIMIT 3`.execute(t.db)).rows
    // A village at least 2 km from every zone of the three.
    const village = (await sql<{ code: string; name: string; lon: number; lat: number }>`
      SELECT v.code, t.name || v.name AS name, ST_X(ST_PointOnSurface(v.geom)) AS lon, ST_Y(ST_PointOnSurface(v.geom)) AS lat
      FROM admin_areas v JOIN admin_areas t ON t.code = v.parent_code
      WHERE v.level = 'village' AND NOT EXISTS (
        SELECT 1 FROM patrol_units u JOIN patrol_zones z ON z.id = u.zone_id
        WHERE u.id IN (${sql.join(units.map((u) => u.id))}) AND ST_DWithin(ST_Transform(z.geom, 32651), ST_Transform(ST_PointOnSurface(v.geom), 32651), 2000))
      ORDER BY v.code LIMIT 1`.execute(t.db)).rows[0]!
    for (const [k, u] of units.entries()) {
      await sql`UPDATE unit_current SET ts = ${AT}::timestamptz, geom = ST_SetSRID(ST_MakePoint(${village.lon + k * 1e-5}, ${village.lat}), 4326) WHERE unit_id = ${u.id}`.execute(t.db)
    }
    const eventsBefore = await scalar<number>(t.db, sql`SELECT coalesce(max(id), 0)::int FROM live_events`)
    await evaluateAlerts(t.db, AT)
    const r = await apiClient(server.url, 'command').get<{ alerts: Alert[] }>('/api/alerts?state=open')
    expect(r.status).toBe(200)
    const mine = r.body.alerts.filter((a) => units.some((u) => a.subject === `unit:${u.code}`))
    expect(mine).toHaveLength(3)
    const rule = await scalar<number>(t.db, sql`SELECT id FROM alert_rules WHERE kind = 'left_zone'`)
    for (const a of mine) expect({ rule: a.rule_id, code: a.place_code, place: a.place, extent: a.extent }).toEqual({ rule, code: village.code, place: village.name, extent: null })
    // The stream's events of those alerts say the same.
    const logged = (await sql<{ payload: Alert & { state: string } }>`SELECT payload FROM live_events WHERE kind = 'alerts' AND id > ${eventsBefore} ORDER BY id`.execute(t.db)).rows.map((x) => x.payload)
    const mineLogged = logged.filter((p) => units.some((u) => p.subject === `unit:${u.code}`))
    expect(mineLogged).toHaveLength(3)
    for (const p of mineLogged) expect({ rule: p.rule_id, code: p.place_code, place: p.place, state: p.state }).toEqual({ rule, code: village.code, place: village.name, state: 'open' })
  })

  it('gives the river rule\'s alert (no point) the extent of the rivers', async () => {
    await sql`UPDATE alert_rules SET params = params || '{"months": [3], "hours": 1}'::jsonb WHERE kind = 'river_overdue'`.execute(t.db)
    await evaluateAlerts(t.db, AT)
    const r = await apiClient(server.url, 'command').get<{ alerts: Alert[] }>('/api/alerts?state=open')
    const river = r.body.alerts.find((a) => a.kind === 'river_overdue')!
    expect(river).toBeDefined()
    expect(river.lon).toBeNull()
    expect(river.place).toBeNull()
    const e = (await sql<{ x0: number; y0: number; x1: number; y1: number }>`SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1 FROM (SELECT ST_Extent(geom) AS e FROM rivers) r`.execute(t.db)).rows[0]!
    expect(river.extent!.map((v) => Number(v.toFixed(6)))).toEqual([e.x0, e.y0, e.x1, e.y1].map((v) => Number(v.toFixed(6))))
  })

  it('streams a new hazard with its place, and its deletion with its point', async () => {
    const stream = await openSse(`${server.url}/api/live/stream?layers=hazards`)
    try {
      await stream.next((e) => e.event === 'snapshot')
      const cell = (await sql<{ id: number; place: string; lon: number; lat: number }>`
        SELECT g.id, t.name || v.name AS place, ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat
        FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code JOIN admin_areas t ON t.code = v.parent_code ORDER BY g.id LIMIT 1`.execute(t.db)).rows[0]!
      const id = (await sql<{ id: number }>`INSERT INTO hazards (category, source, description, geom) VALUES ('fire', 'offline', 'ALERT-PLACES-TEST', ST_SetSRID(ST_MakePoint(${cell.lon}, ${cell.lat}), 4326)) RETURNING id`.execute(t.db)).rows[0]!.id
      const created = await stream.next((e) => e.event === 'hazards' && e.data.payload.id === id && e.data.payload.op === 'insert')
      expect(created.data.payload).toMatchObject({ grid_id: cell.id, place: cell.place, category: 'fire', status: 'reported' })
      expect(created.data.payload.lon).toBeCloseTo(cell.lon, 9)
      await sql`DELETE FROM hazards WHERE id = ${id}`.execute(t.db)
      const deleted = await stream.next((e) => e.event === 'hazards' && e.data.payload.id === id && e.data.payload.op === 'delete')
      expect(deleted.data.payload.lon).toBeCloseTo(cell.lon, 9)
      expect(deleted.data.payload.lat).toBeCloseTo(cell.lat, 9)
    } finally {
      await stream.close()
    }
  })
})
