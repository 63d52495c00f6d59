import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Station } from '../contract/stations.ts'

/**
 * What a station is, once for every list, table, filter and figure: a police unit that owns
 * grid cells or patrol zones. In the demo city that is the counties' 27 派出所 and the city
 * districts' 8 实战化分局 (the story's "27 + 8"); it follows the data, not the unit's `kind`, so a
 * unit that is given cells becomes a station without a code change.
 *
 * ```sql
 * (EXISTS (SELECT 1 FROM grid_cells g WHERE g.station_id = p.id)
 *  OR EXISTS (SELECT 1 FROM patrol_zones z WHERE z.station_id = p.id))
 * ```
 */
export function isStation(alias: string): RawBuilder<boolean> {
  const id = sql.ref(`${alias}.id`)
  return sql<boolean>`(EXISTS (SELECT 1 FROM grid_cells sg WHERE sg.station_id = ${id}) OR EXISTS (SELECT 1 FROM patrol_zones sz WHERE sz.station_id = ${id}))`
}

/** A station as the API shows it (server/src/contract/stations.ts). */
export type { Station } from '../contract/stations.ts'

/**
 * Every station with its superior unit, district, how many cells and zones it owns and their
 * extent; ordered by superior unit, then id (the city's branches, then each county's stations).
 * `at`: only the station owning the grid cell at that point (or, outside every cell, the nearest one).
 */
export async function listStations(db: Kysely<any>, at?: readonly [number, number]): Promise<Station[]> {
  const pt = at ? sql`ST_SetSRID(ST_MakePoint(${at[0]}, ${at[1]}), 4326)` : null
  // KNN on the index picks candidates; the exact distance (0 inside) and the lowest id decide.
  const owner = pt
    ? sql`AND p.id = (SELECT c.station_id FROM (SELECT id, station_id, geom FROM grid_cells ORDER BY geom <-> ${pt} LIMIT 8) c
                      ORDER BY ST_Distance(c.geom, ${pt}), c.id LIMIT 1)`
    : sql``
  const r = await sql<Station & { bbox: string | null }>`
    WITH owned AS (
      SELECT station_id, count(*)::int AS cells, 0 AS zones, ST_Extent(geom) AS ext FROM grid_cells GROUP BY station_id
      UNION ALL
      SELECT station_id, 0, count(*)::int, ST_Extent(geom) FROM patrol_zones GROUP BY station_id
    ),
    per AS (
      SELECT station_id, sum(cells)::int AS cells, sum(zones)::int AS zones, ST_Extent(ext::geometry) AS ext FROM owned GROUP BY station_id
    )
    SELECT p.id, p.code, p.name, p.kind, p.parent_id, par.name AS parent_name, d.code AS district_code, d.name AS district_name, p.phone,
           per.cells, per.zones, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat,
           json_build_array(ST_XMin(per.ext), ST_YMin(per.ext), ST_XMax(per.ext), ST_YMax(per.ext))::text AS bbox
    FROM police_units p
    JOIN per ON per.station_id = p.id
    LEFT JOIN police_units par ON par.id = p.parent_id
    LEFT JOIN admin_areas d ON d.level = 'district' AND d.code = left(p.area_code, 6)
    WHERE ${isStation('p')} ${owner}
    ORDER BY p.parent_id NULLS FIRST, p.id`.execute(db)
  return r.rows.map((s) => ({ ...s, bbox: s.bbox ? (JSON.parse(s.bbox) as Station['bbox']) : null }))
}

/** Whether a police unit is a station (the definition above); false for an unknown id. */
export async function stationExists(db: Kysely<any>, id: number): Promise<boolean> {
  const r = await sql`SELECT 1 FROM police_units p WHERE p.id = ${id} AND ${isStation('p')}`.execute(db)
  return r.rows.length > 0
}

/** Station names by id (for tables that carry station ids). */
export async function stationNames(db: Kysely<any>): Promise<Map<number, string>> {
  const r = await sql<{ id: number; name: string }>`SELECT p.id, p.name FROM police_units p WHERE ${isStation('p')}`.execute(db)
  return new Map(r.rows.map((s) => [s.id, s.name]))
}
