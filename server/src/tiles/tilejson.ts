import { sql, type Kysely, type RawBuilder } from 'kysely'
import { intArray } from '../auth/layer-access.ts'
import { findLayer, type PropertyType } from '../../../data/catalog/layers.ts'
import type { TileField, Tileset } from './tile-sources.ts'

/** The subset of TileJSON 3.0.0 this server writes. */
export interface TileJson {
  tilejson: '3.0.0'
  name: string
  description: string
  scheme: 'xyz'
  tiles: string[]
  minzoom: number
  maxzoom: number
  bounds: [number, number, number, number]
  center: [number, number, number]
  vector_layers: Array<{ id: string; fields: Record<string, string>; minzoom: number; maxzoom: number; description?: string }>
}

const FIELD_TYPE: Record<PropertyType, 'String' | 'Number' | 'Boolean'> = {
  string: 'String',
  integer: 'Number',
  number: 'Number',
  boolean: 'Boolean',
  datetime: 'String',
  date: 'String',
  json: 'String',
}

const fieldTypes = (fields: readonly TileField[]) => Object.fromEntries(fields.map((f) => [f.name, FIELD_TYPE[f.type]]))

/** Web Mercator stops at ±85.0511°. */
const WORLD: [number, number, number, number] = [-180, -85.0511, 180, 85.0511]

/** The rows of a tileset's layer a caller may see (request-scope.ts), for the bounds. */
export interface BoundsScope {
  /** The read scope as a condition on the layer's table aliased `t`. */
  where: RawBuilder<boolean>
  /** An officer's grid cells: the bounds when none of their rows exist yet. */
  gridIds?: readonly number[]
}

/**
 * The extent of the rows of the tileset's tables the caller may see (`scope`; all rows for the
 * public basemap), or — when there are none — of the officer's own grid cells, or of the city
 * (the world when that is empty too):
 * `SELECT coalesce((SELECT ST_Extent(geom) FROM (SELECT t.geom FROM … t WHERE <scope> UNION ALL …) g), …, (SELECT ST_Extent(geom) FROM admin_areas WHERE level = 'city'))`
 * Bounds are data: an officer must not learn from them where the city's other hazards lie.
 */
export async function tilesetBounds(db: Kysely<any>, tileset: Tileset, scope?: BoundsScope): Promise<[number, number, number, number]> {
  const tables = tileset.dependsOn.map((id) => findLayer(id)!.table)
  const union = sql.join(
    tables.map((table) => sql`SELECT t.geom FROM ${sql.table(table)} AS t WHERE ${scope ? scope.where : sql`true`}`),
    sql` UNION ALL `,
  )
  const city = findLayer('admin-areas')!.table
  const cells = scope?.gridIds?.length ? sql`(SELECT ST_Extent(geom) FROM grid_cells WHERE id = ANY(${intArray(scope.gridIds)}))` : sql`NULL::box2d`
  const r = await sql<{ xmin: number | null; ymin: number | null; xmax: number | null; ymax: number | null }>`
    SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
    FROM (SELECT coalesce((SELECT ST_Extent(g.geom) FROM (${union}) g), ${cells}, (SELECT ST_Extent(geom) FROM ${sql.table(city)} WHERE level = 'city'))::box3d AS e) s`.execute(db)
  const row = r.rows[0]
  if (!row || row.xmin === null || row.ymin === null || row.xmax === null || row.ymax === null) return WORLD
  const round = (v: number) => Math.round(v * 1e6) / 1e6
  return [round(Math.max(row.xmin, -180)), round(Math.max(row.ymin, WORLD[1])), round(Math.min(row.xmax, 180)), round(Math.min(row.ymax, WORLD[3]))]
}

/** TileJSON for a tileset; `origin` is scheme://host of the request, so the tile URL is absolute. */
export function tileJson(tileset: Tileset, origin: string, bounds: [number, number, number, number]): TileJson {
  const zoom = Math.min(tileset.maxzoom, Math.max(tileset.minzoom, 10))
  return {
    tilejson: '3.0.0',
    name: tileset.title.zh,
    description: tileset.title.en,
    scheme: 'xyz',
    tiles: [`${origin}/tiles/${encodeURIComponent(tileset.id)}/{z}/{x}/{y}.mvt`],
    minzoom: tileset.minzoom,
    maxzoom: tileset.maxzoom,
    bounds,
    center: [Math.round(((bounds[0] + bounds[2]) / 2) * 1e6) / 1e6, Math.round(((bounds[1] + bounds[3]) / 2) * 1e6) / 1e6, zoom],
    vector_layers: tileset.vectorLayers.map((l) => ({
      id: l.id,
      fields: fieldTypes(l.fields),
      minzoom: l.minzoom,
      maxzoom: l.maxzoom,
      ...(l.description ? { description: l.description } : {}),
    })),
  }
}
