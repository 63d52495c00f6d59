import type { Feature } from 'geojson'
import { geoJSONToTile, type GeoJSONVTTile } from '@maplibre/geojson-vt'
import { fromGeojsonVt } from '@maplibre/vt-pbf'
import { TILE_BUFFER, TILE_EXTENT, type TileCoord } from './tile-coord.ts'

/** One MVT layer as GeoJSON features in EPSG:4326, each with its row id as `id`. */
export interface GeoJsonTileLayer {
  name: string
  features: Feature[]
}

/**
 * Simplification tolerance in tile units at the tile's own zoom, close to ST_AsMVTGeom (which
 * drops detail under its output resolution). `maxZoom` above the deepest tile keeps geojson-vt
 * from treating any served zoom as "full detail".
 */
const TOLERANCE = 0.5
const INDEX_MAX_ZOOM = 24

/**
 * Encodes GeoJSON layers as an MVT 2.1 tile (extent 4096, buffer 64) in Node with
 * `@maplibre/geojson-vt` (projection, clipping, simplification, ring winding) and
 * `@maplibre/vt-pbf`; null when no layer has a feature. The PGlite backend serves tiles this way,
 * and the tests run it on PostgreSQL too to compare with ST_AsMVT.
 */
export function encodeTileInNode(layers: readonly GeoJsonTileLayer[], { z, x, y }: TileCoord): Uint8Array | null {
  const tiles: Record<string, GeoJSONVTTile> = {}
  for (const layer of layers) {
    if (layer.features.length === 0) continue
    const tile = geoJSONToTile({ type: 'FeatureCollection', features: layer.features }, z, x, y, {
      extent: TILE_EXTENT,
      buffer: TILE_BUFFER,
      clip: true,
      wrap: false,
      tolerance: TOLERANCE,
      maxZoom: INDEX_MAX_ZOOM,
    })
    if (tile.features.length > 0) tiles[layer.name] = tile
  }
  if (Object.keys(tiles).length === 0) return null
  return fromGeojsonVt(tiles, { version: 2, extent: TILE_EXTENT })
}
