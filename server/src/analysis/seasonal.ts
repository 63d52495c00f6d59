import { sql, type Kysely } from 'kysely'
import { DISPUTE_CATEGORIES, SEASON_FOCUS, SEASONS } from '../../../data/catalog/layers.ts'
import { ApiError } from '../http/errors.ts'
import { dbStep } from './hex-db.ts'
import type { Season } from './hex-filters.ts'

type Category = (typeof DISPUTE_CATEGORIES)[number]

export interface SeasonalOptions {
  /** Grid cell ids; undefined: every cell. */
  grids?: number[]
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
  officer_id: number | null
}

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
      SELECT id, code, name, community_code, station_id, officer_id FROM grid_cells
      WHERE ${ids === null ? sql`true` : sql`id = ANY(${ids}::int[])`} ORDER BY id`.execute(db)
    return r.rows
  })
  if (options.grids) {
    const found = new Set(cells.map((c) => c.id))
    const missing = options.grids.filter((g) => !found.has(g))
    if (missing.length) throw new ApiError(404, 'unknown_grid', `grid: no grid cell ${missing.slice(0, 20).join(', ')}`)
  }
  const counts = await dbStep('counting disputes per grid cell and season', async () => {
    const r = await sql<{ grid_id: number; season: Season; category: Category; season_year: number; n: number }>`
      SELECT grid_id, season, category, season_year, count(*)::int AS n
      FROM (
        SELECT d.grid_id, season_of(d.reported_at) AS season, d.category, ${seasonYearSql(sql`d.reported_at`)} AS season_year
        FROM disputes d
        WHERE d.grid_id IS NOT NULL AND d.reported_at <= ${at}::timestamptz
          ${ids === null ? sql`` : sql`AND d.grid_id = ANY(${ids}::int[])`}
      ) x
      GROUP BY grid_id, season, category, season_year`.execute(db)
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
        byYear: Object.fromEntries(pastYears.map((y) => [String(y), 0])) as Record<string, number>,
      },
    ]),
  )
  for (const row of counts) {
    const cell = perCell.get(row.grid_id)
    if (!cell) continue
    cell.bySeason[row.season][row.category] += row.n
    cell.bySeason[row.season].total += row.n
    if (row.season !== season || row.category !== focus) continue
    if (row.season_year === seasonYear) cell.thisSeason += row.n
    else if (row.season_year >= seasonYear - years && row.season_year < seasonYear) cell.byYear[String(row.season_year)]! += row.n
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
      officer_id: c.officer_id,
      by_season: s.bySeason,
      focus: { category: focus, this_season: s.thisSeason, past_same_season: past, past_by_year: s.byYear, screen: past >= minCount },
    }
  })
  const screen = out
    .filter((c) => c.focus.screen)
    .sort((a, b) => b.focus.past_same_season - a.focus.past_same_season || a.grid_id - b.grid_id)
    .map((c) => ({ grid_id: c.grid_id, code: c.code, name: c.name, officer_id: c.officer_id, past_same_season: c.focus.past_same_season, this_season: c.focus.this_season }))
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
      counts_rule: 'by_season counts every dispute reported up to `at`, all years together, by the grid cell it was assigned to',
    },
    four_seasons: SEASON_FOCUS,
    screen,
    cells: out,
  }
}
