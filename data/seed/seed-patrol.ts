import { sql, type Kysely } from 'kysely'
import { allocate } from './sql-random.ts'
import type { Liaoyuan } from './liaoyuan-source.ts'

export const STORY_PATROL = { ebikes: 99, trafficTeams: 6, riverPatrols: 189 }

/**
 * The 东辽河 course through the city. GENERATED: no open river geometry of Liaoyuan was found
 * (see SOURCES.md); the line follows the real river's general course (south-east → city centre →
 * north-west) and is marked `generated` in its row.
 */
const RIVER_COURSE: Array<[number, number]> = [
  [125.40, 42.64], [125.33, 42.72], [125.26, 42.79], [125.20, 42.85], [125.155, 42.885],
  [125.13, 42.905], [125.09, 42.925], [125.03, 42.955], [124.96, 43.0], [124.88, 43.05], [124.82, 43.08],
]
const TRIBUTARIES: Array<{ name: string; course: Array<[number, number]> }> = [
  { name: '渭津河（生成）', course: [[124.97, 42.82], [125.02, 42.86], [125.06, 42.9], [125.09, 42.925]] },
  { name: '寿山河（生成）', course: [[125.25, 43.02], [125.2, 42.97], [125.16, 42.93], [125.13, 42.905]] },
]

/** Deterministic meander: each densified vertex moved sideways by a smooth, seeded offset. */
function meander(course: Array<[number, number]>, seed: number): Array<[number, number]> {
  const out: Array<[number, number]> = []
  let phase = seed % 7
  for (let i = 0; i < course.length - 1; i++) {
    const [x0, y0] = course[i]!
    const [x1, y1] = course[i + 1]!
    const steps = 12
    const len = Math.hypot(x1 - x0, y1 - y0)
    const nx = -(y1 - y0) / len
    const ny = (x1 - x0) / len
    for (let s = 0; s < steps; s++) {
      const t = s / steps
      phase += 0.9
      const off = 0.004 * Math.sin(phase) + 0.0015 * Math.sin(phase * 2.7)
      out.push([+(x0 + (x1 - x0) * t + nx * off).toFixed(6), +(y0 + (y1 - y0) * t + ny * off).toFixed(6)])
    }
  }
  out.push(course[course.length - 1]!)
  return out
}

export async function seedPatrol(trx: Kysely<any>, src: Liaoyuan, anchor: string): Promise<void> {
  // Rivers, clipped to the city.
  const rivers = [{ name: '东辽河（生成）', kind: 'river', coords: meander(RIVER_COURSE, 3) }, ...TRIBUTARIES.map((t, i) => ({ name: t.name, kind: 'stream', coords: meander(t.course, 11 + i) }))]
  await sql`
    INSERT INTO rivers (name, kind, generated, geom)
    SELECT r.name, r.kind, true,
      ST_Multi(ST_CollectionExtract(ST_Intersection(ST_SetSRID(ST_GeomFromGeoJSON(jsonb_build_object('type', 'LineString', 'coordinates', r.coords)), 4326), c.geom), 2))
    FROM jsonb_to_recordset(${JSON.stringify(rivers)}::jsonb) AS r(name text, kind text, coords jsonb)
    CROSS JOIN admin_areas c WHERE c.level = 'city'
    ORDER BY r.kind = 'stream', r.name`.execute(trx)

  // One patrol zone per town: its largest part, simplified, holes removed. ST_Simplify (PostGIS's
  // own Douglas–Peucker) rather than GEOS's ST_SimplifyPreserveTopology, whose GEOS 3.12 rewrite
  // drops other vertices than 3.11 did: the zones must be the same on both databases.
  await sql`
    INSERT INTO patrol_zones (name, station_id, team, priority, geom)
    SELECT pg_temp.short_name(t.name) || '巡区', tu.station_id,
           pg_temp.short_name(t.name) || '巡逻组',
           CASE WHEN t.kind = '街道' THEN 2 ELSE 3 + pg_temp.rndint('prio:' || t.code, 2) END,
           z.geom
    FROM admin_areas t JOIN town_unit tu ON tu.town = t.code,
    LATERAL (
      SELECT pg_temp.settled(ST_MakePolygon(ST_ExteriorRing(p.geom))) AS geom FROM (
        SELECT (ST_Dump(ST_MakeValid(ST_Transform(ST_Simplify(ST_Transform(d.geom, 32651), 80, true), 4326)))).geom AS geom
        FROM ST_Dump(t.geom) d
      ) p WHERE GeometryType(p.geom) = 'POLYGON' ORDER BY ST_Area(p.geom) DESC LIMIT 1
    ) z
    WHERE t.level = 'town'
    ORDER BY t.code`.execute(trx)

  // Loops through seeded waypoints of each zone, ordered by angle around its centre.
  await sql`
    INSERT INTO patrol_routes (name, zone_id, team, kind, schedule, geom)
    SELECT z.name || '·' || k.label, z.id, z.team, k.kind, k.schedule::jsonb,
      (SELECT ST_AddPoint(ST_MakeLine(w.geom ORDER BY ST_Azimuth(ST_Centroid(z.geom), w.geom)), (array_agg(w.geom ORDER BY ST_Azimuth(ST_Centroid(z.geom), w.geom)))[1])
       FROM pg_temp.random_points(
         CASE WHEN k.kind = 'foot' THEN pg_temp.settled(ST_Intersection(z.geom, ST_Transform(ST_Buffer(ST_Transform(ST_PointOnSurface(z.geom), 32651), 1200), 4326))) ELSE z.geom END,
         6 + pg_temp.rndint('wp:' || z.id || k.kind, 4), 'route:' || z.id || ':' || k.kind) w)
    FROM patrol_zones z
    CROSS JOIN LATERAL (VALUES
      ('步巡', 'foot', '[{"days":[1,2,3,4,5,6,7],"start":"09:00","end":"11:00"},{"days":[1,2,3,4,5,6,7],"start":"19:00","end":"21:00"}]', true),
      ('电巡', 'ebike', '[{"days":[1,2,3,4,5,6,7],"start":"08:00","end":"12:00"},{"days":[1,2,3,4,5,6,7],"start":"14:00","end":"18:00"}]', null),
      ('车巡', 'car', '[{"days":[1,2,3,4,5,6,7],"start":"20:00","end":"02:00"}]', null)
    ) AS k(label, kind, schedule, urban_only)
    WHERE k.urban_only IS NULL OR z.priority = 2
    ORDER BY z.id, k.kind`.execute(trx)

  // Six traffic patrol teams (交警巡逻队) on the trunk roads from the centre.
  const seats = src.places.filter((p) => p.properties.kind === 'gov_seat').map((p) => p.geometry.coordinates)
  const centre = seats[0]!
  const trafficLines = [
    [centre, seats[3]!],
    [centre, seats[4]!],
    [centre, [125.25, 43.0]],
    [[125.06, 42.88], [125.2, 42.93]],
    [centre, [125.05, 42.98]],
    [centre, [125.3, 42.82]],
  ].map((line, i) => ({ name: `交警巡逻${i + 1}队`, coords: line }))
  await sql`
    INSERT INTO patrol_routes (name, zone_id, team, kind, schedule, geom)
    SELECT t.name || '·干线', (SELECT z.id FROM patrol_zones z ORDER BY z.geom <-> ST_StartPoint(l.geom) LIMIT 1), t.name, 'traffic',
           '[{"days":[1,2,3,4,5,6,7],"start":"07:00","end":"09:00"},{"days":[1,2,3,4,5,6,7],"start":"16:30","end":"19:00"}]'::jsonb, l.geom
    FROM jsonb_to_recordset(${JSON.stringify(trafficLines)}::jsonb) AS t(name text, coords jsonb),
    LATERAL (SELECT ST_Segmentize(ST_SetSRID(ST_GeomFromGeoJSON(jsonb_build_object('type', 'LineString', 'coordinates', t.coords)), 4326), 0.01) AS geom) l
    ORDER BY t.name`.execute(trx)

  // River patrol route along the 东辽河 inside the urban districts.
  await sql`
    INSERT INTO patrol_routes (name, zone_id, team, kind, schedule, geom)
    SELECT '东辽河城区段·河道巡查', (SELECT z.id FROM patrol_zones z ORDER BY z.geom <-> ST_PointOnSurface(seg.geom) LIMIT 1), '东辽河巡查队', 'river',
           '[{"days":[1,2,3,4,5,6,7],"start":"06:00","end":"08:00","months":[6,7,8,9]}]'::jsonb, seg.geom
    FROM (
      SELECT (ST_Dump(ST_Intersection(r.geom, ST_Union(d.geom)))).geom AS geom
      FROM rivers r, admin_areas d WHERE r.kind = 'river' AND d.code IN ('220402', '220403') GROUP BY r.geom
    ) seg
    WHERE GeometryType(seg.geom) = 'LINESTRING' AND ST_NPoints(seg.geom) >= 2
    ORDER BY ST_Length(seg.geom) DESC LIMIT 1`.execute(trx)

  // A loop or trunk line may leave a concave city outline; keep the longest part inside it.
  await sql`
    UPDATE patrol_routes r SET geom = part.geom
    FROM (
      SELECT r2.id, (SELECT pg_temp.settled(d.geom) FROM ST_Dump(ST_Intersection(r2.geom, c.geom)) d
                     WHERE GeometryType(d.geom) = 'LINESTRING' ORDER BY ST_Length(d.geom) DESC LIMIT 1) AS geom
      FROM patrol_routes r2, admin_areas c WHERE c.level = 'city' AND NOT ST_CoveredBy(r2.geom, c.geom)
    ) part
    WHERE r.id = part.id AND part.geom IS NOT NULL`.execute(trx)

  // Units: 99 e-bikes to the community police offices by households, a car per branch/station, 6 traffic cars.
  const towns = await sql<{ code: string; households: number }>`
    SELECT v.parent_code AS code, sum(g.households)::int AS households
    FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code GROUP BY v.parent_code ORDER BY v.parent_code`.execute(trx)
  const bikes = allocate(towns.rows, (t) => t.households, STORY_PATROL.ebikes)
  const bikeRows = towns.rows.map((t, i) => ({ town: t.code, n: bikes[i] ?? 0 })).filter((r) => r.n > 0)
  await sql`
    INSERT INTO patrol_units (code, callsign, kind, station_id, zone_id)
    SELECT 'EB' || lpad((row_number() OVER (ORDER BY b.town, k))::text, 3, '0'),
           pg_temp.short_name(t.name) || '电巡' || k, 'ebike', tu.station_id,
           (SELECT z.id FROM patrol_zones z WHERE z.station_id = tu.station_id ORDER BY z.geom <-> ST_PointOnSurface(t.geom) LIMIT 1)
    FROM jsonb_to_recordset(${JSON.stringify(bikeRows)}::jsonb) AS b(town text, n int)
    JOIN admin_areas t ON t.code = b.town JOIN town_unit tu ON tu.town = b.town, generate_series(1, b.n) k
    ORDER BY b.town, k`.execute(trx)
  await sql`
    INSERT INTO patrol_units (code, callsign, kind, station_id, zone_id)
    SELECT 'PC' || p.code, replace(replace(p.name, '辽源市公安局', ''), '派出所', '所') || '巡逻车', 'car', p.id,
           (SELECT z.id FROM patrol_zones z WHERE z.station_id = p.id ORDER BY z.id LIMIT 1)
    FROM police_units p WHERE p.kind IN ('branch', 'station') ORDER BY p.code`.execute(trx)
  await sql`
    INSERT INTO patrol_units (code, callsign, kind, station_id, zone_id)
    SELECT 'JJ' || lpad(k::text, 2, '0'), '交警巡逻' || k || '队', 'traffic', (SELECT id FROM police_units WHERE kind = 'bureau'),
           NULL -- traffic teams patrol trunk roads across zones
    FROM generate_series(1, ${STORY_PATROL.trafficTeams}) k`.execute(trx)

  // The last hour of positions (one a minute) along a route of each unit's zone, and the current one.
  await sql`
    CREATE TEMP TABLE unit_route ON COMMIT DROP AS
    SELECT u.id AS unit_id, r.id AS route_id, r.geom, ST_Length(r.geom::geography) AS len,
           pg_temp.rnd('start:' || u.code) AS f0, CASE u.kind WHEN 'ebike' THEN 4.0 ELSE 8.0 END AS speed
    FROM patrol_units u
    JOIN LATERAL (
      SELECT r.id, r.geom FROM patrol_routes r
      WHERE (u.kind = 'traffic' AND r.team = u.callsign) OR (u.kind <> 'traffic' AND r.zone_id = u.zone_id AND r.kind IN ('ebike', 'car'))
      ORDER BY (r.kind = CASE WHEN u.kind = 'ebike' THEN 'ebike' ELSE 'car' END) DESC, r.id LIMIT 1
    ) r ON true`.execute(trx)
  await sql`
    INSERT INTO unit_positions (unit_id, ts, speed, heading, accuracy, geom)
    SELECT ur.unit_id, ${anchor}::timestamptz - make_interval(mins => 60 - m), ur.speed, NULL, 5 + pg_temp.rndint('acc:' || ur.unit_id || ':' || m, 15),
           pg_temp.settled(ST_LineInterpolatePoint(ur.geom, (ur.f0 + m * 60 * ur.speed / greatest(ur.len, 1)) - floor(ur.f0 + m * 60 * ur.speed / greatest(ur.len, 1))))
    FROM unit_route ur, generate_series(0, 60) m
    ORDER BY ur.unit_id, m`.execute(trx)
  await sql`
    INSERT INTO unit_current (unit_id, ts, speed, heading, geom)
    SELECT DISTINCT ON (unit_id) unit_id, ts, speed, heading, geom FROM unit_positions ORDER BY unit_id, ts DESC`.execute(trx)

  // Completed patrols of the last 30 days: every route every 2–4 days, at its first window.
  await sql`
    INSERT INTO patrols (unit_id, officer_id, route_id, kind, started_at, ended_at, geom)
    SELECT (SELECT ur.unit_id FROM unit_route ur WHERE ur.route_id = r.id ORDER BY ur.unit_id LIMIT 1),
           NULL, r.id, r.kind, s.started, s.started + make_interval(secs => ST_Length(r.geom::geography) / CASE r.kind WHEN 'foot' THEN 1.2 WHEN 'ebike' THEN 4 ELSE 9 END),
           r.geom
    FROM patrol_routes r,
    LATERAL (
      SELECT date_trunc('day', ${anchor}::timestamptz AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
             - make_interval(days => d) + (r.schedule -> 0 ->> 'start')::time AS started
      FROM generate_series(1, 30) d
      WHERE d % (2 + pg_temp.rndint('every:' || r.id, 3)) = pg_temp.rndint('offset:' || r.id, 2)
    ) s
    WHERE r.kind <> 'river'
    ORDER BY r.id, s.started`.execute(trx)

  // 189 flood-season river patrols (June–September of the latest season before the anchor).
  await sql`
    INSERT INTO river_patrols (river_id, team, started_at, ended_at, water_level_m, observations, hazards_found, generated, geom)
    SELECT r.id, (ARRAY['东辽河巡查一队', '东辽河巡查二队', '蓝天救援队辽源分队', '应急联动巡查组'])[1 + (i % 4)],
           day + make_interval(hours => 6 + pg_temp.rndint('rph:' || i, 12)),
           day + make_interval(hours => 6 + pg_temp.rndint('rph:' || i, 12), mins => 60 + pg_temp.rndint('rpd:' || i, 120)),
           round((1.2 + 2.6 * sin(pi() * (day_index / 122.0)) + pg_temp.rnorm('wl:' || i) * 0.3)::numeric, 2)::real,
           (ARRAY['水位正常，堤岸稳固', '发现漂浮物，已清理', '河道有垃圾堆积，已通知属地', '堤坝轻微渗水，已上报', '水位上涨，加密巡查', '劝离河边垂钓人员'])[1 + pg_temp.rndint('obs:' || i, 6)]
             || '（演示数据，系统生成）',
           CASE WHEN pg_temp.rnd('hz:' || i) < 0.2 THEN 1 + pg_temp.rndint('hzn:' || i, 2) ELSE 0 END,
           true,
           ST_LineSubstring(line.geom, a, least(1, a + 0.08 + pg_temp.rnd('rplen:' || i) * 0.1))
    FROM generate_series(0, ${STORY_PATROL.riverPatrols - 1}) i
    CROSS JOIN LATERAL (SELECT floor(i * 122.0 / ${STORY_PATROL.riverPatrols})::int AS day_index) di
    CROSS JOIN LATERAL (
      SELECT (make_date(extract(year FROM ${anchor}::timestamptz AT TIME ZONE 'Asia/Shanghai')::int
                - CASE WHEN extract(month FROM ${anchor}::timestamptz AT TIME ZONE 'Asia/Shanghai') < 10 THEN 1 ELSE 0 END, 6, 1)
              + di.day_index)::timestamp AT TIME ZONE 'Asia/Shanghai' AS day
    ) dd
    CROSS JOIN (SELECT id, geom FROM rivers WHERE kind = 'river' ORDER BY id LIMIT 1) r
    CROSS JOIN LATERAL (SELECT d.geom FROM ST_Dump(r.geom) d ORDER BY ST_Length(d.geom) DESC LIMIT 1) line
    CROSS JOIN LATERAL (SELECT pg_temp.rnd('rpa:' || i) * 0.8 AS a) aa
    ORDER BY i`.execute(trx)
}
