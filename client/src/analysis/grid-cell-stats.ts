import type maplibregl from 'maplibre-gl'
import { analysisApi, type GridCellStat } from './analysis-api.ts'

let loading: Promise<GridCellStat[]> | null = null

/**
 * Counts per grid cell the tiles do not carry (open hazards, disputes), set once as feature state
 * on the grid-cell tile source (MVT feature id = cell id), where the choropleth reads them
 * (`['feature-state', 'open_hazards']`). MapLibre keeps the state for tiles loaded later.
 * A failed load is retried on the next call.
 */
export function loadGridCellStats(map: maplibregl.Map, source: string, sourceLayer: string): Promise<GridCellStat[]> {
  loading ??= analysisApi.gridCellStats().then(
    ({ cells }) => {
      for (const c of cells) map.setFeatureState({ source, sourceLayer, id: c.id }, { open_hazards: c.open_hazards, disputes: c.disputes_total, disputes_open: c.disputes_open })
      return cells
    },
    (err: unknown) => {
      loading = null
      throw err
    },
  )
  return loading
}
