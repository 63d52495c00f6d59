import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson'
import { getJson } from '../api/client.ts'
import { binsToFeatureCollection, emergingBinsToFeatureCollection, type EmergingBins, type HexagonBins } from './hex-bins.ts'

/** One grid cell of `GET /api/analysis/coverage` (server/src/analysis/coverage.ts). */
export interface CoverageProps {
  id: number
  code: string
  name: string
  station_id: number
  officer_id: number | null
  area_m2: number
  covered_m2: number
  covered_share: number
  households_total: number
  household_units_total: number
  household_units_covered: number
  hazards_open_total: number
  hazards_open_covered: number
  schools_total: number
  schools_covered: number
  last_patrol_at: string | null
  hours_since_patrol: number | null
  uncovered: Polygon | MultiPolygon | null
}
export interface CoverageTotals {
  cells: number
  area_m2: number
  covered_m2: number
  covered_share: number
  household_units_total: number
  household_units_covered: number
  hazards_open_total: number
  hazards_open_covered: number
  schools_total: number
  schools_covered: number
}
export interface CoverageAnswer extends FeatureCollection<Polygon | MultiPolygon, CoverageProps> {
  totals: { city: CoverageTotals; stations: Array<CoverageTotals & { station_id: number; station_name: string | null }> }
}

export const GI_CLASSES = ['hot-99', 'hot-95', 'hot-90', 'not-significant', 'cold-90', 'cold-95', 'cold-99'] as const
export type GiClass = (typeof GI_CLASSES)[number]
export interface HexProps {
  i: number
  j: number
  count: number
  local_sum: number
  neighbours: number
  gi_z: number | null
  gi_p: number | null
  class: GiClass
}
export interface HotspotAnswer extends FeatureCollection<Polygon, HexProps> {
  parameters: Record<string, unknown> & { cell: number; band: number }
  summary: { bins: number; points: number; binned: number; classes: Record<GiClass, number> }
}
/** Esri's emerging hot spot categories, in its legend order (server/src/analysis/emerging-stats.ts). */
export const EMERGING_CATEGORIES = [
  'new-hot', 'consecutive-hot', 'intensifying-hot', 'persistent-hot', 'diminishing-hot', 'sporadic-hot', 'oscillating-hot', 'historical-hot',
  'new-cold', 'consecutive-cold', 'intensifying-cold', 'persistent-cold', 'diminishing-cold', 'sporadic-cold', 'oscillating-cold', 'historical-cold',
  'no-pattern',
] as const
export type EmergingCategory = (typeof EMERGING_CATEGORIES)[number]
export interface EmergingProps {
  i: number
  j: number
  category: EmergingCategory
  total: number
  hot_steps: number
  cold_steps: number
  trend_s: number
  trend_z: number
  trend_p: number
  tau: number
  counts: number[]
  gi_z: Array<number | null>
  place: string | null
}
export interface EmergingAnswer extends FeatureCollection<Polygon, EmergingProps> {
  parameters: Record<string, unknown> & { cell: number; step: 'week' | 'month'; steps: number; alpha: number }
  summary: { bins: number; steps: number; points: number; categories: Record<EmergingCategory, number> }
  steps: Array<{ start: string; end: string }>
}
export interface DosageDay {
  date: string
  minutes: number
  visits: number
  full_visits: number
  longest_gap_min: number | null
  units: string[]
  met: boolean
}
export interface DosageBin {
  i: number
  j: number
  source: string
  place: string | null
  days: DosageDay[]
  minutes_per_day: number
  days_met: number
}
export interface DosageAnswer {
  parameters: Record<string, unknown> & { lattice: { proj4: string; size: number }; target_visits: number; visit_min: number }
  summary: { hot_spots: number; days: number; bin_days: number; bin_days_met: number; share_met: number | null }
  bins: DosageBin[]
  stations: Array<{ station_id: number; station_name: string; patrol_minutes: number; hot_spot_minutes: number; hot_spots: number; area_share: number; dosage_ratio: number | null }>
}
export interface DensityAnswer extends FeatureCollection<Point, { col: number; row: number; density: number }> {
  parameters: Record<string, unknown> & { cell: number; bandwidth: number }
  summary: { points: number; grid_points: number; max_density: number }
}
export interface MonthlyAnswer {
  total: number
  months: Array<{ month: string; count: number }>
}
export interface GridCellStat {
  id: number
  households: number
  open_hazards: number
  disputes_open: number
  disputes_total: number
}

/** `GET /api/analysis/seasonal` (server/src/analysis/seasonal.ts): the four-seasons screen. */
export type SeasonName = 'spring' | 'summer' | 'autumn' | 'winter'
export interface SeasonalFocus {
  category: string
  this_season: number
  this_season_open: number
  this_season_resolved: number
  last_year_open: number
  last_year_resolved: number
  past_same_season: number
  past_by_year: Record<string, number>
  screen: boolean
}
export interface SeasonalCell {
  grid_id: number
  code: string
  name: string
  station_id: number
  station_name: string | null
  officer_id: number | null
  officer_name: string | null
  this_season_all: number
  focus: SeasonalFocus
  geometry?: Polygon | MultiPolygon
}
export interface SeasonalStation {
  station_id: number
  station_name: string | null
  cells: number
  flagged: number
  this_season_open: number
  this_season_resolved: number
  last_year_open: number
  last_year_resolved: number
}
export interface SeasonalAnswer {
  parameters: { season: SeasonName; season_year: number; focus_category: string; years: number; min_count: number; priority_rule: string }
  screen: Array<{ rank: number; grid_id: number; code: string; name: string; station_name: string | null; officer_name: string | null; past_same_season: number; this_season_open: number; last_year_open: number; last_year_resolved: number }>
  stations: SeasonalStation[]
  cells: SeasonalCell[]
}

const query = (params: Record<string, string>) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '')).toString()
const opts = (signal?: AbortSignal) => (signal ? { signal } : {})

/** The analysis endpoints; every call goes through the app's one fetch (api/client.ts). */
export const analysisApi = {
  coverage: (params: Record<string, string>, signal?: AbortSignal) => getJson<CoverageAnswer>(`/api/analysis/coverage?${query(params)}`, opts(signal)),
  /** Asked for in compact form (a tenth of the bytes of GeoJSON); the hexagons are made here. */
  hotspots: async (params: Record<string, string>, signal?: AbortSignal) =>
    binsToFeatureCollection(await getJson<HexagonBins>(`/api/analysis/hotspots?${query({ ...params, format: 'bins' })}`, opts(signal))),
  /** Asked for in compact form (half the bytes: no geometry, z to 2 decimals); the hexagons are made here. */
  emerging: async (params: Record<string, string>, signal?: AbortSignal) =>
    emergingBinsToFeatureCollection(await getJson<EmergingBins>(`/api/analysis/emerging-hotspots?${query({ ...params, format: 'bins' })}`, opts(signal))),
  dosage: (params: Record<string, string>, signal?: AbortSignal) => getJson<DosageAnswer>(`/api/analysis/dosage?${query(params)}`, opts(signal)),
  density: (params: Record<string, string>, signal?: AbortSignal) => getJson<DensityAnswer>(`/api/analysis/density?${query(params)}`, opts(signal)),
  monthly: (params: Record<string, string>, signal?: AbortSignal) => getJson<MonthlyAnswer>(`/api/stats/monthly?${query(params)}`, opts(signal)),
  seasonal: (params: Record<string, string>, signal?: AbortSignal) => getJson<SeasonalAnswer>(`/api/analysis/seasonal?${query({ ...params, geometry: '1' })}`, opts(signal)),
  gridCellStats: () => getJson<{ cells: GridCellStat[] }>('/api/stats/grid-cells'),
}

export type CoverageFeature = Feature<Polygon | MultiPolygon, CoverageProps>

export const isAbort = (err: unknown) => err instanceof DOMException && err.name === 'AbortError'
