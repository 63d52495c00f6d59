import { sql, type Kysely } from 'kysely'

export interface CoverageParams {
  /** Buffer around the routes, metres. */
  buffer: number
  /** Route kinds that count; all when empty. */
  kinds: string[]
  /** Only patrols that ended at or after this time count for "last patrol". */
  since?: string
  /** Grid cell ids; all when empty. */
  grid: number[]
}

export interface CoverageRow {
  id: number
  code: string
  name: string
  station_id: number
  officer_id: number | null
  area_m2: number
  covered_m2: number
  covered_share: number
  households_total: number
  household_units_total: number
  household_units_covered: number
  households_in_units_total: number
  households_in_units_covered: number
  hazards_open_total: number
  hazards_open_covered: number
  schools_total: number
  schools_covered: number
  last_patrol_at: string | null
  hours_since_patrol: number | null
  cell: string
  uncovered: string | null
}

/**
 * Coverage of grid cells by the patrol routes' buffers, all metric work in EPSG:32651:
 * area covered, ten-household units / open hazards / schools within the buffer, and the last
 * completed patrol whose track passes through the cell. Candidate routes and points are found
 * with the 4326 GiST indexes (`&&` on a box widened by the buffer) before the exact metric test.
 * Areas use the routes' buffer polygons; points use the exact distance to the route line.
 */
export async function coverageByCell(db: Kysely<any>, p: CoverageParams): Promise<CoverageRow[]> {
  // Degrees that surely exceed `buffer` metres at Liaoyuan's latitude (1° lon ≈ 81 km there).
  const pad = p.buffer / 60000
  const kindFilter = p.kinds.length ? sql`r.kind IN (${sql.join(p.kinds)})` : sql`true`
  const gridFilter = p.grid.length ? sql`g.id IN (${sql.join(p.grid)})` : sql`true`
  // Joins are driven from the routes (≈100) into the GiST-indexed tables, not point by point.
  const r = await sql<CoverageRow>`
    WITH routes AS MATERIALIZED (
      SELECT r.id, r.geom, ST_Transform(r.geom, 32651) AS geom_m, ST_Buffer(ST_Transform(r.geom, 32651), ${p.buffer}, 8) AS buf_m
      FROM patrol_routes r WHERE ${kindFilter}
    ),
    cells AS MATERIALIZED (
      SELECT g.id, g.code, g.name, g.station_id, g.officer_id, g.households, g.geom, ST_Transform(g.geom, 32651) AS geom_m
      FROM grid_cells g WHERE ${gridFilter}
    ),
    cover AS (
      SELECT g.id, ST_Union(rt.buf_m) AS buf_m
      FROM routes rt JOIN grid_cells g ON g.geom && ST_Expand(rt.geom, ${pad}) AND ${gridFilter}
      WHERE ST_Intersects(rt.buf_m, ST_Transform(g.geom, 32651))
      GROUP BY g.id
    ),
    -- One overlay per cell: the part outside the buffers; the covered area is the rest of the cell.
    -- MATERIALIZED: each output is read more than once below, and an inlined CTE would repeat the overlay.
    diff AS MATERIALIZED (
      SELECT c.id, c.geom, ST_Area(c.geom_m) AS area_m2, cv.buf_m IS NOT NULL AS touched,
             CASE WHEN cv.buf_m IS NULL THEN c.geom_m ELSE ST_Difference(c.geom_m, cv.buf_m) END AS rest_m
      FROM cells c LEFT JOIN cover cv ON cv.id = c.id
    ),
    pieces AS MATERIALIZED (
      SELECT id, area_m2, CASE WHEN touched THEN greatest(0, area_m2 - ST_Area(rest_m)) ELSE 0 END AS covered_m2,
             CASE WHEN touched THEN ST_Transform(rest_m, 4326) ELSE geom END AS uncovered
      FROM diff
    ),
    near_units AS (
      SELECT DISTINCT h.id FROM routes rt JOIN household_units h ON h.geom && ST_Expand(rt.geom, ${pad})
      WHERE ST_DWithin(rt.geom_m, ST_Transform(h.geom, 32651), ${p.buffer})
    ),
    near_hazards AS (
      SELECT DISTINCT z.id FROM routes rt JOIN hazards z ON z.geom && ST_Expand(rt.geom, ${pad})
      WHERE z.status IN ('reported', 'verified', 'rectifying') AND ST_DWithin(rt.geom_m, ST_Transform(z.geom, 32651), ${p.buffer})
    ),
    near_schools AS (
      SELECT DISTINCT s.id FROM routes rt JOIN schools s ON s.geom && ST_Expand(rt.geom, ${pad})
      WHERE ST_DWithin(rt.geom_m, ST_Transform(s.geom, 32651), ${p.buffer})
    ),
    hu AS (
      SELECT h.grid_id, count(*)::int AS total, count(n.id)::int AS covered,
             sum(h.households)::int AS hh_total, coalesce(sum(h.households) FILTER (WHERE n.id IS NOT NULL), 0)::int AS hh_covered
      FROM household_units h LEFT JOIN near_units n ON n.id = h.id GROUP BY h.grid_id
    ),
    hz AS (
      SELECT z.grid_id, count(*)::int AS total, count(n.id)::int AS covered
      FROM hazards z LEFT JOIN near_hazards n ON n.id = z.id WHERE z.status IN ('reported', 'verified', 'rectifying') GROUP BY z.grid_id
    ),
    sc AS (
      SELECT s.grid_id, count(*)::int AS total, count(n.id)::int AS covered FROM schools s LEFT JOIN near_schools n ON n.id = s.id GROUP BY s.grid_id
    )
    SELECT c.id, c.code, c.name, c.station_id, c.officer_id,
           pc.area_m2::float8 AS area_m2, pc.covered_m2::float8 AS covered_m2,
           (CASE WHEN pc.area_m2 > 0 THEN least(1, pc.covered_m2 / pc.area_m2) ELSE 0 END)::float8 AS covered_share,
           c.households AS households_total,
           coalesce(hu.total, 0) AS household_units_total, coalesce(hu.covered, 0) AS household_units_covered,
           coalesce(hu.hh_total, 0) AS households_in_units_total, coalesce(hu.hh_covered, 0) AS households_in_units_covered,
           coalesce(hz.total, 0) AS hazards_open_total, coalesce(hz.covered, 0) AS hazards_open_covered,
           coalesce(sc.total, 0) AS schools_total, coalesce(sc.covered, 0) AS schools_covered,
           lp.at AS last_patrol_at,
           (extract(epoch FROM now() - lp.at) / 3600)::float8 AS hours_since_patrol,
           ST_AsGeoJSON(c.geom, 7) AS cell,
           CASE WHEN ST_IsEmpty(pc.uncovered) THEN NULL ELSE ST_AsGeoJSON(pc.uncovered, 7) END AS uncovered
    FROM cells c
    JOIN pieces pc ON pc.id = c.id
    LEFT JOIN hu ON hu.grid_id = c.id
    LEFT JOIN hz ON hz.grid_id = c.id
    LEFT JOIN sc ON sc.grid_id = c.id
    CROSS JOIN LATERAL (
      SELECT max(pt.ended_at) AS at FROM patrols pt
      WHERE pt.ended_at IS NOT NULL ${p.since ? sql`AND pt.ended_at >= ${p.since}::timestamptz` : sql``}
        AND pt.geom && c.geom AND ST_Intersects(c.geom, pt.geom)
    ) lp
    ORDER BY c.id`.execute(db)
  return r.rows
}
