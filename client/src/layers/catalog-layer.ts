import type maplibregl from 'maplibre-gl'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import type { TileSource } from '../map/tile-source.ts'
import { CITY_BOUNDS } from '../map/create-map.ts'
import type { DeckLayers } from './deck-layers.ts'

export interface LayerContext {
  map: maplibregl.Map
  tiles: TileSource
  deck: DeckLayers
}

/** A catalog layer on the map, whichever library draws it. */
export interface CatalogLayer {
  readonly def: LayerDef
  /** Every MapLibre layer it added (empty when deck.gl draws it). */
  readonly maplibreLayerIds: readonly string[]
  /** The MapLibre layers a click can pick a feature from. */
  readonly clickableLayerIds: readonly string[]
  /** The deck.gl layer id, when deck.gl draws it (it is the catalog id). */
  readonly deckLayerId?: string
  setVisible(visible: boolean): void
  /** 0…1, applied on top of the symbology's own opacities. */
  setOpacity(opacity: number): void
}

/** The vector tile source of a catalog layer; its id is the layer id, as is its MVT layer name. */
export function addLayerSource(ctx: LayerContext, def: LayerDef): string {
  if (!ctx.map.getSource(def.id)) {
    ctx.map.addSource(def.id, {
      type: 'vector',
      tiles: [ctx.tiles.layerTiles(def.id)],
      minzoom: def.minzoom,
      maxzoom: Math.min(def.maxzoom, 16),
      bounds: CITY_BOUNDS,
    })
  }
  return def.id
}

export function setVisibility(map: maplibregl.Map, ids: readonly string[], visible: boolean): void {
  for (const id of ids) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none')
}

/** Base opacities per MapLibre layer and paint property, scaled by the layer's opacity. */
export type OpacityPlan = Record<string, Record<string, number>>

export function applyOpacity(map: maplibregl.Map, plan: OpacityPlan, opacity: number): void {
  for (const [layerId, props] of Object.entries(plan)) {
    for (const [prop, base] of Object.entries(props)) map.setPaintProperty(layerId, prop, base * opacity)
  }
}

/** `#rrggbb` → [r, g, b]. */
export function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.replace('#', ''), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}
