import { sql, type Kysely } from 'kysely'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { asGeoJson, bboxFilter } from '../sql/geo.ts'
import type { FeatureQuery } from './query-schema.ts'

/**
 * A FeatureCollection built in SQL, so rows never round-trip through JS objects:
 * `SELECT json_build_object('type','FeatureCollection','features', json_agg(...)) FROM (… LIMIT n)`
 */
export async function readFeatures(db: Kysely<any>, layer: LayerDef, query: FeatureQuery): Promise<string> {
  const t = sql.table(layer.table)
  const col = (name: string) => sql.ref(`t.${name}`)
  const where = [sql`true`]
  if (query.bbox) where.push(bboxFilter(col('geom'), query.bbox))
  if (query.after !== undefined) where.push(sql`${col('id')} > ${query.after}`)
  if (query.q && layer.nameColumn) where.push(sql`${col(layer.nameColumn)} ILIKE ${'%' + query.q.replace(/[\\%_]/g, (c) => '\\' + c) + '%'}`)
  for (const [name, value] of query.equals) where.push(sql`${col(name)}::text = ${value}`)
  const props = sql.join(layer.properties.map((p) => sql`${p.name}::text, ${col(p.name)}`))
  const r = await sql<{ fc: string }>`
    SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(f ORDER BY f_id), '[]'::json))::text AS fc
    FROM (
      SELECT t.id AS f_id, json_build_object('type', 'Feature', 'id', t.id, 'geometry', ${asGeoJson(col('geom'))},
             'properties', json_build_object(${props})) AS f
      FROM ${t} AS t
      WHERE ${sql.join(where, sql` AND `)}
      ORDER BY t.id
      LIMIT ${query.limit}
    ) x`.execute(db)
  return r.rows[0]?.fc ?? '{"type":"FeatureCollection","features":[]}'
}
