import type { ExpressionSpecification } from 'maplibre-gl'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { addToSlot } from '../map/slots.ts'
import { addLayerSource, applyOpacity, setVisibility, type CatalogLayer, type LayerContext, type OpacityPlan } from './catalog-layer.ts'

const level = (l: string): ExpressionSpecification => ['==', ['get', 'level'], l]

/**
 * Administrative areas: each district a slightly different tint (`districts-fill`, which the
 * e2e test reads), boundaries weighted by level (district glow, dashed towns, faint villages),
 * and a transparent village fill so a click anywhere picks the village or community.
 */
export function adminAreasLayer(def: LayerDef, ctx: LayerContext): CatalogLayer {
  const source = addLayerSource(ctx, def)
  const common = { source, 'source-layer': def.id } as const
  const hidden = { visibility: 'none' } as const
  addToSlot(ctx.map, 'areas', {
    id: 'districts-fill', type: 'fill', ...common, filter: level('district'), layout: hidden,
    paint: { 'fill-color': ['match', ['get', 'code'], '220402', '#173258', '220403', '#1b3a63', '220421', '#142c4f', '#12284a'] },
  })
  addToSlot(ctx.map, 'areas', {
    id: 'admin-villages-fill', type: 'fill', ...common, filter: level('village'), minzoom: 10, layout: hidden,
    paint: { 'fill-color': '#000000', 'fill-opacity': 0 },
  })
  addToSlot(ctx.map, 'lines', {
    id: 'admin-villages-line', type: 'line', ...common, filter: level('village'), minzoom: 10, layout: hidden,
    paint: { 'line-color': '#4a5d78', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.4, 14, 1.2] },
  })
  addToSlot(ctx.map, 'lines', {
    id: 'admin-towns-line', type: 'line', ...common, filter: level('town'), minzoom: 8, layout: hidden,
    paint: { 'line-color': def.style.color, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.8, 14, 2], 'line-dasharray': [3, 2] },
  })
  addToSlot(ctx.map, 'lines', {
    id: 'admin-districts-glow', type: 'line', ...common, filter: ['in', ['get', 'level'], ['literal', ['district', 'city']]], layout: hidden,
    paint: { 'line-color': '#38bdf8', 'line-width': 7, 'line-blur': 4 },
  })
  addToSlot(ctx.map, 'lines', {
    id: 'admin-districts-line', type: 'line', ...common, filter: ['in', ['get', 'level'], ['literal', ['district', 'city']]], layout: { ...hidden, 'line-join': 'round' },
    paint: { 'line-color': '#7dd3fc', 'line-width': ['interpolate', ['linear'], ['zoom'], 7, 1.4, 14, 3] },
  })
  const ids = ['districts-fill', 'admin-villages-fill', 'admin-villages-line', 'admin-towns-line', 'admin-districts-glow', 'admin-districts-line']
  const plan: OpacityPlan = {
    'districts-fill': { 'fill-opacity': 0.9 },
    'admin-villages-line': { 'line-opacity': 0.7 },
    'admin-towns-line': { 'line-opacity': 0.9 },
    'admin-districts-glow': { 'line-opacity': 0.25 },
    'admin-districts-line': { 'line-opacity': 1 },
  }
  return {
    def,
    maplibreLayerIds: ids,
    clickableLayerIds: ['admin-villages-fill', 'districts-fill'],
    setVisible: (v) => setVisibility(ctx.map, ids, v),
    setOpacity: (o) => applyOpacity(ctx.map, plan, o),
  }
}
