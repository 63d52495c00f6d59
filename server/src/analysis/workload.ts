import { sql, type Kysely } from 'kysely'

export interface WorkloadParams {
  station?: number
  from?: string
  to?: string
}

/**
 * Workload per patrol zone, so planners can balance zones: households of the grid cells whose
 * representative point lies in the zone, open hazards, disputes reported in the period, schools
 * and guard posts inside it, its area, and the length of patrol routes inside it (metric, 32651).
 */
export async function workloadByZone(db: Kysely<any>, p: WorkloadParams): Promise<Array<Record<string, unknown>>> {
  const r = await sql<Record<string, unknown>>`
    SELECT z.id, z.name, z.team, z.priority, z.station_id, u.name AS station_name,
           (SELECT coalesce(sum(g.households), 0)::int FROM grid_cells g WHERE g.geom && z.geom AND ST_Covers(z.geom, ST_PointOnSurface(g.geom))) AS households,
           (SELECT count(*)::int FROM household_units h WHERE h.geom && z.geom AND ST_Covers(z.geom, h.geom)) AS household_units,
           (SELECT count(*)::int FROM hazards h WHERE h.geom && z.geom AND ST_Covers(z.geom, h.geom) AND h.status IN ('reported', 'verified', 'rectifying')) AS hazards_open,
           (SELECT count(*)::int FROM disputes d WHERE d.geom && z.geom AND ST_Covers(z.geom, d.geom)
              ${p.from ? sql`AND d.reported_at >= ${p.from}::timestamptz` : sql``} ${p.to ? sql`AND d.reported_at <= ${p.to}::timestamptz` : sql``}) AS disputes,
           (SELECT count(*)::int FROM schools s WHERE s.geom && z.geom AND ST_Covers(z.geom, s.geom)) AS schools,
           (SELECT count(*)::int FROM guard_posts gp WHERE gp.geom && z.geom AND ST_Covers(z.geom, gp.geom)) AS guard_posts,
           round((ST_Area(ST_Transform(z.geom, 32651)) / 1e6)::numeric, 3)::float8 AS area_km2,
           (SELECT round((coalesce(sum(ST_Length(ST_Intersection(ST_Transform(r.geom, 32651), ST_Transform(z.geom, 32651)))), 0) / 1000)::numeric, 3)::float8
              FROM patrol_routes r WHERE r.geom && z.geom AND ST_Intersects(r.geom, z.geom)) AS route_km
    FROM patrol_zones z JOIN police_units u ON u.id = z.station_id
    ${p.station ? sql`WHERE z.station_id = ${p.station}` : sql``}
    ORDER BY z.station_id, z.id`.execute(db)
  return r.rows
}
