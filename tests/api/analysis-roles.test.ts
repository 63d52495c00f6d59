import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { intArray } from '../../server/src/auth/layer-access.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, type TestDb } from '../helpers/test-db.ts'

interface Monthly {
  total: number
  months: Array<{ month: string; count: number }>
}

/**
 * Issue 15 item 4: every analysis works for every role that has it, scoped. The hotspot screen's
 * side calls (the months chart, the grid cells' counts) answer an officer with the figures of
 * their own cells, as the hotspots beside them do; the expected figures are SQL written here.
 */
describe('the analyses\' side calls, per role', () => {
  let t: TestDb
  let server: TestServer
  let ownCells: number[]
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } }))
    ownCells = (await sql<{ grid_id: number }>`SELECT u.grid_id FROM user_grid_cells u JOIN users x ON x.id = u.user_id WHERE x.username = 'test-officer' ORDER BY 1`.execute(t.db)).rows.map((r) => r.grid_id)
    expect(ownCells.length).toBeGreaterThan(0)
  })
  afterAll(() => server.close())

  /** Months (Beijing time) of a layer's points, optionally only those of some cells, with the gaps as 0. */
  const monthsBySql = async (table: 'incidents' | 'disputes' | 'hazards', time: string, cells?: number[]) => {
    const r = await sql<{ month: string; count: number }>`
      WITH m AS (SELECT to_char(${sql.ref(time)} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month FROM ${sql.table(table)}
                 WHERE ${cells ? sql`grid_id = ANY(${intArray(cells)})` : sql`true`}
                   AND ST_Intersects(geom, (SELECT geom FROM admin_areas WHERE level = 'city')))
      SELECT to_char(g, 'YYYY-MM') AS month, (SELECT count(*)::int FROM m WHERE m.month = to_char(g, 'YYYY-MM')) AS count
      FROM generate_series((SELECT to_date(min(month), 'YYYY-MM') FROM m), (SELECT to_date(max(month), 'YYYY-MM') FROM m), interval '1 month') g
      ORDER BY 1`.execute(t.db)
    return r.rows
  }

  it('gives an officer the months chart of their own cells, adding up to the points of their hotspots', async () => {
    const officer = apiClient(server.url, 'officer')
    for (const [layer, time] of [['incidents', 'reported_at'], ['disputes', 'reported_at'], ['hazards', 'reported_at']] as const) {
      const monthly = await officer.get<Monthly>(`/api/stats/monthly?layer=${layer}`)
      expect(monthly.status, JSON.stringify(monthly.body)).toBe(200)
      expect(monthly.body.months).toEqual(await monthsBySql(layer, time, ownCells))
      const hot = await officer.get<{ summary: { points: number } }>(`/api/analysis/hotspots?layer=${layer}&cell=1000`)
      expect(hot.status).toBe(200)
      expect(monthly.body.total).toBe(hot.body.summary.points)
    }
    // The city's months for the desk, which are more.
    const command = await apiClient(server.url, 'command').get<Monthly>('/api/stats/monthly?layer=incidents')
    expect(command.body.months).toEqual(await monthsBySql('incidents', 'reported_at'))
    expect(command.body.total).toBeGreaterThan((await officer.get<Monthly>('/api/stats/monthly?layer=incidents')).body.total)
  })

  it('gives an officer the counts of their own cells only, and the desk every cell', async () => {
    const bySql = async (cells?: number[]) =>
      (await sql<{ id: number; open_hazards: number; disputes_total: number }>`
        SELECT g.id,
               (SELECT count(*)::int FROM hazards h WHERE h.grid_id = g.id AND h.status IN ('reported', 'verified', 'rectifying')) AS open_hazards,
               (SELECT count(*)::int FROM disputes d WHERE d.grid_id = g.id) AS disputes_total
        FROM grid_cells g WHERE ${cells ? sql`g.id = ANY(${intArray(cells)})` : sql`true`} ORDER BY g.id`.execute(t.db)).rows
    const mine = await apiClient(server.url, 'officer').get<{ cells: Array<{ id: number; open_hazards: number; disputes_total: number }> }>('/api/stats/grid-cells')
    expect(mine.status).toBe(200)
    expect(mine.body.cells.map(({ id, open_hazards, disputes_total }) => ({ id, open_hazards, disputes_total }))).toEqual(await bySql(ownCells))
    const all = await apiClient(server.url, 'planner').get<{ cells: Array<{ id: number }> }>('/api/stats/grid-cells')
    expect(all.body.cells.length).toBe((await bySql()).length)
    expect((await apiClient(server.url, 'volunteer').get('/api/stats/grid-cells')).status).toBe(403)
  })
})
