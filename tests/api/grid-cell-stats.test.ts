import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

interface CellStat {
  id: number
  households: number
  open_hazards: number
  disputes_open: number
  disputes_total: number
}

describe('stats per grid cell and per month', () => {
  let t: TestDb
  let server: TestServer
  let api: ReturnType<typeof apiClient>
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
    api = apiClient(server.url)
  })
  afterAll(async () => {
    await sql`DELETE FROM hazards WHERE description = 'TEST-GRIDSTATS'`.execute(t.db)
    await server.close()
  })

  it('gives every grid cell its households, open hazards and disputes as independent counts say', async () => {
    const r = await api.get<{ cells: CellStat[] }>('/api/stats/grid-cells')
    expect(r.status).toBe(200)
    // Independent: one correlated count per cell, statuses spelled out here.
    const expected = await sql<CellStat>`
      SELECT g.id, g.households,
        (SELECT count(*) FROM hazards h WHERE h.grid_id = g.id AND h.status NOT IN ('eliminated', 'rejected'))::int AS open_hazards,
        (SELECT count(*) FROM disputes d WHERE d.grid_id = g.id AND d.status NOT IN ('resolved', 'escalated'))::int AS disputes_open,
        (SELECT count(*) FROM disputes d WHERE d.grid_id = g.id)::int AS disputes_total
      FROM grid_cells g ORDER BY g.id`.execute(t.db)
    expect(r.body.cells).toEqual(expected.rows)
    // The demo city has hazards and disputes in many cells, so the comparison is not of zeros.
    expect(r.body.cells.filter((c) => c.open_hazards > 0).length).toBeGreaterThan(50)
    expect(r.body.cells.filter((c) => c.disputes_open > 0).length).toBeGreaterThan(20)
    expect(r.body.cells.reduce((s, c) => s + c.open_hazards, 0)).toBe(await scalar<number>(t.db, sql`SELECT count(*)::int FROM hazards WHERE grid_id IS NOT NULL AND status IN ('reported', 'verified', 'rectifying')`))
  })

  it('counts a newly reported hazard in its cell, and not an eliminated one', async () => {
    const cell = await sql<{ id: number; x: number; y: number }>`
      SELECT id, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM grid_cells ORDER BY id LIMIT 1`.execute(t.db)
    const { id, x, y } = cell.rows[0]!
    const before = (await api.get<{ cells: CellStat[] }>('/api/stats/grid-cells')).body.cells.find((c) => c.id === id)!
    await sql`INSERT INTO hazards (category, source, status, eliminated_at, description, geom) VALUES
      ('fire', 'offline', 'reported', NULL, 'TEST-GRIDSTATS', ST_SetSRID(ST_MakePoint(${x}, ${y}), 4326)),
      ('fire', 'offline', 'eliminated', now(), 'TEST-GRIDSTATS', ST_SetSRID(ST_MakePoint(${x}, ${y}), 4326))`.execute(t.db)
    const after = (await api.get<{ cells: CellStat[] }>('/api/stats/grid-cells')).body.cells.find((c) => c.id === id)!
    expect(after.open_hazards).toBe(before.open_hazards + 1)
    expect(after.disputes_total).toBe(before.disputes_total)
  })

  it('rejects unknown parameters', async () => {
    const r = await api.get('/api/stats/grid-cells?measure=households')
    expect(r.status).toBe(400)
    expect(r.body.error.code).toBe('invalid_query')
  })

  it('counts points per Beijing-time month like an independent query, adding up to the hotspots’ points', async () => {
    const q = 'layer=disputes&category=neighbour,family&from=2025-01-01T00:00:00%2B08:00'
    const r = await api.get<{ total: number; months: Array<{ month: string; count: number }> }>(`/api/stats/monthly?${q}`)
    expect(r.status).toBe(200)
    const expected = await sql<{ month: string; count: number }>`
      SELECT to_char(d.reported_at + interval '8 hours', 'YYYY-MM') AS month, count(*)::int AS count
      FROM disputes d, admin_areas c
      WHERE c.level = 'city' AND ST_Intersects(c.geom, d.geom)
        AND d.category IN ('neighbour', 'family') AND d.reported_at >= '2025-01-01T00:00:00+08:00'
      GROUP BY 1 ORDER BY 1`.execute(t.db)
    expect(expected.rows.length).toBeGreaterThan(3)
    expect(r.body.months.filter((m) => m.count > 0)).toEqual(expected.rows)
    // Consecutive months, none skipped.
    const months = r.body.months.map((m) => m.month)
    for (let k = 1; k < months.length; k++) {
      const [y, m] = months[k - 1]!.split('-').map(Number) as [number, number]
      expect(months[k]).toBe(m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`)
    }
    const hot = await api.get(`/api/analysis/hotspots?${q}&cell=2000`)
    expect(r.body.total).toBe(hot.body.summary.points)
  })

  it('counts a season filter by Beijing time and validates like the hotspots', async () => {
    const r = await api.get<{ months: Array<{ month: string; count: number }> }>('/api/stats/monthly?layer=incidents&season=winter')
    expect(r.status).toBe(200)
    const nonzero = r.body.months.filter((m) => m.count > 0).map((m) => Number(m.month.slice(5)))
    expect(nonzero.length).toBeGreaterThan(0)
    expect(nonzero.every((m) => m === 12 || m === 1 || m === 2)).toBe(true)
    expect((await api.get('/api/stats/monthly?layer=schools')).status).toBe(400)
    expect((await api.get('/api/stats/monthly?layer=incidents&category=arson')).status).toBe(400)
    expect((await api.get('/api/stats/monthly?layer=incidents&from=2026-02-30T00:00:00Z')).status).toBe(400)
  })
})
