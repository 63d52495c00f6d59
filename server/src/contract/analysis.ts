import { z } from 'zod'
import { EMERGING_CATEGORIES, GI_CLASSES } from './enums.ts'
import { areaGeometry, feature, featureCollection, pointGeometry, polygonGeometry } from './geojson.ts'

/**
 * The answers of the analysis endpoints: the one definition the server's routes are checked
 * against (tests/api/contract.test.ts), the OpenAPI document is generated from, and the client's
 * types are inferred from. Parameters echo the request: their documented members are listed, the
 * rest pass (an echo grows with the filters).
 */

const count = z.number().int().nonnegative()
const nullableNumber = z.number().nullable()
/** The request echoed back, with the members the client reads. */
const echo = <S extends z.ZodRawShape>(shape: S) => z.looseObject(shape)

// ── Coverage ─────────────────────────────────────────────────────────────────
export const coverageCellProps = z.strictObject({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  station_id: z.number().int(),
  officer_id: z.number().int().nullable(),
  area_m2: z.number(),
  covered_m2: z.number(),
  covered_share: z.number().min(0).max(1),
  households_total: count,
  household_units_total: count,
  household_units_covered: count,
  households_in_units_total: count,
  households_in_units_covered: count,
  hazards_open_total: count,
  hazards_open_covered: count,
  schools_total: count,
  schools_covered: count,
  last_patrol_at: z.string().nullable().describe('end of the last completed patrol whose track passes through the cell'),
  hours_since_patrol: nullableNumber,
  uncovered: areaGeometry.nullable().describe('the part of the cell outside every route buffer'),
})
const coverageTotalsShape = {
  cells: count,
  area_m2: z.number(),
  covered_m2: z.number(),
  covered_share: z.number().min(0).max(1),
  household_units_total: count,
  household_units_covered: count,
  hazards_open_total: count,
  hazards_open_covered: count,
  schools_total: count,
  schools_covered: count,
}
export const coverageTotals = z.strictObject(coverageTotalsShape)
export const coverageAnswer = featureCollection(feature(areaGeometry, coverageCellProps), {
  parameters: echo({ buffer: z.number(), kinds: z.array(z.string()), grid: z.array(z.number()) }),
  totals: z.strictObject({
    city: coverageTotals,
    stations: z.array(z.strictObject({ station_id: z.number().int(), station_name: z.string().nullable(), ...coverageTotalsShape })),
  }),
})

// ── Hotspots (Gi*) ───────────────────────────────────────────────────────────
const giClass = z.enum(GI_CLASSES)
const hotspotParameters = echo({ cell: z.number(), band: z.number() })
const hotspotSummary = z.looseObject({ bins: count, points: count, binned: count, classes: z.record(giClass, count) })
export const hexProps = z.strictObject({
  i: z.number().int(),
  j: z.number().int(),
  count,
  local_sum: count,
  neighbours: count,
  gi_z: nullableNumber,
  gi_p: nullableNumber,
  gi_q: nullableNumber.optional().describe('the false-discovery-rate adjusted p (fdr=true)'),
  class: giClass,
})
export const hotspotAnswer = featureCollection(feature(polygonGeometry, hexProps), { parameters: hotspotParameters, summary: hotspotSummary })

/** How a compact answer's hexagons are placed: bin (i, j) of `size` metres in `crs`. */
const lattice = z.strictObject({ crs: z.string(), proj4: z.string(), size: z.number().positive(), layout: z.string() })
export const hexagonBins = z.strictObject({
  type: z.literal('HexagonBins'),
  parameters: hotspotParameters,
  summary: hotspotSummary,
  lattice,
  columns: z.array(z.string()).describe('the names of each row of `bins`, in order'),
  class_names: z.array(giClass).describe('`class` in a row is an index into this list'),
  bins: z.array(z.array(z.number().nullable())),
})

// ── Emerging hot spots ───────────────────────────────────────────────────────
const emergingCategory = z.enum(EMERGING_CATEGORIES)
const emergingParameters = echo({ cell: z.number(), step: z.enum(['week', 'month']), steps: count, alpha: z.number() })
const emergingSummary = z.looseObject({ bins: count, steps: count, points: count, categories: z.record(emergingCategory, count) })
const timeStep = z.strictObject({ start: z.string(), end: z.string() })
export const emergingProps = z.strictObject({
  i: z.number().int(),
  j: z.number().int(),
  category: emergingCategory,
  total: count,
  hot_steps: count,
  cold_steps: count,
  trend_s: z.number(),
  trend_z: z.number(),
  trend_p: z.number(),
  tau: z.number(),
  counts: z.array(count),
  gi_z: z.array(nullableNumber),
  place: z.string().nullable(),
})
export const emergingAnswer = featureCollection(feature(polygonGeometry, emergingProps), { parameters: emergingParameters, summary: emergingSummary, steps: z.array(timeStep) })
export const emergingBins = z.strictObject({
  type: z.literal('EmergingBins'),
  parameters: emergingParameters,
  summary: emergingSummary,
  steps: z.array(timeStep),
  lattice,
  columns: z.array(z.string()),
  category_names: z.array(emergingCategory),
  bins: z.array(z.array(z.union([z.number(), z.string(), z.null()]))),
  counts: z.array(z.array(count)),
  gi_z: z.array(z.array(nullableNumber)),
})

// ── Patrol dosage ────────────────────────────────────────────────────────────
export const dosageDay = z.strictObject({
  date: z.string(),
  minutes: z.number(),
  visits: count,
  full_visits: count,
  longest_gap_min: nullableNumber.describe('longest stretch between two visits that day, minutes (null with fewer than two)'),
  units: z.array(z.string()),
  met: z.boolean(),
})
export const dosageBin = z.strictObject({
  i: z.number().int(),
  j: z.number().int(),
  source: z.string(),
  place: z.string().nullable().describe('the village or community (· town) holding the bin\'s centre'),
  days: z.array(dosageDay),
  minutes_per_day: z.number(),
  days_met: count,
})
export const stationDosage = z.strictObject({
  station_id: z.number().int(),
  station_name: z.string(),
  patrol_minutes: z.number().describe("minutes the station's units were on patrol: between consecutive reports at most max_gap_s apart"),
  hot_spot_minutes: z.number().describe('of those, minutes present in hot spots'),
  hot_spots: count.describe("hot spots whose centre lies in the station's grid cells"),
  area_share: z.number().describe("their area's share of the cells'"),
  dosage_ratio: nullableNumber.describe('(hot-spot minutes ÷ patrol minutes) ÷ area share: 1 is patrol spread evenly, above 1 concentrated in hot spots'),
})
export const dosageAnswer = z.strictObject({
  parameters: echo({ lattice: z.looseObject({ proj4: z.string(), size: z.number() }), target_visits: z.number(), visit_min: z.number() }),
  summary: z.strictObject({ hot_spots: count, days: count, bin_days: count, bin_days_met: count, share_met: nullableNumber }),
  bins: z.array(dosageBin),
  stations: z.array(stationDosage),
})

// ── Kernel density ───────────────────────────────────────────────────────────
const densityParameters = echo({ cell: z.number(), bandwidth: z.number() })
const densitySummary = z.strictObject({ points: count, grid_points: count, max_density: z.number(), integral: z.number() })
export const densityAnswer = featureCollection(feature(pointGeometry, z.strictObject({ col: z.number().int(), row: z.number().int(), density: z.number() })), {
  parameters: densityParameters,
  summary: densitySummary,
})
export const densityGrid = z.strictObject({
  type: z.literal('DensityGrid'),
  parameters: densityParameters,
  summary: densitySummary,
  grid: z.strictObject({ crs: z.string(), proj4: z.string(), cell: z.number().positive(), rule: z.string() }),
  columns: z.tuple([z.literal('col'), z.literal('row'), z.literal('density')]),
  points: z.array(z.tuple([z.number().int(), z.number().int(), z.number()])),
})

// ── Counts per month, per grid cell ──────────────────────────────────────────
export const monthlyAnswer = z.strictObject({
  parameters: echo({}),
  total: count,
  months: z.array(z.strictObject({ month: z.string(), count })),
})
export const gridCellStat = z.strictObject({ id: z.number().int(), households: count, open_hazards: count, disputes_open: count, disputes_total: count })
export const gridCellStatsAnswer = z.strictObject({ definitions: z.record(z.string(), z.string()), cells: z.array(gridCellStat) })

// ── The four-seasons screen ──────────────────────────────────────────────────
export const seasonName = z.enum(['spring', 'summer', 'autumn', 'winter'])
export const seasonalFocus = z.strictObject({
  category: z.string(),
  this_season: count,
  this_season_open: count,
  this_season_resolved: count,
  last_year_open: count,
  last_year_resolved: count,
  past_same_season: count,
  past_by_year: z.record(z.string(), count),
  screen: z.boolean(),
})
export const seasonalCell = z.strictObject({
  grid_id: z.number().int(),
  code: z.string(),
  name: z.string(),
  community_code: z.string(),
  station_id: z.number().int(),
  station_name: z.string().nullable(),
  officer_id: z.number().int().nullable(),
  officer_name: z.string().nullable(),
  by_season: z.record(seasonName, z.record(z.string(), count)),
  this_season_all: count,
  focus: seasonalFocus,
  geometry: areaGeometry.optional(),
})
export const seasonalStation = z.strictObject({
  station_id: z.number().int(),
  station_name: z.string().nullable(),
  cells: count,
  flagged: count,
  this_season_open: count,
  this_season_resolved: count,
  last_year_open: count,
  last_year_resolved: count,
})
export const seasonalAnswer = z.strictObject({
  parameters: echo({ season: seasonName, season_year: z.number().int(), focus_category: z.string(), years: z.number().int(), min_count: z.number().int(), priority_rule: z.string() }),
  four_seasons: z.record(z.string(), z.unknown()),
  screen: z.array(
    z.strictObject({
      rank: z.number().int(),
      grid_id: z.number().int(),
      code: z.string(),
      name: z.string(),
      station_id: z.number().int(),
      station_name: z.string().nullable(),
      officer_id: z.number().int().nullable(),
      officer_name: z.string().nullable(),
      past_same_season: count,
      this_season: count,
      this_season_open: count,
      last_year_open: count,
      last_year_resolved: count,
    }),
  ),
  stations: z.array(seasonalStation),
  cells: z.array(seasonalCell),
})

export type CoverageProps = z.output<typeof coverageCellProps>
export type CoverageTotals = z.output<typeof coverageTotals>
export type CoverageAnswer = z.output<typeof coverageAnswer>
export type HexProps = z.output<typeof hexProps>
export type HotspotAnswer = z.output<typeof hotspotAnswer>
export type HexagonBins = z.output<typeof hexagonBins>
export type EmergingProps = z.output<typeof emergingProps>
export type EmergingAnswer = z.output<typeof emergingAnswer>
export type EmergingBins = z.output<typeof emergingBins>
export type DosageDay = z.output<typeof dosageDay>
export type DosageBin = z.output<typeof dosageBin>
export type StationDosage = z.output<typeof stationDosage>
export type DosageAnswer = z.output<typeof dosageAnswer>
export type DensityAnswer = z.output<typeof densityAnswer>
export type DensityGrid = z.output<typeof densityGrid>
export type MonthlyAnswer = z.output<typeof monthlyAnswer>
export type GridCellStat = z.output<typeof gridCellStat>
export type SeasonName = z.output<typeof seasonName>
export type SeasonalFocus = z.output<typeof seasonalFocus>
export type SeasonalCell = z.output<typeof seasonalCell>
export type SeasonalStation = z.output<typeof seasonalStation>
export type SeasonalAnswer = z.output<typeof seasonalAnswer>
