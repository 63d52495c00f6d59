import type maplibregl from 'maplibre-gl'
import type { LayerSpecification } from 'maplibre-gl'

/**
 * The drawing order, bottom to top: an optional raster basemap, the city's land, areas, water,
 * lines, points (MapLibre's, then deck.gl's dense layers with their cluster counts on top), labels. Each slot ends with an invisible marker
 * layer; a layer is added before the marker of its slot, so whatever order layers are added in,
 * areas stay under lines and lines under points.
 */
export const SLOTS = ['raster', 'land', 'areas', 'water', 'lines', 'points', 'labels'] as const
export type Slot = (typeof SLOTS)[number]

export const slotEnd = (slot: Slot) => `slot-end:${slot}`

/** The marker layers, for the initial style. */
export function slotMarkers(): LayerSpecification[] {
  return SLOTS.map((slot) => ({ id: slotEnd(slot), type: 'background', layout: { visibility: 'none' }, paint: {} }))
}

export function addToSlot(map: maplibregl.Map, slot: Slot, layer: LayerSpecification): void {
  map.addLayer(layer, slotEnd(slot))
}
