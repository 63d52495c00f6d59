import { sql, type RawBuilder } from 'kysely'
import { TILE_BUFFER, TILE_EXTENT, type TileCoord } from './tile-coord.ts'
import type { TileField, TileSource } from './tile-sources.ts'

/** Clusters are cells of this many tile units a side (32 cells across a tile). */
const CLUSTER_CELL = 128

const col = (name: string) => sql.ref(`t.${name}`)

/**
 * The tile in EPSG:3857, optionally grown by the MVT buffer.
 * `ST_TileEnvelope($z, $x, $y, margin => $m)`
 */
export function tileEnvelope({ z, x, y }: TileCoord, buffered = false): RawBuilder<unknown> {
  return buffered ? sql`ST_TileEnvelope(${z}, ${x}, ${y}, margin => ${TILE_BUFFER / TILE_EXTENT}::float8)` : sql`ST_TileEnvelope(${z}, ${x}, ${y})`
}

/**
 * The index-friendly filter of a 4326 geometry column by the tile (no buffer).
 * `geom && ST_Transform(ST_TileEnvelope($z, $x, $y), 4326)`
 */
export function tileFilter(column: RawBuilder<unknown>, c: TileCoord): RawBuilder<boolean> {
  return sql<boolean>`${column} && ST_Transform(${tileEnvelope(c)}, 4326)`
}

/**
 * A property as the tile holds it, the same on both encoders: timestamps and dates as ISO text
 * (`to_json(ts) #>> '{}'`, as the GeoJSON API writes them), json and arrays as JSON text, numbers
 * as float8 (a real through numeric, so 3.2 stays 3.2 and not 3.2000000476837), integers as int8.
 */
function tileValue(field: TileField): RawBuilder<unknown> {
  const c = col(field.name)
  switch (field.type) {
    case 'string':
      return sql`${c}::text`
    case 'integer':
      return sql`${c}::int8`
    case 'number':
      return sql`${c}::numeric::float8`
    case 'boolean':
      return sql`${c}::boolean`
    case 'datetime':
    case 'date':
      return sql`to_json(${c}) #>> '{}'`
    case 'json':
      return sql`to_json(${c})::text`
    default:
      return field.type satisfies never
  }
}

/**
 * The rows of one MVT layer: `id`, one column per field, and `geom` in EPSG:4326, filtered by
 * the tile. The one generator for every layer (identifiers only from the catalog). Features:
 *
 *     SELECT t.id, t.code::text AS code, …, t.geom FROM hazards AS t
 *     WHERE t.geom && ST_Transform(ST_TileEnvelope($z, $x, $y), 4326)
 *
 * Clusters group points by a square cell of the tile in EPSG:3857 (plain arithmetic, no GEOS) and
 * place each at its members' mean position, with `count` and the smallest member id:
 *
 *     SELECT min(s.id) AS id, count(*) AS count, ST_Transform(ST_SetSRID(ST_MakePoint(avg(s.px), avg(s.py)), 3857), 4326) AS geom
 *     FROM (SELECT t.id, ST_X(p.g) AS px, ST_Y(p.g) AS py FROM incidents AS t, LATERAL (SELECT ST_Transform(t.geom, 3857) AS g) p
 *           WHERE <filter>) s, (<x0, y0 and cell size from ST_TileEnvelope($z, $x, $y)>) e
 *     GROUP BY floor((s.px - e.x0) / e.cell), floor((s.py - e.y0) / e.cell)
 *
 * Labels: `ST_PointOnSurface` of each admin area, kept when the point is in the tile.
 */
export function sourceRows(source: TileSource, c: TileCoord): RawBuilder<unknown> {
  const table = sql`${sql.table(source.layer.table)} AS t`
  const where = [tileFilter(col('geom'), c)]
  if (source.levels) where.push(sql<boolean>`t.level IN (${sql.join(source.levels.length ? source.levels : [''])})`)
  if (source.scope) where.push(source.scope)
  const filter = sql.join(where, sql` AND `)
  switch (source.kind) {
    case 'features':
      return sql`SELECT t.id, ${sql.join(source.fields.map((f) => sql`${tileValue(f)} AS ${sql.ref(f.name)}`))}, t.geom FROM ${table} WHERE ${filter}`
    case 'clusters':
      return sql`
        SELECT min(s.id) AS id, count(*)::int8 AS count, ST_Transform(ST_SetSRID(ST_MakePoint(avg(s.px), avg(s.py)), 3857), 4326) AS geom
        FROM (
          SELECT t.id, ST_X(p.g) AS px, ST_Y(p.g) AS py
          FROM ${table} CROSS JOIN LATERAL (SELECT ST_Transform(t.geom, 3857) AS g) p
          WHERE ${filter}
        ) s CROSS JOIN (
          SELECT ST_XMin(env) AS x0, ST_YMin(env) AS y0, (ST_XMax(env) - ST_XMin(env)) * ${CLUSTER_CELL / TILE_EXTENT}::float8 AS cell
          FROM (SELECT ${tileEnvelope(c)} AS env) e0
        ) e
        GROUP BY floor((s.px - e.x0) / e.cell), floor((s.py - e.y0) / e.cell)`
    case 'labels':
      return sql`
        SELECT t.id, ${sql.join(source.fields.map((f) => sql`${tileValue(f)} AS ${sql.ref(f.name)}`))}, p.geom
        FROM ${table}, LATERAL (SELECT ST_PointOnSurface(t.geom) AS geom) p
        WHERE ${filter} AND ${tileFilter(sql`p.geom`, c)}`
    default:
      return source.kind satisfies never
  }
}

const fieldRefs = (source: TileSource, alias: string) => source.fields.map((f) => sql.ref(`${alias}.${f.name}`))

/**
 * One MVT layer encoded by PostGIS, and how many features it holds (an empty layer is 0 bytes):
 *
 *     SELECT coalesce(ST_AsMVT(m, $name, 4096, 'geom', 'id'), '') AS mvt, count(*) AS n FROM (
 *       SELECT r.id, r.<fields>, ST_AsMVTGeom(ST_Transform(r.geom, 3857), ST_TileEnvelope($z, $x, $y), 4096, 64, true) AS geom
 *       FROM (<sourceRows>) r ORDER BY r.id) m
 *     WHERE m.geom IS NOT NULL
 */
export function mvtLayerQuery(source: TileSource, c: TileCoord): RawBuilder<{ mvt: Uint8Array; n: number }> {
  return sql<{ mvt: Uint8Array; n: number }>`
    SELECT coalesce(ST_AsMVT(m, ${source.name}::text, ${TILE_EXTENT}::int4, 'geom', 'id'), ''::bytea) AS mvt, count(*)::int AS n
    FROM (
      SELECT r.id, ${sql.join([...fieldRefs(source, 'r'), sql`ST_AsMVTGeom(ST_Transform(r.geom, 3857), ${tileEnvelope(c)}::box2d, ${TILE_EXTENT}::int4, ${TILE_BUFFER}::int4, true) AS geom`])}
      FROM (${sourceRows(source, c)}) r
      ORDER BY r.id
    ) m
    WHERE m.geom IS NOT NULL`
}

/**
 * One MVT layer's rows as a JSON array `[{id, <fields>, geom}]`, geom as GeoJSON (EPSG:4326, 9
 * decimals) already clipped to the buffered tile so large polygons do not travel whole; `n`
 * counts them. Whole rows go through `json_agg(m)`: on PGlite that measured 1.2–1.5× faster than
 * a `json_build_object` per feature.
 *
 *     SELECT count(*) AS n, coalesce(json_agg(m ORDER BY m.id), '[]')::text AS features
 *     FROM (SELECT r.id, r.<fields>, ST_AsGeoJSON(k.geom, 9)::json AS geom
 *           FROM (<sourceRows>) r, LATERAL (SELECT ST_ClipByBox2D(r.geom, ST_Transform(<buffered envelope>, 4326)) AS geom) k
 *           WHERE NOT ST_IsEmpty(k.geom)) m
 *
 * Points are not clipped (the filter keeps only those inside the tile).
 */
export function geoJsonLayerQuery(source: TileSource, c: TileCoord): RawBuilder<{ features: string; n: number }> {
  const clipped = source.layer.geometry === 'Point' || source.kind !== 'features' ? sql`r.geom` : sql`ST_ClipByBox2D(r.geom, ST_Transform(${tileEnvelope(c, true)}, 4326))`
  return sql<{ features: string; n: number }>`
    SELECT count(*)::int AS n, coalesce(json_agg(m ORDER BY m.id), '[]'::json)::text AS features
    FROM (
      SELECT r.id, ${sql.join([...fieldRefs(source, 'r'), sql`ST_AsGeoJSON(k.geom, 9)::json AS geom`])}
      FROM (${sourceRows(source, c)}) r CROSS JOIN LATERAL (SELECT ${clipped} AS geom) k
      WHERE NOT ST_IsEmpty(k.geom)
    ) m`
}

/**
 * Several one-row layer queries as one statement returning one row: `l0_<col>, l1_<col>, …`.
 * One round trip per tile, and a zero-row answer (PGlite can swallow a GEOS error that way)
 * is detectable.
 */
export function oneRow(queries: RawBuilder<unknown>[], columns: readonly string[]): RawBuilder<Record<string, unknown>> {
  const selects = queries.flatMap((_, i) => columns.map((name) => sql`${sql.ref(`l${i}.${name}`)} AS ${sql.ref(`l${i}_${name}`)}`))
  const froms = queries.map((q, i) => sql`(${q}) AS ${sql.ref(`l${i}`)}`)
  return sql<Record<string, unknown>>`SELECT ${sql.join(selects)} FROM ${sql.join(froms, sql`, `)}`
}
