import { sql, type Kysely } from 'kysely'
import { DISPUTE_CATEGORIES, SEASON_FOCUS, SEASONS } from '../../../data/catalog/layers.ts'
import { ApiError } from '../http/errors.ts'
import { dbStep } from './hex-db.ts'
import type { Season } from './hex-filters.ts'

type Category = (typeof DISPUTE_CATEGORIES)[number]

export interface SeasonalOptions {
  /** Grid cell ids; undefined: every cell. */
  grids?: number[]
  /** Each cell's outline as GeoJSON too (the map of the four-seasons screen). */
  geometry?: boolean
  /** The moment "now" is, ISO; the current season and the past years follow from it. */
  at: string
  /** How many past years of the same season are screened. */
  years: number
  /** Focus-category disputes in those seasons that flag a cell. */
  minCount: number
}

export const SEASON_YEAR_RULE =
  'seasons by the reported time in Asia/Shanghai: spring Mar–May, summer Jun–Aug, autumn Sep–Nov, winter Dec–Feb; a season belongs to the calendar year it ends in (December counts with the next January and February)'
export const SCREEN_RULE =
  'a cell is flagged for screening when the focus category of the current season had at least min_count disputes in it in the same season of the past `years` years (the current season not counted)'

const seasonYearSql = (t: ReturnType<typeof sql>) => sql`extract(year FROM (${t} AT TIME ZONE 'Asia/Shanghai') + interval '1 month')::int`

type Counts = Record<Category | 'total', number>
const emptyCounts = (): Counts => ({ ...(Object.fromEntries(DISPUTE_CATEGORIES.map((c) => [c, 0])) as Record<Category, number>), total: 0 })

interface CellRow {
  id: number
  code: string
  name: string
  community_code: string
  station_id: number
  station_name: string | null
  officer_id: number | null
  officer_name: string | null
  geometry?: string
}

/** Open and resolved disputes of the focus category in one season. */
interface OpenResolved {
  open: number
  resolved: number
}

export const PRIORITY_RULE =
  'cells to visit first: the flagged cells, most open focus-category disputes this season first, then most in the same season of past years, then most this season in all, then by id'

/**
 * The four-seasons screen (四季排查法): per grid cell and season the dispute counts by category
 * (every dispute reported up to `at`), the category this season screens for, and the cells
 * where it gathered in the same season of past years.
 */
export async function computeSeasonal(db: Kysely<any>, options: SeasonalOptions) {
  const { at, years, minCount } = options
  const ids = options.grids ? `{${options.grids.join(',')}}` : null
  const { season, seasonYear } = await dbStep('placing the analysis time in its season', async () => {
    const r = await sql<{ season: Season; season_year: number }>`
      SELECT season_of(${at}::timestamptz) AS season, ${seasonYearSql(sql`${at}::timestamptz`)} AS season_year`.execute(db)
    return { season: r.rows[0]!.season, seasonYear: r.rows[0]!.season_year }
  })
  const cells = await dbStep('reading grid cells', async () => {
    const r = await sql<CellRow>`
      SELECT g.id, g.code, g.name, g.community_code, g.station_id, p.name AS station_name, g.officer_id, o.name AS officer_name
        ${options.geometry ? sql`, ST_AsGeoJSON(g.geom, 6) AS geometry` : sql``}
      FROM grid_cells g LEFT JOIN police_units p ON p.id = g.station_id LEFT JOIN officers o ON o.id = g.officer_id
      WHERE ${ids === null ? sql`true` : sql`g.id = ANY(${ids}::int[])`} ORDER BY g.id`.execute(db)
    return r.rows
  })
  if (options.grids) {
    const found = new Set(cells.map((c) => c.id))
    const missing = options.grids.filter((g) => !found.has(g))
    if (missing.length) throw new ApiError(404, 'unknown_grid', `grid: no grid cell ${missing.slice(0, 20).join(', ')}`)
  }
  const counts = await dbStep('counting disputes per grid cell and season', async () => {
    const r = await sql<{ grid_id: number; season: Season; category: Category; season_year: number; resolved: boolean; n: number }>`
      SELECT grid_id, season, category, season_year, resolved, count(*)::int AS n
      FROM (
        SELECT d.grid_id, season_of(d.reported_at) AS season, d.category, ${seasonYearSql(sql`d.reported_at`)} AS season_year,
               d.status = 'resolved' AS resolved
        FROM disputes d
        WHERE d.grid_id IS NOT NULL AND d.reported_at <= ${at}::timestamptz
          ${ids === null ? sql`` : sql`AND d.grid_id = ANY(${ids}::int[])`}
      ) x
      GROUP BY grid_id, season, category, season_year, resolved`.execute(db)
    return r.rows
  })

  const focus = SEASON_FOCUS[season]
  const pastYears = Array.from({ length: years }, (_, k) => seasonYear - years + k)
  const perCell = new Map(
    cells.map((c) => [
      c.id,
      {
        bySeason: Object.fromEntries(SEASONS.map((s) => [s, emptyCounts()])) as Record<Season, Counts>,
        thisSeason: 0,
        thisSeasonAll: 0,
        now: { open: 0, resolved: 0 } as OpenResolved,
        lastYear: { open: 0, resolved: 0 } as OpenResolved,
        byYear: Object.fromEntries(pastYears.map((y) => [String(y), 0])) as Record<string, number>,
      },
    ]),
  )
  for (const row of counts) {
    const cell = perCell.get(row.grid_id)
    if (!cell) continue
    cell.bySeason[row.season][row.category] += row.n
    cell.bySeason[row.season].total += row.n
    if (row.season === season && row.season_year === seasonYear) cell.thisSeasonAll += row.n
    if (row.season !== season || row.category !== focus) continue
    if (row.season_year === seasonYear - 1) cell.lastYear[row.resolved ? 'resolved' : 'open'] += row.n
    if (row.season_year === seasonYear) {
      cell.thisSeason += row.n
      cell.now[row.resolved ? 'resolved' : 'open'] += row.n
    } else if (row.season_year >= seasonYear - years && row.season_year < seasonYear) cell.byYear[String(row.season_year)]! += row.n
  }

  const out = cells.map((c) => {
    const s = perCell.get(c.id)!
    const past = Object.values(s.byYear).reduce((a, b) => a + b, 0)
    return {
      grid_id: c.id,
      code: c.code,
      name: c.name,
      community_code: c.community_code,
      station_id: c.station_id,
      station_name: c.station_name,
      officer_id: c.officer_id,
      officer_name: c.officer_name,
      by_season: s.bySeason,
      this_season_all: s.thisSeasonAll,
      focus: {
        category: focus,
        this_season: s.thisSeason,
        this_season_open: s.now.open,
        this_season_resolved: s.now.resolved,
        last_year_open: s.lastYear.open,
        last_year_resolved: s.lastYear.resolved,
        past_same_season: past,
        past_by_year: s.byYear,
        screen: past >= minCount,
      },
      ...(c.geometry ? { geometry: JSON.parse(c.geometry) as unknown } : {}),
    }
  })
  // The cells to visit first (PRIORITY_RULE).
  const screen = out
    .filter((c) => c.focus.screen)
    .sort((a, b) => b.focus.this_season_open - a.focus.this_season_open || b.focus.past_same_season - a.focus.past_same_season || b.this_season_all - a.this_season_all || a.grid_id - b.grid_id)
    .map((c, i) => ({
      rank: i + 1, grid_id: c.grid_id, code: c.code, name: c.name, station_id: c.station_id, station_name: c.station_name, officer_id: c.officer_id, officer_name: c.officer_name,
      past_same_season: c.focus.past_same_season, this_season: c.focus.this_season, this_season_open: c.focus.this_season_open, last_year_open: c.focus.last_year_open, last_year_resolved: c.focus.last_year_resolved,
    }))
  // Per station (派出所 or 分局): its cells, the flagged ones, and the focus category's disputes now and a year ago.
  const stations = new Map<number, { station_id: number; station_name: string | null; cells: number; flagged: number; this_season_open: number; this_season_resolved: number; last_year_open: number; last_year_resolved: number }>()
  for (const c of out) {
    const st = stations.get(c.station_id) ?? { station_id: c.station_id, station_name: c.station_name, cells: 0, flagged: 0, this_season_open: 0, this_season_resolved: 0, last_year_open: 0, last_year_resolved: 0 }
    st.cells++
    if (c.focus.screen) st.flagged++
    st.this_season_open += c.focus.this_season_open
    st.this_season_resolved += c.focus.this_season_resolved
    st.last_year_open += c.focus.last_year_open
    st.last_year_resolved += c.focus.last_year_resolved
    stations.set(c.station_id, st)
  }
  return {
    parameters: {
      at,
      season,
      season_year: seasonYear,
      focus_category: focus,
      years,
      past_season_years: pastYears,
      min_count: minCount,
      grid: options.grids ?? 'all',
      season_rule: SEASON_YEAR_RULE,
      screen_rule: SCREEN_RULE,
      priority_rule: PRIORITY_RULE,
      open_rule: 'open: every status but resolved (reported, mediating, escalated); last year: the same season one season-year earlier',
      counts_rule: 'by_season counts every dispute reported up to `at`, all years together, by the grid cell it was assigned to',
    },
    four_seasons: SEASON_FOCUS,
    screen,
    stations: [...stations.values()].sort((a, b) => b.flagged - a.flagged || b.this_season_open - a.this_season_open || a.station_id - b.station_id),
    cells: out,
  }
}
