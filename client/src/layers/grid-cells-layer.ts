import type { LayerDef } from '../../../data/catalog/layers.ts'
import { addToSlot } from '../map/slots.ts'
import { addLayerSource, setVisibility, type CatalogLayer, type LayerContext } from './catalog-layer.ts'
import { loadGridCellStats } from '../analysis/grid-cell-stats.ts'
import { choroplethColor, STATE_MEASURES, type Measure } from './choropleth.ts'

export interface GridCellsLayer extends CatalogLayer {
  setMeasure(measure: Measure): void
}

const GRID_FILL = 'grid-cells-fill'
const GRID_LINE = 'grid-cells-line'

/**
 * Grid cells (网格): a choropleth of the chosen measure (or a faint tint) and a thin cyan mesh
 * that turns white and wide for the selected cell. No cell names on the map: a polygon label
 * repeats in every tile the cell touches; the popup names it.
 */
export function gridCellsLayer(def: LayerDef, ctx: LayerContext): GridCellsLayer {
  const source = addLayerSource(ctx, def)
  const { map } = ctx
  let opacity = 1
  let measure: Measure = 'none'
  addToSlot(map, 'areas', {
    id: GRID_FILL, type: 'fill', source, 'source-layer': def.id, minzoom: def.minzoom,
    layout: { visibility: 'none' },
    paint: { 'fill-color': def.style.color },
  })
  addToSlot(map, 'lines', {
    id: GRID_LINE, type: 'line', source, 'source-layer': def.id, minzoom: def.minzoom,
    layout: { visibility: 'none', 'line-join': 'round' },
    paint: {
      'line-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#ffffff', def.style.color],
      'line-width': ['interpolate', ['linear'], ['zoom'], 8, ['case', ['boolean', ['feature-state', 'selected'], false], 2.5, 0.3], 12, ['case', ['boolean', ['feature-state', 'selected'], false], 3.5, 0.9], 16, ['case', ['boolean', ['feature-state', 'selected'], false], 5, 2]],
    },
  })
  const ids = [GRID_FILL, GRID_LINE]

  const paint = () => {
    map.setPaintProperty(GRID_FILL, 'fill-color', measure === 'none' ? def.style.color : choroplethColor(measure))
    map.setPaintProperty(GRID_FILL, 'fill-opacity', (measure === 'none' ? 0.07 : 0.62) * opacity)
    map.setPaintProperty(GRID_LINE, 'line-opacity', (measure === 'none' ? 0.6 : 0.45) * opacity)
  }
  return {
    def,
    maplibreLayerIds: ids,
    clickableLayerIds: [GRID_FILL],
    setVisible: (v) => setVisibility(map, ids, v),
    setOpacity(o) {
      opacity = o
      paint()
    },
    setMeasure(m) {
      measure = m
      // Shown in the console, not swallowed: the cells stay in the lowest class without their counts.
      if (STATE_MEASURES.has(m)) loadGridCellStats(map, source, def.id).catch((err: unknown) => console.error('grid-cell counts:', err))
      paint()
    },
  }
}
