import type { LineString, Polygon } from 'geojson'
import { sql, type Kysely } from 'kysely'
import { ApiError } from '../http/errors.ts'

const geom = (g: Polygon | LineString) => sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(g)}), 4326)`

/**
 * A zone cut in two (or more) by a line drawn across it: `ST_Split`, parts largest first,
 * rings counter-clockwise. A line that does not cross the zone from edge to edge leaves it whole:
 * 422 `no_split`, nothing guessed.
 */
export async function splitZone(db: Kysely<any>, zone: Polygon, line: LineString): Promise<Polygon[]> {
  const r = await sql<{ geometry: Polygon }>`
    SELECT ST_AsGeoJSON(ST_ForcePolygonCCW(d.geom), 9)::json AS geometry
    FROM ST_Dump(ST_Split(${geom(zone)}, ${geom(line)})) AS d
    WHERE GeometryType(d.geom) = 'POLYGON'
    ORDER BY ST_Area(ST_Transform(d.geom, 32651)) DESC`.execute(db)
  if (r.rows.length < 2) throw new ApiError(422, 'no_split', 'the line does not cut the zone: draw it across the zone from one edge to the other')
  return r.rows.map((x) => x.geometry)
}

/**
 * Zones merged into one: `ST_UnaryUnion` of them. Zones that neither overlap nor share an edge
 * would make two pieces: 422 `not_adjacent` (snap the edges together first), never a silent
 * bridge.
 */
export async function mergeZones(db: Kysely<any>, zones: Polygon[]): Promise<Polygon> {
  const r = await sql<{ type: string; geometry: Polygon }>`
    WITH u AS (SELECT ST_UnaryUnion(ST_Collect(ST_SetSRID(ST_GeomFromGeoJSON(e.value::text), 4326))) AS geom
               FROM jsonb_array_elements(${JSON.stringify(zones)}::jsonb) AS e(value))
    SELECT GeometryType(geom) AS type, ST_AsGeoJSON(ST_ForcePolygonCCW(geom), 9)::json AS geometry FROM u`.execute(db)
  const row = r.rows[0]
  if (!row || row.type !== 'POLYGON') throw new ApiError(422, 'not_adjacent', 'the zones neither overlap nor share an edge: merging them would make two separate pieces')
  return row.geometry
}
