/**
 * The answers' types come from the API's contract (server/src/contract: the schemas the server's
 * answers are checked against and the OpenAPI document is made from), as types only: nothing of
 * the server is bundled but the named values in enums.ts.
 */
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import type {
  CoverageAnswer, CoverageProps, DensityGrid, DosageAnswer, EmergingBins, GridCellStat, HexagonBins, MonthlyAnswer, SeasonalAnswer,
} from '../../../server/src/contract/analysis.ts'
import { getJson } from '../api/client.ts'
import { densityGridToFeatureCollection } from './density-grid.ts'
import { binsToFeatureCollection, emergingBinsToFeatureCollection } from './hex-bins.ts'
export type {
  CoverageAnswer, CoverageProps, CoverageTotals, DensityAnswer, DosageAnswer, DosageBin, DosageDay, EmergingAnswer, EmergingProps,
  GridCellStat, HexProps, HotspotAnswer, MonthlyAnswer, SeasonalAnswer, SeasonalCell, SeasonalFocus, SeasonalStation, SeasonName,
} from '../../../server/src/contract/analysis.ts'
export { EMERGING_CATEGORIES, GI_CLASSES, type EmergingCategory, type GiClass } from '../../../server/src/contract/enums.ts'

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
  /** Asked for in compact form (a sixth of the bytes); the points are placed here. */
  density: async (params: Record<string, string>, signal?: AbortSignal) =>
    densityGridToFeatureCollection(await getJson<DensityGrid>(`/api/analysis/density?${query({ ...params, format: 'grid' })}`, opts(signal))),
  monthly: (params: Record<string, string>, signal?: AbortSignal) => getJson<MonthlyAnswer>(`/api/stats/monthly?${query(params)}`, opts(signal)),
  seasonal: (params: Record<string, string>, signal?: AbortSignal) => getJson<SeasonalAnswer>(`/api/analysis/seasonal?${query({ ...params, geometry: '1' })}`, opts(signal)),
  gridCellStats: () => getJson<{ cells: GridCellStat[] }>('/api/stats/grid-cells'),
}

export type CoverageFeature = Feature<Polygon | MultiPolygon, CoverageProps>

export const isAbort = (err: unknown) => err instanceof DOMException && err.name === 'AbortError'
