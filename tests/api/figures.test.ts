import { sql } from 'kysely'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIGURES } from '../../data/catalog/figures.ts'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

/**
 * Issue 15 item 8, one definition per figure: a figure key means the same number on the overview
 * panel (`GET /api/stats`), the community dashboard and its CSV, and has one name
 * (data/catalog/figures.ts) that every screen shows. The numbers are checked against SQL written
 * here, so two screens agreeing on a wrong count would fail too.
 */
describe('one definition per figure', () => {
  let t: TestDb
  let server: TestServer
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
  })
  afterAll(() => server.close())

  /** The figures both screens show: each must be one number. */
  const SHARED = [
    'branches', 'stations', 'community_officers', 'volunteers', 'disputes_resolved', 'household_unit_disputes', 'household_unit_reports',
    'hazards', 'hazards_eliminated', 'river_patrols', 'redemptions', 'points_redeemed', 'volunteers_redeemed', 'mediation_cases', 'issues_resolved',
  ]

  it('gives every figure of the overview, the dashboard and its CSV the same number, equal to SQL, under one registered name', async () => {
    const api = apiClient(server.url, 'command')
    const [stats, dashboard, csv] = await Promise.all([api.get('/api/stats'), api.get('/api/community/dashboard'), api.get('/api/community/dashboard?format=csv')])
    expect([stats.status, dashboard.status, csv.status]).toEqual([200, 200, 200])
    const headlines = stats.body.headlines as Record<string, number>
    const totals = dashboard.body.totals as Record<string, number>
    // Every key either screen shows is a registered figure (so it has its one name in both languages).
    for (const key of [...Object.keys(headlines), ...Object.keys(totals)]) expect(Object.keys(FIGURES), key).toContain(key)
    const n = (q: ReturnType<typeof sql>) => scalar<number>(t.db, sql`SELECT (${q})::int`)
    const want: Record<string, number> = {
      branches: await n(sql`SELECT count(*) FROM police_units WHERE kind = 'branch'`),
      stations: await n(sql`SELECT count(*) FROM police_units WHERE kind = 'station'`),
      community_officers: await n(sql`SELECT count(*) FROM officers WHERE role = 'community_officer'`),
      volunteers: await n(sql`SELECT count(*) FROM volunteers`),
      disputes_resolved: await n(sql`SELECT count(*) FROM disputes WHERE status = 'resolved'`),
      household_unit_disputes: await n(sql`SELECT count(*) FROM disputes WHERE source = 'household_unit'`),
      household_unit_reports: await n(sql`SELECT count(*) FROM household_reports`),
      hazards: await n(sql`SELECT count(*) FROM hazards`),
      hazards_eliminated: await n(sql`SELECT count(*) FROM hazards WHERE status = 'eliminated'`),
      river_patrols: await n(sql`SELECT count(*) FROM river_patrols`),
      redemptions: await n(sql`SELECT count(*) FROM redemptions`),
      points_redeemed: await n(sql`SELECT coalesce(sum(points), 0) FROM redemptions`),
      volunteers_redeemed: await n(sql`SELECT count(DISTINCT volunteer_id) FROM redemptions`),
      mediation_cases: await n(sql`SELECT count(*) FROM mediation_cases`),
      issues_resolved: await n(sql`SELECT count(*) FROM coordination_issues WHERE resolved_in IS NOT NULL`),
    }
    const rows = parse(csv.body as string, { columns: true, bom: true }) as Array<{ section: string; figure: string; figure_name: string; value: string }>
    const csvTotals = new Map(rows.filter((r) => r.section === 'total').map((r) => [r.figure, r]))
    for (const key of SHARED) {
      expect({ key, overview: headlines[key], dashboard: totals[key], csv: Number(csvTotals.get(key)?.value) }).toEqual({ key, overview: want[key], dashboard: want[key], csv: want[key] })
      expect(csvTotals.get(key)!.figure_name).toBe(FIGURES[key as keyof typeof FIGURES].zh)
    }
    // The story's 十户联防 211 is the disputes the units collected, not every kind of report they made.
    expect(want.household_unit_reports).toBeGreaterThan(want.household_unit_disputes!)
  })

  it('names no figure twice: each name belongs to one key, in both languages', () => {
    for (const lang of ['zh', 'en'] as const) {
      const names = Object.values(FIGURES).map((f) => f[lang])
      expect(names.filter((x, i) => names.indexOf(x) !== i), lang).toEqual([])
    }
  })
})
