import { ApiError } from '../http/errors.ts'

/** A tile of the XYZ (Google / OSM) scheme in Web Mercator: y grows southward. */
export interface TileCoord {
  z: number
  x: number
  y: number
}

/** The deepest zoom served; 2^22 tiles a side still fits the int4 parameters of ST_TileEnvelope. */
export const MAX_TILE_ZOOM = 22

/** MVT geometry: 4096 units a side and 64 units of buffer around the tile, on both backends. */
export const TILE_EXTENT = 4096
export const TILE_BUFFER = 64

const INTEGER = /^(0|[1-9][0-9]{0,14})$/

/**
 * z/x/y from the URL, validated: integers, 0 ≤ z ≤ 22, 0 ≤ x, y < 2^z; anything else is a 400
 * naming the bad part.
 */
export function parseTileCoord(params: { z?: unknown; x?: unknown; y?: unknown }): TileCoord {
  const whole = (name: 'z' | 'x' | 'y'): number => {
    const raw = String(params[name] ?? '')
    if (!INTEGER.test(raw)) throw new ApiError(400, 'invalid_tile', `${name} must be a non-negative integer, given "${raw.slice(0, 40)}"`)
    return Number(raw)
  }
  const z = whole('z')
  if (z > MAX_TILE_ZOOM) throw new ApiError(400, 'invalid_tile', `z must be from 0 to ${MAX_TILE_ZOOM}, given ${z}`)
  const size = 2 ** z
  const x = whole('x')
  const y = whole('y')
  for (const [name, value] of [['x', x], ['y', y]] as const) {
    if (value >= size) throw new ApiError(400, 'invalid_tile', `${name} must be from 0 to ${size - 1} at zoom ${z}, given ${value}`)
  }
  return { z, x, y }
}

/** `z/x/y`, for cache keys and messages. */
export function tilePath({ z, x, y }: TileCoord): string {
  return `${z}/${x}/${y}`
}
