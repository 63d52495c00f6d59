import { sql, type RawBuilder } from 'kysely'

export type Bbox = readonly [number, number, number, number]

/**
 * Index-friendly bbox filter on a 4326 geometry column.
 * `geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`
 */
export function bboxFilter(column: RawBuilder<unknown>, bbox: Bbox): RawBuilder<boolean> {
  return sql<boolean>`${column} && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)`
}

/**
 * GeoJSON geometry as json, 7 decimals (≈1 cm).
 * `ST_AsGeoJSON(geom, 7)::json`
 */
export function asGeoJson(column: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`ST_AsGeoJSON(${column}, 7)::json`
}
