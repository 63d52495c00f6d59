import { VectorTile, type VectorTileFeature } from '@mapbox/vector-tile'
import { request as httpRequest } from 'node:http'
import { PbfReader } from 'pbf'
import type { TileCoord } from '../../server/src/tiles/tile-coord.ts'
import { authHeader } from './accounts.ts'

/** Tile test helpers: tile arithmetic done here (not by the server's code), MVT decoding, raw GETs. */

/** Liaoyuan city centre. */
export const CENTRE = { lon: 125.14, lat: 42.9 }

/** The XYZ tile holding a lon/lat, computed here from the slippy-map formula (not the server's code). */
export function tileAt(lon: number, lat: number, z: number): TileCoord {
  const n = 2 ** z
  const rad = (lat * Math.PI) / 180
  return { z, x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n) }
}
export const centreTile = (z: number) => tileAt(CENTRE.lon, CENTRE.lat, z)
export const path = (tileset: string, { z, x, y }: TileCoord) => `/tiles/${tileset}/${z}/${x}/${y}.mvt`

export function decode(bytes: Uint8Array): VectorTile {
  return new VectorTile(new PbfReader(bytes))
}

export function features(tile: VectorTile, name: string): VectorTileFeature[] {
  const layer = tile.layers[name]
  if (!layer) return []
  return Array.from({ length: layer.length }, (_, i) => layer.feature(i))
}

/** minX, minY, maxX, maxY of a feature in tile units. */
export function extentOf(f: VectorTileFeature): [number, number, number, number] {
  const pts = f.loadGeometry().flat()
  return [Math.min(...pts.map((p) => p.x)), Math.min(...pts.map((p) => p.y)), Math.max(...pts.map((p) => p.x)), Math.max(...pts.map((p) => p.y))]
}

/** id → properties of one MVT layer. */
export function byId(tile: VectorTile, name: string): Map<number, Record<string, unknown>> {
  return new Map(features(tile, name).map((f) => [f.id!, f.properties]))
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** A GET with exactly these headers and the bytes as sent (fetch would decompress gzip). */
/** A GET through node:http (raw bytes and headers), signed in as the test administrator. */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { ...authHeader('admin'), ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

export function vectorFieldsOf(tj: unknown): Record<string, string> {
  return (tj as { vector_layers: Array<{ fields: Record<string, string> }> }).vector_layers[0]!.fields
}
