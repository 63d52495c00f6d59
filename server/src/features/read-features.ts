import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { asGeoJson, bboxFilter } from '../sql/geo.ts'
import type { FeatureQuery } from './query-schema.ts'

const col = (name: string) => sql.ref(`t.${name}`)

/** The WHERE clause of a feature query (shared by lists, counts, exports and OGC items). */
export function featureWhere(layer: LayerDef, query: Omit<FeatureQuery, 'limit'>): RawBuilder<boolean> {
  const where: RawBuilder<unknown>[] = [query.scope ?? sql`true`]
  if (query.bbox) where.push(bboxFilter(col('geom'), query.bbox))
  if (query.datetime && layer.timeColumn) {
    if (query.datetime.from) where.push(sql`${col(layer.timeColumn)} >= ${query.datetime.from}::timestamptz`)
    if (query.datetime.to) where.push(sql`${col(layer.timeColumn)} <= ${query.datetime.to}::timestamptz`)
  }
  if (query.after !== undefined) where.push(sql`${col('id')} > ${query.after}`)
  if (query.q && layer.nameColumn) where.push(sql`${col(layer.nameColumn)} ILIKE ${'%' + query.q.replace(/[\\%_]/g, (c) => '\\' + c) + '%'}`)
  for (const [name, value] of query.equals) where.push(sql`${col(name)}::text = ${value}`)
  return sql<boolean>`${sql.join(where, sql` AND `)}`
}

/**
 * One feature as json, built by the database:
 * `json_build_object('type','Feature','id',t.id,'geometry',ST_AsGeoJSON(t.geom,7)::json,'properties',json_build_object(...))`
 */
export function featureJson(layer: LayerDef): RawBuilder<unknown> {
  const props = sql.join(layer.properties.map((p) => sql`${p.name}::text, ${col(p.name)}`))
  return sql`json_build_object('type', 'Feature', 'id', t.id, 'geometry', ${asGeoJson(col('geom'))}, 'properties', json_build_object(${props}))`
}

function orderBy(query: FeatureQuery): RawBuilder<unknown> {
  if (!query.sort) return sql`t.id`
  return sql`${col(query.sort.column)} ${query.sort.descending ? sql`DESC` : sql`ASC`} NULLS LAST, t.id`
}

export interface FeaturePage {
  /** JSON text of the features array, in order. */
  featuresJson: string
  numberReturned: number
  /** The last feature's id (keyset paging), or null for an empty page. */
  lastId: number | null
  /** Whether rows remain after this page. */
  more: boolean
}

/**
 * A page of features: each feature's JSON made by the database, the rows in the query's order
 * (one past the page tells whether there is a next), joined here into the array's text. No
 * `json_agg` over a window: that sorted every feature's JSON twice to keep the order.
 */
export async function readFeaturePage(db: Kysely<any>, layer: LayerDef, query: FeatureQuery): Promise<FeaturePage> {
  const limit = query.limit
  const r = await sql<{ id: number; f: string }>`
    SELECT t.id, ${featureJson(layer)}::text AS f
    FROM ${sql.table(layer.table)} AS t
    WHERE ${featureWhere(layer, query)}
    ORDER BY ${orderBy(query)}
    ${limit === undefined ? sql`` : sql`LIMIT ${limit + 1}`}
    ${query.offset ? sql`OFFSET ${query.offset}` : sql``}`.execute(db)
  const more = limit !== undefined && r.rows.length > limit
  const rows = more ? r.rows.slice(0, limit) : r.rows
  return {
    featuresJson: `[${rows.map((row) => row.f).join(',')}]`,
    numberReturned: rows.length,
    lastId: rows.length ? rows.reduce((m, row) => Math.max(m, row.id), -Infinity) : null,
    more,
  }
}

/** How many features match (OGC numberMatched). */
export async function countFeatures(db: Kysely<any>, layer: LayerDef, query: Omit<FeatureQuery, 'limit'>): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(layer.table)} AS t WHERE ${featureWhere(layer, query)}`.execute(db)
  return r.rows[0]?.n ?? 0
}

/** One feature as GeoJSON text, or null when the id does not exist (or is outside `scope`). */
export async function readFeature(db: Kysely<any>, layer: LayerDef, id: number, scope: RawBuilder<boolean> = sql`true`): Promise<string | null> {
  const r = await sql<{ f: string }>`SELECT ${featureJson(layer)}::text AS f FROM ${sql.table(layer.table)} AS t WHERE t.id = ${id} AND ${scope}`.execute(db)
  return r.rows[0]?.f ?? null
}

/** Rows for CSV export: id, properties, and the geometry as WKT (plus lon/lat for points). */
export async function readFeatureRows(db: Kysely<any>, layer: LayerDef, query: FeatureQuery): Promise<Array<Record<string, unknown>>> {
  const props = layer.properties.map((p) => (p.type === 'json' ? sql`${col(p.name)}::text AS ${sql.ref(p.name)}` : sql`${col(p.name)}`))
  const point = layer.geometry === 'Point' ? sql`, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat` : sql``
  const r = await sql<Record<string, unknown>>`
    SELECT t.id, ${sql.join(props)}${point}, ST_AsText(t.geom) AS wkt
    FROM ${sql.table(layer.table)} AS t WHERE ${featureWhere(layer, query)}
    ORDER BY ${orderBy(query)}
    ${query.limit === undefined ? sql`` : sql`LIMIT ${query.limit}`}
    ${query.offset ? sql`OFFSET ${query.offset}` : sql``}`.execute(db)
  return r.rows
}
