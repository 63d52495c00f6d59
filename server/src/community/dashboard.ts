import { sql, type Kysely } from 'kysely'
import { FIGURES, type FigureKey } from '../../../data/catalog/figures.ts'
import { FIGURE_WHERE as W } from '../stats/figures.ts'
import { EVENT_FIGURES, SEASON_NAMES, STANDING_FIGURES, type EventFigure } from '../contract/dashboard-figures.ts'
import type { DashboardFigures } from '../contract/dashboard.ts'

export interface DashboardFilter {
  /** District (区/县) code. */
  district?: string | undefined
  /** Police station id. */
  station?: number | undefined
  /** Period [from, to) as ISO instants; applies to the events, not to the standing figures. */
  from?: string | undefined
  to?: string | undefined
}

/** The figures (counted events, standing figures) as the contract names them (server/src/contract/dashboard-figures.ts). */
export { EVENT_FIGURES, STANDING_FIGURES, type EventFigure } from '../contract/dashboard-figures.ts'
type Row = Record<EventFigure, number>

/** District and station of each grid cell (village → town → district). */
const gridPlace = sql`SELECT g.id AS grid_id, g.station_id, t.parent_code AS district
  FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code JOIN admin_areas t ON t.code = v.parent_code`

/**
 * District and station of each police unit: a station or branch is its own, an office belongs to
 * its parent. In the demo city those are the counties' 派出所 and the city districts' 实战化分局:
 * the story's "8 branches and 27 stations".
 */
const unitPlace = sql`SELECT p.id AS unit_id,
    CASE WHEN p.kind IN ('station', 'branch') THEN p.id WHEN par.kind IN ('station', 'branch') THEN par.id END AS station_id,
    CASE a.level WHEN 'district' THEN a.code WHEN 'town' THEN a.parent_code
                 WHEN 'village' THEN (SELECT x.parent_code FROM admin_areas x WHERE x.code = a.parent_code) END AS district
  FROM police_units p LEFT JOIN police_units par ON par.id = p.parent_id LEFT JOIN admin_areas a ON a.code = p.area_code`

/** Every counted event as (figure, at, category, district, station_id, n). */
const events = sql`
  SELECT 'disputes_resolved' AS figure, d.resolved_at AS at, d.category, gp.district, gp.station_id, 1 AS n
    FROM disputes d LEFT JOIN grid_place gp ON gp.grid_id = d.grid_id WHERE ${W.disputes_resolved('d')}
  UNION ALL
  SELECT 'household_unit_disputes', d.reported_at, d.category, gp.district, gp.station_id, 1
    FROM disputes d LEFT JOIN grid_place gp ON gp.grid_id = d.grid_id WHERE ${W.household_unit_disputes('d')}
  UNION ALL
  SELECT 'hazards', h.reported_at, h.category, gp.district, gp.station_id, 1
    FROM hazards h LEFT JOIN grid_place gp ON gp.grid_id = h.grid_id
  UNION ALL
  SELECT 'hazards_eliminated', h.eliminated_at, h.category, gp.district, gp.station_id, 1
    FROM hazards h LEFT JOIN grid_place gp ON gp.grid_id = h.grid_id WHERE ${W.hazards_eliminated('h')}
  UNION ALL
  SELECT 'river_patrols', r.started_at, coalesce(rv.name, 'other'), gp.district, gp.station_id, 1
    FROM river_patrols r LEFT JOIN rivers rv ON rv.id = r.river_id
    LEFT JOIN LATERAL (SELECT g.id FROM grid_cells g WHERE ST_Covers(g.geom, ST_StartPoint(r.geom)) ORDER BY g.id LIMIT 1) c ON true
    LEFT JOIN grid_place gp ON gp.grid_id = c.id
  UNION ALL
  SELECT 'redemptions', x.redeemed_at, x.item, up.district, up.station_id, 1
    FROM redemptions x JOIN volunteers v ON v.id = x.volunteer_id JOIN volunteer_orgs o ON o.id = v.org_id LEFT JOIN unit_place up ON up.unit_id = o.unit_id
  UNION ALL
  SELECT 'points_redeemed', x.redeemed_at, x.item, up.district, up.station_id, x.points
    FROM redemptions x JOIN volunteers v ON v.id = x.volunteer_id JOIN volunteer_orgs o ON o.id = v.org_id LEFT JOIN unit_place up ON up.unit_id = o.unit_id
  UNION ALL
  SELECT 'household_unit_reports', r.reported_at, r.kind, gp.district, gp.station_id, 1
    FROM household_reports r LEFT JOIN grid_place gp ON gp.grid_id = r.grid_id
  UNION ALL
  SELECT 'mediation_cases', c.opened_at, coalesce(c.outcome, 'open'), gp.district, gp.station_id, 1
    FROM mediation_cases c JOIN disputes d ON d.id = c.dispute_id LEFT JOIN grid_place gp ON gp.grid_id = d.grid_id
  UNION ALL
  SELECT 'issues_resolved', i.resolved_at, i.category,
         CASE a.level WHEN 'district' THEN a.code WHEN 'town' THEN a.parent_code WHEN 'village' THEN t.parent_code END, m.station_id, 1
    FROM coordination_issues i JOIN coordination_meetings m ON m.id = i.resolved_in
    LEFT JOIN admin_areas a ON a.code = m.area_code LEFT JOIN admin_areas t ON t.code = a.parent_code`

const standing = sql`
  SELECT 'branches' AS figure, up.district, up.station_id FROM police_units p JOIN unit_place up ON up.unit_id = p.id WHERE ${W.branches('p')}
  UNION ALL
  SELECT 'stations', up.district, up.station_id FROM police_units p JOIN unit_place up ON up.unit_id = p.id WHERE ${W.stations('p')}
  UNION ALL
  SELECT 'community_officers', up.district, up.station_id FROM officers o JOIN unit_place up ON up.unit_id = o.unit_id WHERE ${W.community_officers('o')}
  UNION ALL
  SELECT 'volunteers', up.district, up.station_id FROM volunteers v JOIN volunteer_orgs o ON o.id = v.org_id JOIN unit_place up ON up.unit_id = o.unit_id`

const placeFilter = (f: DashboardFilter) =>
  sql`(${f.district ?? null}::text IS NULL OR district = ${f.district ?? null}::text) AND (${f.station ?? null}::int IS NULL OR station_id = ${f.station ?? null}::int)`

const SEASON = sql`CASE WHEN extract(month FROM at AT TIME ZONE 'Asia/Shanghai') IN (3, 4, 5) THEN 'spring'
  WHEN extract(month FROM at AT TIME ZONE 'Asia/Shanghai') IN (6, 7, 8) THEN 'summer'
  WHEN extract(month FROM at AT TIME ZONE 'Asia/Shanghai') IN (9, 10, 11) THEN 'autumn' ELSE 'winter' END`

/** The figures of the answer (server/src/contract/dashboard.ts). */
export type Dashboard = DashboardFigures

const zeros = (): Row => Object.fromEntries(EVENT_FIGURES.map((f) => [f, 0])) as Row

/**
 * The story's headline figures, live: one query over the events with grouping sets (total, per
 * month in Beijing time, per season, per category, per district) and one over the standing figures.
 */
export async function communityDashboard(db: Kysely<any>, f: DashboardFilter): Promise<Dashboard> {
  const ctes = sql`WITH grid_place AS MATERIALIZED (${gridPlace}), unit_place AS MATERIALIZED (${unitPlace})`
  const [ev, st, people, districts] = await Promise.all([
    sql<{ figure: EventFigure; month: string | null; season: string | null; category: string | null; district: string | null; g: number; n: number }>`
      ${ctes}, ev AS (SELECT e.*, to_char(e.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month FROM (${events}) e
        WHERE ${placeFilter(f)} AND (${f.from ?? null}::timestamptz IS NULL OR e.at >= ${f.from ?? null}::timestamptz)
          AND (${f.to ?? null}::timestamptz IS NULL OR e.at < ${f.to ?? null}::timestamptz))
      SELECT figure, month, ${SEASON} AS season, category, district, GROUPING(month, ${SEASON}, category, district)::int AS g, sum(n)::int AS n
      FROM ev GROUP BY GROUPING SETS ((figure), (figure, month), (figure, ${SEASON}), (figure, category), (figure, district))`.execute(db),
    sql<{ figure: string; district: string | null; g: number; n: number }>`
      ${ctes} SELECT figure, district, GROUPING(district)::int AS g, count(*)::int AS n FROM (${standing}) s WHERE ${placeFilter(f)}
      GROUP BY GROUPING SETS ((figure), (figure, district))`.execute(db),
    sql<{ n: number }>`
      ${ctes} SELECT count(DISTINCT x.volunteer_id)::int AS n FROM redemptions x JOIN volunteers v ON v.id = x.volunteer_id
      JOIN volunteer_orgs o ON o.id = v.org_id LEFT JOIN unit_place up ON up.unit_id = o.unit_id
      WHERE ${placeFilter({ district: f.district, station: f.station })} AND (${f.from ?? null}::timestamptz IS NULL OR x.redeemed_at >= ${f.from ?? null}::timestamptz)
        AND (${f.to ?? null}::timestamptz IS NULL OR x.redeemed_at < ${f.to ?? null}::timestamptz)`.execute(db),
    // Every district, whatever the filter: the filter's own choices (a linked, filtered dashboard offers them all).
    sql<{ code: string; name: string }>`SELECT code, name FROM admin_areas WHERE level = 'district' ORDER BY code`.execute(db),
  ])
  const totals = { ...Object.fromEntries(STANDING_FIGURES.map((s) => [s, 0])), ...zeros(), volunteers_redeemed: people.rows[0]!.n } as Dashboard['totals']
  const months = new Map<string, Row>()
  const seasons = new Map<(typeof SEASON_NAMES)[number], Row>(SEASON_NAMES.map((s) => [s, zeros()]))
  const byCategory = Object.fromEntries(EVENT_FIGURES.map((x) => [x, {} as Record<string, number>])) as Dashboard['by_category']
  const perDistrict = new Map(districts.rows.filter((d) => !f.district || d.code === f.district).map((d) => [d.code, { code: d.code, name: d.name, ...Object.fromEntries(STANDING_FIGURES.map((s) => [s, 0])), ...zeros() }]))
  // GROUPING bits, highest first: month, season, category, district (1 = not grouped by it).
  for (const r of ev.rows) {
    if (r.g === 15) totals[r.figure] = r.n
    else if (r.g === 7) (months.get(r.month!) ?? months.set(r.month!, zeros()).get(r.month!)!)[r.figure] = r.n
    else if (r.g === 11) seasons.get(r.season as (typeof SEASON_NAMES)[number])![r.figure] = r.n
    else if (r.g === 13) byCategory[r.figure][r.category ?? 'unknown'] = r.n
    else if (r.g === 14 && r.district) {
      const d = perDistrict.get(r.district)
      if (d) (d as Record<string, unknown>)[r.figure] = r.n
    }
  }
  for (const r of st.rows) {
    if (r.g === 1) (totals as Record<string, number>)[r.figure] = r.n
    else if (r.district) {
      const d = perDistrict.get(r.district)
      if (d) (d as Record<string, unknown>)[r.figure] = r.n
    }
  }
  return {
    totals,
    by_month: [...months].sort(([a], [b]) => a.localeCompare(b)).map(([month, row]) => ({ month, ...row })),
    by_season: [...seasons].map(([season, row]) => ({ season, ...row })),
    by_category: byCategory,
    per_district: [...perDistrict.values()] as Dashboard['per_district'],
    districts: districts.rows,
  }
}

/** The CSV's columns: each number of the JSON, with its figure's one name (data/catalog/figures.ts). */
export const DASHBOARD_CSV_COLUMNS = ['section', 'key', 'figure', 'figure_name', 'value'] as const

/** The dashboard as long CSV rows: section, key, figure, its Chinese name, value (one per number of the JSON). */
export function dashboardRows(d: Dashboard): Array<[string, string, string, string, number]> {
  const rows: Array<[string, string, string, string, number]> = []
  const push = (section: string, key: string, figure: FigureKey, v: number) => rows.push([section, key, figure, FIGURES[figure].zh, v])
  for (const [figure, v] of Object.entries(d.totals)) push('total', '', figure as FigureKey, v)
  for (const m of d.by_month) for (const f of EVENT_FIGURES) push('month', m.month, f, m[f])
  for (const s of d.by_season) for (const f of EVENT_FIGURES) push('season', s.season, f, s[f])
  for (const f of EVENT_FIGURES) for (const [k, v] of Object.entries(d.by_category[f])) push('category', k, f, v)
  for (const p of d.per_district) for (const f of [...STANDING_FIGURES, ...EVENT_FIGURES]) push('district', p.code, f, p[f])
  return rows
}
