import type maplibregl from 'maplibre-gl'
import type { ExpressionSpecification } from 'maplibre-gl'
import type { RasterBasemapConfig } from '../api/client.ts'
import { CITY_BOUNDS } from './create-map.ts'
import { FONT_BOLD, FONT_REGULAR } from './glyph-protocol.ts'
import { addToSlot } from './slots.ts'
import type { TileSource } from './tile-source.ts'

const BASEMAP_SOURCE = 'basemap'
const RASTER_SOURCE = 'basemap-raster'
const RASTER_OVERLAY_SOURCE = 'basemap-raster-overlay'
export const LABEL_LAYERS = ['basemap-labels-village', 'basemap-labels-town', 'basemap-labels-district', 'basemap-labels-city'] as const
const RASTER_LAYERS = ['basemap-raster', 'basemap-raster-overlay'] as const

const isLevel = (level: string): ExpressionSpecification => ['==', ['get', 'level'], level]
const halo = { 'text-halo-color': 'rgba(6, 11, 22, 0.92)', 'text-halo-width': 1.6, 'text-halo-blur': 0.4 } as const

/**
 * The city's own offline basemap from the composite tiles: land, faint grid mesh, rivers and
 * place names (district → town → village as you zoom in). It needs nothing from the internet.
 */
export function addOfflineBasemap(map: maplibregl.Map, tiles: TileSource): void {
  map.addSource(BASEMAP_SOURCE, { type: 'vector', tiles: [tiles.basemapTiles()], minzoom: 0, maxzoom: 14, bounds: CITY_BOUNDS })
  const src = { source: BASEMAP_SOURCE } as const
  addToSlot(map, 'land', { id: 'basemap-land', type: 'fill', ...src, 'source-layer': 'admin-areas', paint: { 'fill-color': '#0c1729', 'fill-opacity': 1 } })
  addToSlot(map, 'land', {
    id: 'basemap-grid', type: 'line', ...src, 'source-layer': 'grid-cells', minzoom: 11,
    paint: { 'line-color': '#1d3250', 'line-width': 0.6 },
  })
  addToSlot(map, 'water', {
    id: 'basemap-rivers', type: 'line', ...src, 'source-layer': 'rivers',
    layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: { 'line-color': '#1f5b8f', 'line-width': ['interpolate', ['linear'], ['zoom'], 7, 1, 12, 2.5, 16, 6] },
  })
  addToSlot(map, 'labels', {
    id: 'basemap-labels-village', type: 'symbol', ...src, 'source-layer': 'labels', filter: isLevel('village'), minzoom: 11.5,
    layout: { 'text-field': ['get', 'name'], 'text-font': FONT_REGULAR, 'text-size': ['interpolate', ['linear'], ['zoom'], 11.5, 11, 16, 14], 'text-padding': 4 },
    paint: { 'text-color': '#9fb3cc', ...halo },
  })
  addToSlot(map, 'labels', {
    id: 'basemap-labels-town', type: 'symbol', ...src, 'source-layer': 'labels', filter: isLevel('town'), minzoom: 9.5, maxzoom: 15,
    layout: { 'text-field': ['get', 'name'], 'text-font': FONT_BOLD, 'text-size': ['interpolate', ['linear'], ['zoom'], 9.5, 12, 14, 15], 'text-padding': 6 },
    paint: { 'text-color': '#c8d6e8', ...halo },
  })
  addToSlot(map, 'labels', {
    id: 'basemap-labels-district', type: 'symbol', ...src, 'source-layer': 'labels', filter: isLevel('district'), minzoom: 7, maxzoom: 12,
    layout: { 'text-field': ['get', 'name'], 'text-font': FONT_BOLD, 'text-size': ['interpolate', ['linear'], ['zoom'], 7, 14, 11, 20], 'text-letter-spacing': 0.15 },
    paint: { 'text-color': '#e6f1ff', ...halo },
  })
  addToSlot(map, 'labels', {
    id: 'basemap-labels-city', type: 'symbol', ...src, 'source-layer': 'labels', filter: isLevel('city'), maxzoom: 7,
    layout: { 'text-field': ['get', 'name'], 'text-font': FONT_BOLD, 'text-size': 16 },
    paint: { 'text-color': '#e6f1ff', ...halo },
  })
}

export function setLabelsVisible(map: maplibregl.Map, visible: boolean): void {
  for (const id of LABEL_LAYERS) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none')
}

/**
 * A configured raster basemap (Tianditu `vec_w` + `cva_w`, or any XYZ) under everything. The
 * city's land fill is hidden while it shows (lower the areas' opacity to see more of it); it starts hidden when its
 * datum is GCJ-02 (offset from our WGS84 data), so mixing is always a choice.
 */
export function addRasterBasemap(map: maplibregl.Map, config: RasterBasemapConfig): void {
  const common = { type: 'raster', tileSize: config.tileSize ?? 256, maxzoom: config.maxzoom ?? 18 } as const
  map.addSource(RASTER_SOURCE, { ...common, tiles: config.tiles, ...(config.attribution ? { attribution: config.attribution } : {}) })
  addToSlot(map, 'raster', { id: 'basemap-raster', type: 'raster', source: RASTER_SOURCE, layout: { visibility: 'none' }, paint: { 'raster-opacity': 0.85, 'raster-saturation': -0.4 } })
  if (config.overlayTiles?.length) {
    map.addSource(RASTER_OVERLAY_SOURCE, { ...common, tiles: config.overlayTiles })
    addToSlot(map, 'raster', { id: 'basemap-raster-overlay', type: 'raster', source: RASTER_OVERLAY_SOURCE, layout: { visibility: 'none' } })
  }
}

export function setRasterVisible(map: maplibregl.Map, visible: boolean): void {
  for (const id of RASTER_LAYERS) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none')
  if (map.getLayer('basemap-land')) map.setPaintProperty('basemap-land', 'fill-opacity', visible ? 0 : 1)
}

export const rasterDatumMatches = (config: RasterBasemapConfig) => config.datum !== 'GCJ-02'
