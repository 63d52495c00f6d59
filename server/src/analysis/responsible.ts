import { sql, type Kysely } from 'kysely'
import type { ResponsibleAnswer } from '../contract/admin.ts'

/**
 * Who is responsible for a point: the grid cell covering it (lowest id on a shared edge), its
 * community, town, district, station and people (by name, each with `person`: their key in the
 * people directory, `officer:125`, for their card), the nearest mediation room and the nearest
 * live units, distances in metres on the spheroid. Null when the point is outside the city.
 */
export async function responsibleFor(db: Kysely<any>, lon: number, lat: number, units = 5): Promise<ResponsibleAnswer | null> {
  const pt = sql`ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)`
  const cell = await sql<Omit<ResponsibleAnswer, 'point' | 'mediation_room' | 'nearest_units'>>`
    SELECT json_build_object('id', g.id, 'code', g.code, 'name', g.name, 'households', g.households, 'population', g.population) AS grid,
           json_build_object('code', v.code, 'name', v.name, 'kind', v.kind) AS community,
           json_build_object('code', t.code, 'name', t.name, 'kind', t.kind) AS town,
           json_build_object('code', d.code, 'name', d.name) AS district,
           json_build_object('id', st.id, 'name', st.name, 'phone', st.phone) AS station,
           (SELECT json_build_object('id', o.id, 'person', 'officer:' || o.id, 'name', o.name, 'phone', o.phone, 'unit', u.name) FROM officers o JOIN police_units u ON u.id = o.unit_id WHERE o.id = g.officer_id) AS officer,
           (SELECT json_build_object('id', o.id, 'person', 'officer:' || o.id, 'name', o.name, 'phone', o.phone, 'unit', u.name) FROM officers o JOIN police_units u ON u.id = o.unit_id WHERE o.id = g.auxiliary_id) AS auxiliary,
           (SELECT json_build_object('id', o.id, 'person', 'officer:' || o.id, 'name', o.name, 'phone', o.phone, 'unit', u.name) FROM officers o JOIN police_units u ON u.id = o.unit_id WHERE o.id = g.grid_worker_id) AS grid_worker,
           (SELECT json_build_object('id', m.id, 'person', CASE WHEN m.contact_name IS NOT NULL THEN 'militia:' || m.id END, 'name', m.name, 'contact', m.contact_name, 'phone', m.contact_phone) FROM militia_orgs m WHERE m.id = g.militia_org_id) AS militia
    FROM grid_cells g
    JOIN admin_areas v ON v.code = g.community_code
    JOIN admin_areas t ON t.code = v.parent_code
    JOIN admin_areas d ON d.code = t.parent_code
    JOIN police_units st ON st.id = g.station_id
    WHERE g.geom && ${pt} AND ST_Covers(g.geom, ${pt})
    ORDER BY g.id LIMIT 1`.execute(db)
  const row = cell.rows[0]
  if (!row) return null
  const room = await sql<NonNullable<ResponsibleAnswer['mediation_room']>>`
    SELECT m.id, m.name, m.kind, round(ST_Distance(m.geom::geography, ${pt}::geography))::int AS distance_m
    FROM mediation_rooms m ORDER BY m.geom <-> ${pt} LIMIT 1`.execute(db)
  // KNN on the index picks candidates; the spheroid distance orders them exactly.
  const near = await sql<ResponsibleAnswer['nearest_units'][number]>`
    SELECT * FROM (
      SELECT u.id, u.code, u.callsign, u.kind, c.ts, round(ST_Distance(c.geom::geography, ${pt}::geography))::int AS distance_m
      FROM unit_current c JOIN patrol_units u ON u.id = c.unit_id
      ORDER BY c.geom <-> ${pt} LIMIT ${units * 3}
    ) x ORDER BY distance_m, id LIMIT ${units}`.execute(db)
  return { point: { lon, lat }, ...row, mediation_room: room.rows[0] ?? null, nearest_units: near.rows }
}
