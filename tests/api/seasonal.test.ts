import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listenLong, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, TEST_ANCHOR, type TestDb } from '../helpers/test-db.ts'

/**
 * The four-seasons screen (四季排查, `GET /api/analysis/seasonal`), checked against SQL written
 * here on the shared seeded database. Rows this file adds have codes starting HSTEST-S- and are
 * deleted afterwards.
 */
describe('analysis: the four-seasons screen', () => {
  let t: TestDb
  let server: TestServer
  let api: ReturnType<typeof apiClient>
  const cleanUp = () => sql`DELETE FROM disputes WHERE code LIKE 'HSTEST-S-%'`.execute(t.db)
  beforeAll(async () => {
    t = await getTestDb()
    await cleanUp()
    server = await listenLong(createApp({ database: t, logger: createLogger('silent') }))
    api = apiClient(server.url)
  })
  afterAll(async () => {
    await cleanUp()
    await server.close()
  })

  it('screens for this season’s category where it gathered in the same season of past years', async () => {
    const [a, b] = (await sql<{ id: number }>`SELECT id FROM grid_cells ORDER BY id LIMIT 2`.execute(t.db)).rows.map((x) => x.id) as [number, number]
    const add = (cell: number, category: string, at: string, tag: string, status = 'reported') => sql`
      INSERT INTO disputes (code, category, source, status, reported_at, resolved_at, geom)
      SELECT ${`HSTEST-S-${tag}`}, ${category}, 'walk_in', ${status}, ${at}::timestamptz,
             CASE WHEN ${status} = 'resolved' THEN ${at}::timestamptz + interval '3 days' END, ST_PointOnSurface(geom) FROM grid_cells WHERE id = ${cell}`.execute(t.db)
    await add(a, 'family', '2025-10-05T10:00:00+08:00', 'a1') // autumn 2025
    await add(a, 'family', '2025-11-20T10:00:00+08:00', 'a2', 'resolved') // autumn 2025
    await add(a, 'family', '2024-09-15T10:00:00+08:00', 'a3') // autumn 2024
    await add(a, 'land', '2025-10-06T10:00:00+08:00', 'a4') // autumn, not the focus
    await add(a, 'family', '2022-10-01T10:00:00+08:00', 'a5') // autumn 2022: more than 3 years back
    await add(a, 'family', '2025-12-10T10:00:00+08:00', 'a6') // winter of 2026
    await add(a, 'family', '2026-09-30T23:30:00+08:00', 'a7') // this autumn, before `at`
    await add(b, 'family', '2025-10-07T10:00:00+08:00', 'b1') // autumn 2025, once only
    await add(b, 'family', '2026-11-20T10:00:00+08:00', 'b2') // after `at`: not counted
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM disputes WHERE code LIKE 'HSTEST-S-a%' AND grid_id = ${a}`)).toBe(7)

    const at = '2026-10-15T12:00:00+08:00'
    const r = await api.get(`/api/analysis/seasonal?grid=${a},${b}&at=${encodeURIComponent(at)}`)
    expect(r.status).toBe(200)
    expect(r.body.parameters).toMatchObject({ season: 'autumn', season_year: 2026, focus_category: 'family', years: 3, past_season_years: [2023, 2024, 2025], min_count: 2, grid: [a, b] })
    expect(r.body.four_seasons).toEqual({ spring: 'land', summer: 'neighbour', autumn: 'family', winter: 'lending' })
    expect(r.body.cells.map((c: any) => c.grid_id)).toEqual([a, b])

    // Independently, by month in Asia/Shanghai: autumn (Sep–Nov) family disputes of 2023–2025.
    const past = (cell: number) =>
      scalar<number>(t.db, sql`SELECT count(*)::int FROM disputes WHERE grid_id = ${cell} AND category = 'family'
        AND extract(month FROM reported_at AT TIME ZONE 'Asia/Shanghai') IN (9, 10, 11)
        AND extract(year FROM reported_at AT TIME ZONE 'Asia/Shanghai') BETWEEN 2023 AND 2025`)
    const [ca, cb] = r.body.cells
    expect(ca.focus).toMatchObject({ category: 'family', past_same_season: await past(a), screen: true })
    expect(ca.focus.past_same_season).toBeGreaterThanOrEqual(3)
    expect(ca.focus.past_by_year['2024']).toBeGreaterThanOrEqual(1)
    expect(cb.focus).toMatchObject({ past_same_season: await past(b), screen: (await past(b)) >= 2 })
    const thisAutumn = await scalar<number>(t.db, sql`SELECT count(*)::int FROM disputes WHERE grid_id = ${a} AND category = 'family'
      AND reported_at >= '2026-09-01T00:00:00+08:00' AND reported_at <= ${at}::timestamptz`)
    expect(ca.focus.this_season).toBe(thisAutumn)
    expect(r.body.screen.map((c: any) => c.grid_id)).toContain(a)

    // The four-seasons screen: open and resolved of the focus category, this season and the same season a year ago.
    const focusCount = (cell: number, from: string, to: string, resolved: boolean) =>
      scalar<number>(t.db, sql`SELECT count(*)::int FROM disputes WHERE grid_id = ${cell} AND category = 'family'
        AND reported_at >= ${from}::timestamptz AND reported_at < ${to}::timestamptz AND reported_at <= ${at}::timestamptz
        AND (status = 'resolved') = ${resolved}`)
    for (const [cell, c] of [[a, ca], [b, cb]] as const) {
      expect(c.focus, `cell ${cell}`).toMatchObject({
        this_season_open: await focusCount(cell, '2026-09-01T00:00:00+08:00', '2026-12-01T00:00:00+08:00', false),
        this_season_resolved: await focusCount(cell, '2026-09-01T00:00:00+08:00', '2026-12-01T00:00:00+08:00', true),
        last_year_open: await focusCount(cell, '2025-09-01T00:00:00+08:00', '2025-12-01T00:00:00+08:00', false),
        last_year_resolved: await focusCount(cell, '2025-09-01T00:00:00+08:00', '2025-12-01T00:00:00+08:00', true),
      })
    }
    expect(ca.focus.last_year_resolved).toBeGreaterThanOrEqual(1)
    expect(ca.focus.this_season_open).toBeGreaterThanOrEqual(1)
    // Names, not ids: the cell's station and officer.
    const names = (await sql<{ station: string; officer: string | null }>`
      SELECT p.name AS station, o.name AS officer FROM grid_cells g JOIN police_units p ON p.id = g.station_id LEFT JOIN officers o ON o.id = g.officer_id WHERE g.id = ${a}`.execute(t.db)).rows[0]!
    expect([ca.station_name, ca.officer_name]).toEqual([names.station, names.officer])
    // Per station, the sums of its cells.
    for (const st of r.body.stations) {
      const mine = r.body.cells.filter((c: any) => c.station_id === st.station_id)
      expect(st).toMatchObject({ cells: mine.length, flagged: mine.filter((c: any) => c.focus.screen).length, this_season_open: mine.reduce((s: number, c: any) => s + c.focus.this_season_open, 0) })
    }
    // Outlines only when asked for, equal to the cell's own.
    expect(ca.geometry).toBeUndefined()
    const withGeometry = await api.get(`/api/analysis/seasonal?grid=${a}&at=${encodeURIComponent(at)}&geometry=1`)
    const area = await scalar<number>(t.db, sql`SELECT ST_Area(ST_GeomFromGeoJSON(${JSON.stringify(withGeometry.body.cells[0].geometry)})::geography)::float8 / ST_Area(geom::geography) FROM grid_cells WHERE id = ${a}`)
    expect(area).toBeCloseTo(1, 4)

    // Per season and category, every dispute up to `at`; December counts with winter.
    const bySeason = await sql<{ season: string; category: string; n: number }>`
      SELECT CASE WHEN m IN (3, 4, 5) THEN 'spring' WHEN m IN (6, 7, 8) THEN 'summer' WHEN m IN (9, 10, 11) THEN 'autumn' ELSE 'winter' END AS season, category, count(*)::int AS n
      FROM (SELECT category, extract(month FROM reported_at AT TIME ZONE 'Asia/Shanghai')::int AS m FROM disputes WHERE grid_id = ${a} AND reported_at <= ${at}::timestamptz) x
      GROUP BY 1, 2`.execute(t.db)
    for (const row of bySeason.rows) expect(ca.by_season[row.season][row.category], `${row.season} ${row.category}`).toBe(row.n)
    const total = bySeason.rows.reduce((s, x) => s + x.n, 0)
    expect(Object.values(ca.by_season as Record<string, { total: number }>).reduce((s, x) => s + x.total, 0)).toBe(total)

    const all = await api.get('/api/analysis/seasonal')
    expect(all.status).toBe(200)
    expect(all.body.cells).toHaveLength(await scalar<number>(t.db, sql`SELECT count(*)::int FROM grid_cells`))
    // The demo city at its anchor: the cells to visit first, in the stated order (most still open
    // this season, then most in past seasons), and the pattern is visible: this season's trouble
    // recurs in a dozen places or more.
    const demo = await api.get(`/api/analysis/seasonal?at=${encodeURIComponent(TEST_ANCHOR)}`)
    const order = demo.body.screen.map((x: any) => [x.this_season_open, x.past_same_season])
    for (let i = 1; i < order.length; i++) expect(order[i - 1][0] > order[i][0] || (order[i - 1][0] === order[i][0] && order[i - 1][1] >= order[i][1]), `rank ${i}`).toBe(true)
    expect(demo.body.screen.length).toBeGreaterThanOrEqual(8)
    expect(demo.body.screen.filter((x: any) => x.this_season_open > 0).length).toBeGreaterThanOrEqual(1)
    await sql`DELETE FROM disputes WHERE code LIKE 'HSTEST-S-%'`.execute(t.db)
  })
})
