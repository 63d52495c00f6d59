import type { ExpressionSpecification } from 'maplibre-gl'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { addToSlot } from '../map/slots.ts'
import { addLayerSource, applyOpacity, setVisibility, type CatalogLayer, type LayerContext, type OpacityPlan } from './catalog-layer.ts'

/**
 * Line width in the catalog's pixels at z12, thinner when zoomed out and wider when in, plus
 * `extra` pixels (or `extra` when `when` holds: zoom must stay the top-level input).
 */
export function widthByZoom(width: number, extra = 0, when?: ExpressionSpecification): ExpressionSpecification {
  const at = (w: number): number | ExpressionSpecification => (when ? ['case', when, w + extra, w] : w + extra)
  return ['interpolate', ['linear'], ['zoom'], 8, at(width * 0.6), 12, at(width), 16, at(width * 2)] as ExpressionSpecification
}

/**
 * A line layer (rivers, patrol routes, completed patrols, river patrols): the catalog colour
 * over a dark casing so it stays readable over filled areas; a selected line is drawn wider.
 */
export function lineLayer(def: LayerDef, ctx: LayerContext): CatalogLayer {
  const source = addLayerSource(ctx, def)
  const width = def.style.width ?? 1.5
  const casingId = `${def.id}-casing`
  const lineId = `${def.id}-line`
  const selected: ExpressionSpecification = ['boolean', ['feature-state', 'selected'], false]
  addToSlot(ctx.map, 'lines', {
    id: casingId, type: 'line', source, 'source-layer': def.id, minzoom: def.minzoom,
    layout: { visibility: 'none', 'line-join': 'round', 'line-cap': 'round' },
    paint: { 'line-color': '#060b16', 'line-width': widthByZoom(width, 2) },
  })
  addToSlot(ctx.map, 'lines', {
    id: lineId, type: 'line', source, 'source-layer': def.id, minzoom: def.minzoom,
    layout: { visibility: 'none', 'line-join': 'round', 'line-cap': 'round' },
    paint: {
      'line-color': ['case', selected, '#ffffff', def.style.color],
      'line-width': widthByZoom(width, 2, selected),
      // Completed patrols are many overlapping tracks: dashed and thin, so routes stay visible.
      ...(def.id === 'patrols' ? { 'line-dasharray': [2, 1.5] } : {}),
    },
  })
  const ids = [casingId, lineId]
  const plan: OpacityPlan = { [casingId]: { 'line-opacity': 0.5 }, [lineId]: { 'line-opacity': def.id === 'patrols' ? 0.7 : 0.95 } }
  return {
    def,
    maplibreLayerIds: ids,
    clickableLayerIds: [lineId],
    setVisible: (v) => setVisibility(ctx.map, ids, v),
    setOpacity: (o) => applyOpacity(ctx.map, plan, o),
  }
}
