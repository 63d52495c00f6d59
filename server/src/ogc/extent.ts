import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { errorMessage } from '../logger.ts'

export interface LayerExtent {
  /** [minLon, minLat, maxLon, maxLat] in CRS84, or null for an empty table. */
  bbox: [number, number, number, number] | null
  /** [first, last] of the layer's time column as RFC 3339 UTC, or null (no time or no values). */
  interval: [string, string] | null
}

interface ExtentRow {
  id: string
  xmin: number | null
  ymin: number | null
  xmax: number | null
  ymax: number | null
  t_min: string | null
  t_max: string | null
}

/**
 * The time as RFC 3339 UTC text, formatted by the database so both drivers (which parse
 * timestamptz differently) and microseconds survive.
 * `to_char(x::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
 */
const isoUtc = (x: ReturnType<typeof sql>) => sql`to_char(${x}::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

/**
 * Spatial (ST_Extent) and temporal (min/max of the time column) extent of each layer, one
 * statement for all of them:
 * `SELECT id, ST_XMin(e)… FROM (SELECT 'schools' AS id, ST_Extent(geom) AS e, … FROM schools) x UNION ALL …`
 */
export async function readExtents(db: Kysely<any>, layers: readonly LayerDef[], scopeOf: (l: LayerDef) => RawBuilder<boolean> = () => sql`true`): Promise<Map<string, LayerExtent>> {
  const parts = layers.map((l) => {
    const time = l.timeColumn ? sql.ref(l.timeColumn) : null
    return sql`SELECT id, ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax, t_min, t_max
      FROM (SELECT ${l.id}::text AS id, ST_Extent(geom) AS e,
                   ${time ? isoUtc(sql`min(${time})`) : sql`NULL::text`} AS t_min,
                   ${time ? isoUtc(sql`max(${time})`) : sql`NULL::text`} AS t_max
            FROM ${sql.table(l.table)} AS t WHERE ${scopeOf(l)}) x`
  })
  let rows: ExtentRow[]
  try {
    rows = (await sql<ExtentRow>`${sql.join(parts, sql` UNION ALL `)}`.execute(db)).rows
  } catch (err) {
    throw new Error(`reading the extent of ${layers.map((l) => l.id).join(', ')}: ${errorMessage(err)}`, { cause: err })
  }
  const byId = new Map(rows.map((r) => [r.id, r]))
  return new Map(
    layers.map((l) => {
      const r = byId.get(l.id)
      // An aggregate always gives one row; a missing one is a swallowed database error (README).
      if (!r) throw new Error(`reading the extent of ${l.id}: the database returned no row`)
      const bbox = r.xmin === null || r.ymin === null || r.xmax === null || r.ymax === null ? null : ([r.xmin, r.ymin, r.xmax, r.ymax] as [number, number, number, number])
      return [l.id, { bbox, interval: r.t_min && r.t_max ? [r.t_min, r.t_max] : null }]
    }),
  )
}
