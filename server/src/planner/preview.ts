import type { LineString, Polygon } from 'geojson'
import { sql, type Kysely } from 'kysely'
import { ApiError } from '../http/errors.ts'
import type { PreviewOverlap, WorkloadPreview as WorkloadPreviewAnswer } from '../contract/planner.ts'

export interface PreviewInput {
  /** The zone as drawn (not yet saved, or an edit of a saved one). */
  geometry: Polygon
  /** Routes drawn with it and not saved yet. */
  routes: LineString[]
  /** Saved routes left out (their edited form comes in `routes`). */
  excludeRoutes: number[]
  /** The saved zone this drawing edits: left out of the overlap check. */
  zoneId?: number
  /** Overlaps are reported with the zones of this station or this team (all zones when neither). */
  stationId?: number
  team?: string
  from?: string
  to?: string
  /** Coverage buffer around the routes, metres. */
  buffer: number
}

/** The answer without its echoed parameters (server/src/contract/planner.ts). */
export type WorkloadPreview = Omit<WorkloadPreviewAnswer, 'parameters'>

/** Segments per piece of a drawn route (see linePieces). */
export const PIECE_SEGMENTS = 32

/**
 * A drawn route cut into consecutive pieces of at most PIECE_SEGMENTS segments (each piece starts
 * where the previous one ends); a route that short is returned whole.
 *
 * Why: GEOS buffers a line in one pass whose cost grows with the square of the vertices whose
 * round joins overlap. A zig-zag of hairpin turns (every vertex a reversal, a few metres apart)
 * makes that explode: 500 such vertices took 5.5 s on PGlite and 10,000 took 26 s and exhausted
 * its memory (the embedded database then answered nothing). The union of the buffers of the
 * pieces (the query's `ST_Union`, a cascaded union) costs about linear time instead (~6 s for a
 * 10,000-vertex zig-zag, far less for any real route).
 *
 * This is where the answer allows a change of geometry: the route length inside the zone is the
 * sum over the pieces, exactly; the buffer of a line is the union of its pieces' buffers, so the
 * covered area differs only in how the round arc at each joint is cut into straight segments
 * (`quad_segs` 8: within 0.5 % of the buffer distance of the exact arc, at one joint per 32
 * segments). Everything else the preview answers (counts, area, overlaps) uses the zone as
 * drawn, unsimplified: counts of what a polygon covers have no tolerance.
 */
export function linePieces(line: LineString): LineString[] {
  const c = line.coordinates
  if (c.length <= PIECE_SEGMENTS + 1) return [line]
  const pieces: LineString[] = []
  for (let i = 0; i < c.length - 1; i += PIECE_SEGMENTS) pieces.push({ type: 'LineString', coordinates: c.slice(i, Math.min(i + PIECE_SEGMENTS + 1, c.length)) })
  return pieces
}

/**
 * The workload of a zone as drawn, before it is saved, with the same definitions as
 * `GET /api/analysis/workload` (workload.ts): households of the grid cells whose representative
 * point lies in the zone; household units, open hazards, disputes reported in the period,
 * schools and guard posts inside it. Metric measures in EPSG:32651: area, the length of the
 * routes inside the zone, and the area within `buffer` m of them (coverage).
 */
export async function workloadPreview(db: Kysely<any>, p: PreviewInput): Promise<WorkloadPreview> {
  const zone = sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(p.geometry)}), 4326)`
  const drawn = p.routes.flatMap((r) => linePieces(r))
  const excluded = JSON.stringify(p.excludeRoutes)
  const r = await sql<Omit<WorkloadPreview, 'overlaps'>>`
    WITH z AS (SELECT ${zone} AS geom),
    zm AS (SELECT ST_Transform(geom, 32651) AS geom FROM z),
    saved AS (
      SELECT r.id, ST_Transform(r.geom, 32651) AS geom FROM patrol_routes r, z
      WHERE r.geom && z.geom AND ST_Intersects(r.geom, z.geom)
        AND r.id NOT IN (SELECT (jsonb_array_elements_text(${excluded}::jsonb))::int)),
    drawn AS (
      SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(e.value::text), 4326), 32651) AS geom
      FROM jsonb_array_elements(${JSON.stringify(drawn)}::jsonb) AS e(value)),
    routes AS (SELECT geom FROM saved UNION ALL SELECT geom FROM drawn),
    covered AS (SELECT ST_Intersection((SELECT geom FROM zm), ST_Union(ST_Buffer(geom, ${p.buffer}))) AS geom FROM routes)
    SELECT
      (SELECT coalesce(sum(g.households), 0)::int FROM grid_cells g, z WHERE g.geom && z.geom AND ST_Covers(z.geom, ST_PointOnSurface(g.geom))) AS households,
      (SELECT count(*)::int FROM household_units h, z WHERE h.geom && z.geom AND ST_Covers(z.geom, h.geom)) AS household_units,
      (SELECT count(*)::int FROM hazards h, z WHERE h.geom && z.geom AND ST_Covers(z.geom, h.geom) AND h.status IN ('reported', 'verified', 'rectifying')) AS hazards_open,
      (SELECT count(*)::int FROM disputes d, z WHERE d.geom && z.geom AND ST_Covers(z.geom, d.geom)
         ${p.from ? sql`AND d.reported_at >= ${p.from}::timestamptz` : sql``} ${p.to ? sql`AND d.reported_at <= ${p.to}::timestamptz` : sql``}) AS disputes,
      (SELECT count(*)::int FROM schools s, z WHERE s.geom && z.geom AND ST_Covers(z.geom, s.geom)) AS schools,
      (SELECT count(*)::int FROM guard_posts gp, z WHERE gp.geom && z.geom AND ST_Covers(z.geom, gp.geom)) AS guard_posts,
      (SELECT ST_Area(geom) FROM zm)::float8 AS area_m2,
      (SELECT coalesce(sum(ST_Length(ST_Intersection(routes.geom, zm.geom))), 0) FROM routes, zm)::float8 AS route_m,
      coalesce((SELECT ST_Area(geom) FROM covered), 0)::float8 AS covered_m2,
      (SELECT coalesce(json_agg(id ORDER BY id), '[]'::json) FROM saved) AS route_ids`.execute(db)
  const row = r.rows[0]
  // A one-row SELECT with no row: PGlite's GEOS gave up on the geometry without raising an error
  // (seen with routes of hairpin turns a few centimetres apart). Say so instead of failing later.
  if (!row) throw new ApiError(422, 'geometry_failed', 'the database could not compute this zone with these routes (their geometry defeats the buffer); simplify the routes')
  const overlaps = await sql<PreviewOverlap>`
    WITH z AS (SELECT ${zone} AS geom)
    SELECT o.id, o.name, o.team, o.station_id, ST_Area(ST_Transform(x.geom, 32651))::float8 AS area_m2, ST_AsGeoJSON(x.geom, 7)::json AS geometry
    FROM patrol_zones o, z, LATERAL (SELECT ST_CollectionExtract(ST_Intersection(o.geom, z.geom), 3) AS geom) x
    WHERE o.geom && z.geom AND ST_Intersects(o.geom, z.geom)
      ${p.zoneId ? sql`AND o.id <> ${p.zoneId}` : sql``}
      ${p.stationId !== undefined || p.team !== undefined ? sql`AND (${p.stationId !== undefined ? sql`o.station_id = ${p.stationId}` : sql`false`} OR ${p.team !== undefined ? sql`o.team = ${p.team}` : sql`false`})` : sql``}
      AND NOT ST_IsEmpty(x.geom) AND ST_Area(ST_Transform(x.geom, 32651)) > 1
    ORDER BY o.id`.execute(db)
  const area = Number(row.area_m2)
  const covered = Number(row.covered_m2)
  return {
    ...row,
    area_m2: area,
    route_m: Number(row.route_m),
    covered_m2: covered,
    covered_share: area > 0 ? covered / area : 0,
    overlaps: overlaps.rows.map((o) => ({ ...o, area_m2: Number(o.area_m2) })),
  }
}
