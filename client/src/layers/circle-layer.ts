import type { LayerDef } from '../../../data/catalog/layers.ts'
import { FONT_REGULAR } from '../map/glyph-protocol.ts'
import { addToSlot } from '../map/slots.ts'
import { addLayerSource, applyOpacity, setVisibility, type CatalogLayer, type LayerContext, type OpacityPlan } from './catalog-layer.ts'

/**
 * A point layer MapLibre draws (police units, disputes, schools, guard posts): a dot in the
 * catalog colour with a light rim so dark blues read on the dark map, and its name once zoomed in.
 */
export function circleLayer(def: LayerDef, ctx: LayerContext): CatalogLayer {
  const source = addLayerSource(ctx, def)
  const r = def.style.radius ?? 5
  const circleId = `${def.id}-circle`
  const labelId = `${def.id}-label`
  addToSlot(ctx.map, 'points', {
    id: circleId, type: 'circle', source, 'source-layer': def.id, minzoom: def.minzoom,
    layout: { visibility: 'none' },
    paint: {
      'circle-color': def.style.color,
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, r * 0.8, 13, r * 1.25, 17, r * 1.8],
      'circle-stroke-color': '#e2e8f0',
      'circle-stroke-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 1.2],
    },
  })
  const ids = [circleId]
  const plan: OpacityPlan = { [circleId]: { 'circle-opacity': 1, 'circle-stroke-opacity': 0.9 } }
  // Codes (disputes) are not worth a label; names are.
  if (def.nameColumn === 'name') {
    addToSlot(ctx.map, 'labels', {
      id: labelId, type: 'symbol', source, 'source-layer': def.id, minzoom: Math.max(def.minzoom, 12.5),
      layout: {
        visibility: 'none',
        'text-field': ['get', 'name'],
        'text-font': FONT_REGULAR,
        'text-size': 12,
        'text-offset': [0, 1.1],
        'text-anchor': 'top',
        'text-max-width': 9,
        'text-optional': true,
      },
      paint: { 'text-color': '#dbe7f5', 'text-halo-color': 'rgba(6, 11, 22, 0.9)', 'text-halo-width': 1.4 },
    })
    ids.push(labelId)
    plan[labelId] = { 'text-opacity': 1 }
  }
  return {
    def,
    maplibreLayerIds: ids,
    clickableLayerIds: [circleId],
    setVisible: (v) => setVisibility(ctx.map, ids, v),
    setOpacity: (o) => applyOpacity(ctx.map, plan, o),
  }
}
