import type { LayerDef } from '../../../data/catalog/layers.ts'
import { addToSlot } from '../map/slots.ts'
import { addLayerSource, applyOpacity, setVisibility, type CatalogLayer, type LayerContext, type OpacityPlan } from './catalog-layer.ts'

/** An area layer (patrol zones): a light tint of the catalog colour and its outline. */
export function polygonLayer(def: LayerDef, ctx: LayerContext): CatalogLayer {
  const source = addLayerSource(ctx, def)
  const fillId = `${def.id}-fill`
  const outlineId = `${def.id}-outline`
  addToSlot(ctx.map, 'areas', {
    id: fillId, type: 'fill', source, 'source-layer': def.id, minzoom: def.minzoom,
    layout: { visibility: 'none' },
    paint: { 'fill-color': def.style.color },
  })
  addToSlot(ctx.map, 'lines', {
    id: outlineId, type: 'line', source, 'source-layer': def.id, minzoom: def.minzoom,
    layout: { visibility: 'none', 'line-join': 'round' },
    paint: {
      'line-color': def.style.color,
      'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], (def.style.width ?? 1) + 2, def.style.width ?? 1],
      'line-dasharray': [4, 2],
    },
  })
  const ids = [fillId, outlineId]
  const plan: OpacityPlan = { [fillId]: { 'fill-opacity': 0.14 }, [outlineId]: { 'line-opacity': 0.9 } }
  return {
    def,
    maplibreLayerIds: ids,
    clickableLayerIds: [fillId],
    setVisible: (v) => setVisibility(ctx.map, ids, v),
    setOpacity: (o) => applyOpacity(ctx.map, plan, o),
  }
}
