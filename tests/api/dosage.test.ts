import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listenLong, type TestServer } from '../helpers/http.ts'
import { getTestDb, type TestDb } from '../helpers/test-db.ts'

/**
 * Issue 18, patrol dosage, against hand-built tracks on 10 March 2004 (no demo report is that
 * old) in one hexagon of 龙山区: a unit circling it for 12 minutes, a unit passing twice 3 hours
 * apart, a unit whose reports inside are 10 minutes apart. Deleted afterwards.
 */
type Day = { date: string; minutes: number; visits: number; full_visits: number; longest_gap_min: number | null; units: string[]; met: boolean }
type Station = { station_id: number; station_name: string; patrol_minutes: number; hot_spot_minutes: number; hot_spots: number; area_share: number; dosage_ratio: number | null }
type Answer = { parameters: Record<string, unknown>; summary: { hot_spots: number; days: number; bin_days_met: number }; bins: Array<{ i: number; j: number; days: Day[]; minutes_per_day: number; days_met: number }>; stations: Station[] }

const CELL = 500
const DAY = 'from=2004-03-10T00:00:00%2B08:00&to=2004-03-11T23:59:59%2B08:00'

describe('analysis: patrol dosage in hot spots', () => {
  let t: TestDb
  let server: TestServer
  let api: ReturnType<typeof apiClient>
  let bin: { i: number; j: number }
  let units: Array<{ id: number; code: string }>
  const cleanUp = () => sql`DELETE FROM unit_positions WHERE ts >= '2004-03-01' AND ts < '2004-04-01'`.execute(t.db)

  beforeAll(async () => {
    t = await getTestDb()
    await cleanUp()
    server = await listenLong(createApp({ database: t, logger: createLogger('silent') }))
    api = apiClient(server.url, 'command')
    bin = (
      await sql<{ i: number; j: number }>`
        SELECT h.i, h.j FROM admin_areas a, ST_HexagonGrid(${CELL}::float8, ST_Transform(a.geom, 32651)) h
        WHERE a.code = '220402' AND ST_Within(ST_Buffer(h.geom, 3000), ST_Transform(a.geom, 32651)) ORDER BY h.i, h.j LIMIT 1`.execute(t.db)
    ).rows[0]!
    units = (await sql<{ id: number; code: string }>`SELECT id, code FROM patrol_units ORDER BY id LIMIT 3`.execute(t.db)).rows
    // Reports at local (Beijing) times of the day, `r` metres from the hexagon's centre at angle a (outside: 2 km away).
    const report = (unit: number, time: string, r: number, a: number) => sql`
      INSERT INTO unit_positions (unit_id, ts, geom)
      SELECT ${unit}, ${`2004-03-10T${time}+08:00`}::timestamptz,
             ST_Transform(ST_Translate(ST_Centroid(ST_SetSRID(ST_Hexagon(${CELL}::float8, ${bin.i}, ${bin.j}), 32651)), ${r} * cos(${a}), ${r} * sin(${a})), 4326)`.execute(t.db)
    const every10s = async (unit: number, from: string, minutes: number) => {
      const start = Date.parse(`2004-03-10T${from}+08:00`)
      for (let k = 0; k <= minutes * 6; k++) {
        const time = new Date(start + k * 10_000 + 8 * 3_600_000).toISOString().slice(11, 19)
        await report(unit, time, 100, k / 6)
      }
    }
    // Unit 1 circles the hot spot 09:00–09:12, arriving from and leaving to 2 km away.
    await report(units[0]!.id, '08:59:50', 2000, 0)
    await every10s(units[0]!.id, '09:00:00', 12)
    await report(units[0]!.id, '09:12:10', 2000, 0)
    // Unit 2 passes through twice, 13:00–13:05 and 16:05–16:10 (3 h apart), reporting outside in between.
    await every10s(units[1]!.id, '13:00:00', 5)
    await report(units[1]!.id, '13:05:10', 2000, 1)
    await report(units[1]!.id, '15:00:00', 2000, 1)
    await every10s(units[1]!.id, '16:05:00', 5)
    // Unit 3 reports from inside every 10 minutes, 18:00–18:30: longer gaps than the bound are no presence.
    for (const time of ['18:00:00', '18:10:00', '18:20:00', '18:30:00']) await report(units[2]!.id, time, 50, 2)
  }, 120_000)
  afterAll(async () => {
    await cleanUp()
    await server.close()
  })

  it('counts visits, minutes and gaps as worked by hand: 12 minutes once, two passes 3 hours apart, silent gaps not presence', async () => {
    const r = await api.get<Answer>(`/api/analysis/dosage?${DAY}&cell=${CELL}&bins=${bin.i}:${bin.j}`)
    expect(r.status).toBe(200)
    expect(r.body.summary.days).toBe(2)
    const [d1, d2] = r.body.bins[0]!.days
    expect(d1).toEqual({
      date: '2004-03-10',
      // 12 + 5 + 5 minutes; unit 3's lone reports add nothing.
      minutes: 22,
      visits: 3,
      full_visits: 1,
      // 09:12 → 13:00 is the longest time without a visit.
      longest_gap_min: 228,
      units: [units[0]!.code, units[1]!.code].sort(),
      met: false,
    })
    expect(d2).toMatchObject({ date: '2004-03-11', minutes: 0, visits: 0, full_visits: 0, longest_gap_min: null, units: [], met: false })
    expect(r.body.bins[0]!.minutes_per_day).toBe(11)
    // The geometric form (a buffer makes bins overlap) agrees with the one-pass lattice form.
    const buffered = await api.get<Answer>(`/api/analysis/dosage?${DAY}&cell=${CELL}&bins=${bin.i}:${bin.j}&buffer=1`)
    expect(buffered.body.bins[0]!.days).toEqual(r.body.bins[0]!.days)
    // Its place: the village or community holding its centre, and the town.
    const place = await sql<{ place: string }>`
      SELECT concat_ws(' · ', v.name, t.name) AS place FROM admin_areas v LEFT JOIN admin_areas t ON t.code = v.parent_code
      WHERE v.level = 'village' AND ST_Intersects(v.geom, ST_Transform(ST_Centroid(ST_SetSRID(ST_Hexagon(${CELL}::float8, ${bin.i}, ${bin.j}), 32651)), 4326))`.execute(t.db)
    expect((r.body.bins[0] as { place?: string }).place).toBe(place.rows[0]!.place)
  })

  it('takes the bound and the target as asked: a 700 s bound joins unit 3\'s reports into one 30-minute visit; one full visit a day meets a target of 1', async () => {
    const r = await api.get<Answer>(`/api/analysis/dosage?${DAY}&cell=${CELL}&bins=${bin.i}:${bin.j}&max_gap_s=700&target=1`)
    const d1 = r.body.bins[0]!.days[0]!
    expect(d1.minutes).toBe(52)
    expect(d1.full_visits).toBe(2)
    expect(d1.units).toEqual(units.map((u) => u.code).sort())
    expect(d1.met).toBe(true)
    expect(r.body.bins[0]!.days_met).toBe(1)
    expect(r.body.summary.bin_days_met).toBe(1)
  })

  it("gives each station its dosage ratio: hot-spot minutes' share of its patrol minutes over the hot spots' share of its area", async () => {
    const r = await api.get<Answer>(`/api/analysis/dosage?${DAY}&cell=${CELL}&bins=${bin.i}:${bin.j}`)
    // By hand: unit 1 reported every 10 s from 08:59:50 to 09:12:10 (740 s on patrol, 720 s in the hot spot);
    // unit 2 for 300 + 10 s, then silent, then 300 s (610 s on patrol, 600 s in it); unit 3's reports are 600 s apart (none).
    const patrol = new Map([[units[0]!.id, 740], [units[1]!.id, 610], [units[2]!.id, 0]])
    const hot = new Map([[units[0]!.id, 720], [units[1]!.id, 600], [units[2]!.id, 0]])
    const owner = (await sql<{ station_id: number; m2: number }>`
      SELECT g.station_id, (SELECT sum(ST_Area(geom::geography)) FROM grid_cells WHERE station_id = g.station_id)::float8 AS m2 FROM grid_cells g
      WHERE ST_Intersects(g.geom, ST_Transform(ST_Centroid(ST_SetSRID(ST_Hexagon(${CELL}::float8, ${bin.i}, ${bin.j}), 32651)), 4326))`.execute(t.db)).rows[0]!
    const stationOf = new Map((await sql<{ id: number; station_id: number }>`SELECT id, station_id FROM patrol_units WHERE id IN (${sql.join(units.map((u) => u.id))})`.execute(t.db)).rows.map((u) => [u.id, u.station_id]))
    for (const st of new Set([...stationOf.values(), owner.station_id])) {
      const mine = units.filter((u) => stationOf.get(u.id) === st)
      const patrolS = mine.reduce((s, u) => s + patrol.get(u.id)!, 0)
      const hotS = mine.reduce((s, u) => s + hot.get(u.id)!, 0)
      const got = r.body.stations.find((x) => x.station_id === st)
      if (patrolS === 0 && st !== owner.station_id) {
        expect(got).toBeUndefined()
        continue
      }
      expect(got!.patrol_minutes).toBeCloseTo(patrolS / 60, 1)
      expect(got!.hot_spot_minutes).toBeCloseTo(hotS / 60, 1)
      const areaShare = st === owner.station_id ? (1.5 * CELL * CELL * Math.sqrt(3)) / owner.m2 : 0
      expect(got!.hot_spots).toBe(st === owner.station_id ? 1 : 0)
      expect(got!.area_share).toBeCloseTo(areaShare, 4)
      if (patrolS > 0 && areaShare > 0) expect(got!.dosage_ratio).toBeCloseTo(hotS / patrolS / areaShare, 2)
      else expect(got!.dosage_ratio).toBeNull()
    }
  })

  it('measures the Gi* hot spots by default, worst first, and refuses bad input', async () => {
    const r = await api.get<Answer>(`/api/analysis/dosage?from=2026-10-01T00:00:00Z&to=2026-10-03T00:00:00Z`)
    expect(r.status).toBe(200)
    expect(r.body.parameters.hotspots).toBe('gi')
    expect(r.body.summary.hot_spots).toBeGreaterThan(0)
    const order = r.body.bins.map((b) => [b.days_met, b.minutes_per_day])
    for (let k = 1; k < order.length; k++) expect(order[k]![0]! > order[k - 1]![0]! || (order[k]![0] === order[k - 1]![0] && order[k]![1]! >= order[k - 1]![1]!)).toBe(true)
    for (const [q, code] of [
      [`${DAY}&bins=1:x`, 'invalid_query'],
      [`${DAY}&bins=1:2&hotspots=gi`, 'invalid_query'],
      ['from=2004-01-01T00:00:00Z&to=2004-06-01T00:00:00Z', 'period_too_long'],
      ['from=2004-03-02T00:00:00Z&to=2004-03-01T00:00:00Z', 'invalid_query'],
      [`${DAY}&max_gap_s=1`, 'invalid_query'],
    ]) {
      const bad = await api.get<{ error: { code: string } }>(`/api/analysis/dosage?${q}`)
      expect(bad.status, q).toBe(400)
      expect(bad.body.error.code, q).toBe(code)
    }
  })
})
