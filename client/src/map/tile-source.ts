import { api } from '../api/client.ts'

/**
 * The server's vector tiles: `/tiles/{layer}/{z}/{x}/{y}.mvt` (MVT layer name = layer id,
 * feature id = row id, the catalog properties; clustered point layers carry only `count` below
 * z13; 204 when empty or outside the layer's zoom range) and the composite basemap
 * `/tiles/basemap/{z}/{x}/{y}.mvt` (MVT layers admin-areas, grid-cells, rivers, labels).
 */
export interface TileSource {
  /** URL template with `{z}/{x}/{y}` for a catalog layer. */
  layerTiles(layerId: string): string
  /** URL template for the composite basemap. */
  basemapTiles(): string
  /** The bytes of one tile URL made from the templates above; null for an empty tile. */
  load(url: string, signal?: AbortSignal): Promise<ArrayBuffer | null>
}

/** MapLibre's workers need absolute URLs. */
export function serverTiles(origin = window.location.origin): TileSource {
  return {
    layerTiles: (id) => `${origin}/tiles/${encodeURIComponent(id)}/{z}/{x}/{y}.mvt`,
    basemapTiles: () => `${origin}/tiles/basemap/{z}/{x}/{y}.mvt`,
    load: (url, signal) => api.tile(url, signal),
  }
}
