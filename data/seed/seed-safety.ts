import { sql, type Kysely } from 'kysely'
import { allocate } from './sql-random.ts'

export const STORY_SAFETY = {
  hazards: 1201,
  hazardStatuses: { eliminated: 64, rejected: 37, rectifying: 160, verified: 290, reported: 650 },
  places: 4300,
  mediationRooms: 600,
  disputes: { resolved: 247, mediating: 70, reported: 90, escalated: 23 },
  householdReports: 211,
  incidentsPerYear: 12000,
} as const

/** Loads per-cell point counts (largest remainder over households) into temp table `alloc`. */
async function allocateByHouseholds(trx: Kysely<any>, total: number, urbanBoost: number): Promise<void> {
  const cells = await sql<{ id: number; households: number; urban: boolean }>`
    SELECT g.id, g.households, v.kind = '社区' AS urban FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code ORDER BY g.id`.execute(trx)
  const counts = allocate(cells.rows, (c) => c.households * (c.urban ? urbanBoost : 1), total)
  const rows = cells.rows.map((c, i) => ({ id: c.id, n: counts[i] ?? 0 })).filter((r) => r.n > 0)
  await sql`DROP TABLE IF EXISTS alloc`.execute(trx)
  await sql`CREATE TEMP TABLE alloc ON COMMIT DROP AS SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS a(id int, n int)`.execute(trx)
}

/** Allocated points, numbered 1..total in a stable order, in temp table `pts` (k, grid_id, geom). */
async function scatter(trx: Kysely<any>, salt: string): Promise<void> {
  await sql`DROP TABLE IF EXISTS pts`.execute(trx)
  await sql`
    CREATE TEMP TABLE pts ON COMMIT DROP AS
    SELECT row_number() OVER (ORDER BY a.id, d.path[1]) AS k, a.id AS grid_id, d.geom
    FROM alloc a JOIN grid_cells g ON g.id = a.id,
    LATERAL pg_temp.random_points(g.geom, a.n, ${salt} || ':' || a.id) d`.execute(trx)
}

export async function seedSafety(trx: Kysely<any>, anchor: string): Promise<void> {
  // 600 mediation rooms: one in every branch, station and office, the rest in villages.
  await sql`
    INSERT INTO mediation_rooms (name, owner_unit_id, kind, geom)
    SELECT replace(p.name, '辽源市公安局', '') || '矛盾纠纷调解室', p.id, p.kind, p.geom
    FROM police_units p WHERE p.kind IN ('branch', 'station', 'office') ORDER BY p.id`.execute(trx)
  await sql`
    INSERT INTO mediation_rooms (name, owner_unit_id, kind, geom)
    SELECT v.name || '调解室', tu.office_id, 'village', ST_PointOnSurface(v.geom)
    FROM (SELECT code, name, parent_code, geom, row_number() OVER (ORDER BY pg_temp.rnd('room:' || code)) AS r FROM admin_areas WHERE level = 'village') v
    JOIN town_unit tu ON tu.town = v.parent_code
    WHERE v.r <= ${STORY_SAFETY.mediationRooms} - (SELECT count(*) FROM mediation_rooms)
    ORDER BY v.code`.execute(trx)

  // 1201 hazards (风险隐患) with their statuses, placed by households.
  const s = STORY_SAFETY.hazardStatuses
  await allocateByHouseholds(trx, STORY_SAFETY.hazards, 1.5)
  await scatter(trx, 'hazard')
  await sql`
    INSERT INTO hazards (code, category, status, source, description, grid_id, reported_at, eliminated_at, geom)
    SELECT 'YH' || lpad(p.k::text, 5, '0'), c.category, st.status,
           CASE WHEN pg_temp.rnd('hsrc:' || p.k) < 0.75 THEN 'online' ELSE 'offline' END,
           -- Each category's own descriptions (a 井盖 hazard was once described as 私拉乱接电线).
           (CASE c.category
              WHEN 'manhole' THEN ARRAY['井盖松动', '井盖破损缺失', '雨水井盖移位']
              WHEN 'small_venue' THEN ARRAY['电动车楼道充电', '灭火器过期', '安全出口上锁']
              WHEN 'fire' THEN ARRAY['消防通道堵塞', '楼道堆放杂物', '消防栓无水']
              WHEN 'flood' THEN ARRAY['排水不畅易积水', '河堤护坡松动', '低洼处无警示']
              WHEN 'traffic' THEN ARRAY['路口视线遮挡', '减速带损坏', '校门口缺少护栏']
              WHEN 'building' THEN ARRAY['危旧房屋外墙脱落', '广告牌松动', '围墙开裂']
              WHEN 'electric' THEN ARRAY['私拉乱接电线', '配电箱未上锁', '电线老化裸露']
              ELSE ARRAY['其他安全隐患', '无主杂物占道', '流浪犬伤人风险'] END)[1 + pg_temp.rndint('hdesc:' || p.k, 3)],
           p.grid_id, t.reported_at,
           CASE WHEN st.status = 'eliminated' THEN least(t.reported_at + make_interval(days => 3 + pg_temp.rndint('hfix:' || p.k, 25)), ${anchor}::timestamptz - interval '1 hour') END,
           p.geom
    FROM (SELECT p0.*, row_number() OVER (ORDER BY pg_temp.rnd('hrank:' || p0.k)) AS rk FROM pts p0) p
    CROSS JOIN LATERAL (SELECT pg_temp.rnd('hcat:' || p.k) AS u) cu
    CROSS JOIN LATERAL (SELECT CASE WHEN cu.u < 0.2 THEN 'manhole' WHEN cu.u < 0.45 THEN 'small_venue' WHEN cu.u < 0.65 THEN 'fire'
                                   WHEN cu.u < 0.75 THEN 'flood' WHEN cu.u < 0.87 THEN 'traffic' WHEN cu.u < 0.93 THEN 'building'
                                   WHEN cu.u < 0.98 THEN 'electric' ELSE 'other' END AS category) c
    CROSS JOIN LATERAL (SELECT CASE
        WHEN p.rk <= ${s.eliminated} THEN 'eliminated'
        WHEN p.rk <= ${s.eliminated + s.rejected} THEN 'rejected'
        WHEN p.rk <= ${s.eliminated + s.rejected + s.rectifying} THEN 'rectifying'
        WHEN p.rk <= ${s.eliminated + s.rejected + s.rectifying + s.verified} THEN 'verified'
        ELSE 'reported' END AS status) st
    CROSS JOIN LATERAL (SELECT ${anchor}::timestamptz - make_interval(secs => (CASE WHEN st.status = 'eliminated' THEN 31 ELSE 1 END
        + pg_temp.rnd('hday:' || p.k) * 330) * 86400) AS reported_at) t
    ORDER BY p.k`.execute(trx)

  // 4300 small venues (九小场所) with their last inspection.
  await allocateByHouseholds(trx, STORY_SAFETY.places, 3)
  await scatter(trx, 'place')
  await sql`
    INSERT INTO places (name, kind, grid_id, last_inspected_at, last_result, geom)
    SELECT pg_temp.short_name(v.name) || kd.label || (p.k % 97 + 1) || '号', kd.kind, p.grid_id,
           ${anchor}::timestamptz - make_interval(secs => pg_temp.rnd('pday:' || p.k) * 180 * 86400),
           CASE WHEN pg_temp.rnd('pres:' || p.k) < 0.82 THEN 'pass' WHEN pg_temp.rnd('pres:' || p.k) < 0.94 THEN 'rectified' ELSE 'fail' END,
           p.geom
    FROM pts p JOIN grid_cells g ON g.id = p.grid_id JOIN admin_areas v ON v.code = g.community_code
    CROSS JOIN LATERAL (SELECT (ARRAY['shop', 'shop', 'restaurant', 'restaurant', 'inn', 'internet_cafe', 'salon', 'entertainment', 'clinic', 'training', 'workshop'])[1 + pg_temp.rndint('pkind:' || p.k, 11)] AS kind) kk
    CROSS JOIN LATERAL (SELECT kk.kind, CASE kk.kind WHEN 'shop' THEN '便利店' WHEN 'restaurant' THEN '饭店' WHEN 'inn' THEN '旅店' WHEN 'internet_cafe' THEN '网吧'
        WHEN 'salon' THEN '美发店' WHEN 'entertainment' THEN 'KTV' WHEN 'clinic' THEN '诊所' WHEN 'training' THEN '培训班' ELSE '加工作坊' END AS label) kd
    ORDER BY p.k`.execute(trx)

  await seedSchools(trx)
  await seedIncidents(trx, anchor)
  await seedDisputes(trx, anchor)
}

async function seedSchools(trx: Kysely<any>): Promise<void> {
  // 辽源市第五中学 and four colleges in 南部新城 (工农乡), dismissal at 20:30 for the high school.
  await sql`
    INSERT INTO schools (name, kind, students, dismissal_times, grid_id, geom)
    SELECT s.name, s.kind, s.students, s.times, g.id, (pg_temp.random_points(g.geom, 1, 'school:' || s.name)).geom
    FROM (VALUES
      ('辽源市第五中学', 'high', 2600, ARRAY['20:30']),
      ('辽源职业技术学院', 'college', 6000, ARRAY['17:00']),
      ('辽源市卫生学校', 'vocational', 1800, ARRAY['17:00']),
      ('南部新城技工学校', 'vocational', 1200, ARRAY['17:00']),
      ('辽源市第一职业高中', 'vocational', 1500, ARRAY['17:30'])
    ) AS s(name, kind, students, times)
    CROSS JOIN LATERAL (SELECT id, geom FROM grid_cells WHERE name LIKE '工农村%' ORDER BY code LIMIT 1) g
    ORDER BY s.name`.execute(trx)
  await sql`
    INSERT INTO schools (name, kind, students, dismissal_times, grid_id, geom)
    SELECT pg_temp.short_name(v.name) || '小学', 'primary', 300 + pg_temp.rndint('stu:' || v.code, 900), ARRAY['11:30', '16:00'], g.id,
           (pg_temp.random_points(g.geom, 1, 'school:' || v.code)).geom
    FROM admin_areas v CROSS JOIN LATERAL (SELECT id, geom FROM grid_cells WHERE community_code = v.code ORDER BY code LIMIT 1) g
    WHERE v.level = 'village' AND v.kind = '社区' ORDER BY v.code`.execute(trx)
  await sql`
    INSERT INTO schools (name, kind, students, dismissal_times, grid_id, geom)
    SELECT pg_temp.short_name(t.name) || CASE WHEN t.kind = '街道' THEN '中学' ELSE '中心学校' END,
           'middle', 400 + pg_temp.rndint('stu:' || t.code, 1200), ARRAY['17:30'], g.id,
           (pg_temp.random_points(g.geom, 1, 'school:' || t.code)).geom
    FROM admin_areas t
    CROSS JOIN LATERAL (SELECT g.id, g.geom FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code
                        WHERE v.parent_code = t.code ORDER BY pg_temp.rnd('schoolcell:' || g.code) LIMIT 1) g
    WHERE t.level = 'town' ORDER BY t.code`.execute(trx)
  // Guard posts (护学岗) at the gates of every school below college, 30 m off the school point.
  await sql`
    INSERT INTO guard_posts (name, school_id, unit_id, officer_id, minutes_before, minutes_after, geom)
    SELECT s.name || gate.label, s.id, tu.office_id, g.officer_id, 10, 20,
           ST_Transform(ST_Translate(ST_Transform(s.geom, 32651), gate.dx, gate.dy), 4326)
    FROM schools s JOIN grid_cells g ON g.id = s.grid_id JOIN admin_areas v ON v.code = g.community_code
    JOIN town_unit tu ON tu.town = v.parent_code
    CROSS JOIN LATERAL (VALUES ('护学岗（正门）', 0, -30), ('护学岗（侧门）', 30, 0)) AS gate(label, dx, dy)
    WHERE s.kind IN ('primary', 'middle', 'high') AND (gate.dx = 0 OR s.kind = 'high')
    ORDER BY s.id, gate.dx`.execute(trx)
}

/** A year of 110/12345 calls: 60 % around hotspot centres, the rest spread by households. */
async function seedIncidents(trx: Kysely<any>, anchor: string): Promise<void> {
  const clustered = Math.round(STORY_SAFETY.incidentsPerYear * 0.6)
  await allocateByHouseholds(trx, STORY_SAFETY.incidentsPerYear - clustered, 2)
  await scatter(trx, 'incident')
  await sql`
    CREATE TEMP TABLE hotspot ON COMMIT DROP AS
    SELECT row_number() OVER (ORDER BY pg_temp.rnd('hot:' || g.code)) AS h, ST_PointOnSurface(g.geom) AS centre,
           150 + pg_temp.rnd('hotsd:' || g.code) * 400 AS sd
    FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code
    WHERE v.kind = '社区' OR g.households > 700
    ORDER BY pg_temp.rnd('hot:' || g.code) LIMIT 14`.execute(trx)
  await sql`
    INSERT INTO pts (k, grid_id, geom)
    SELECT (SELECT max(k) FROM pts) + i, NULL,
           ST_Transform(ST_Translate(ST_Transform(h.centre, 32651), pg_temp.rnorm('ix:' || i) * h.sd, pg_temp.rnorm('iy:' || i) * h.sd), 4326)
    FROM generate_series(1, ${clustered}) i
    JOIN hotspot h ON h.h = 1 + floor(pow(pg_temp.rnd('ih:' || i), 1.6) * 14)`.execute(trx)
  // Point-in-cell with the polygon on the outer side lets PostGIS reuse its prepared geometry.
  await sql`CREATE INDEX ON pts USING gist (geom)`.execute(trx)
  await sql`ANALYZE pts`.execute(trx)
  await sql`
    INSERT INTO incidents (code, source, category, status, reported_at, grid_id, geom)
    SELECT 'JQ' || lpad(p.k::text, 6, '0'), src.source, cat.category,
           CASE WHEN t.reported_at < ${anchor}::timestamptz - interval '2 days' THEN 'closed' WHEN pg_temp.rnd('ist:' || p.k) < 0.5 THEN 'dispatched' ELSE 'open' END,
           t.reported_at, g.id, p.geom
    FROM pts p
    JOIN grid_cells g ON ST_Contains(g.geom, p.geom)
    CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.rnd('isrc:' || p.k) < 0.72 THEN '110' ELSE '12345' END AS source) src
    CROSS JOIN LATERAL (SELECT pg_temp.rnd('icat:' || p.k) AS u) cu
    CROSS JOIN LATERAL (SELECT CASE WHEN src.source = '12345' THEN (ARRAY['noise', 'help', 'dispute', 'other'])[1 + pg_temp.rndint('icat2:' || p.k, 4)]
        WHEN cu.u < 0.22 THEN 'theft' WHEN cu.u < 0.38 THEN 'fight' WHEN cu.u < 0.58 THEN 'traffic' WHEN cu.u < 0.68 THEN 'fraud'
        WHEN cu.u < 0.78 THEN 'dispute' WHEN cu.u < 0.83 THEN 'fire' WHEN cu.u < 0.93 THEN 'help' ELSE 'other' END AS category) cat
    CROSS JOIN LATERAL (SELECT ${anchor}::timestamptz - make_interval(secs => floor(pg_temp.rnd('iday:' || p.k) * 365) * 86400
        + mod((14 + pg_temp.rnorm('ihr:' || p.k) * 5)::numeric + 24, 24) * 3600) AS reported_at) t
    ORDER BY p.k`.execute(trx)
}

/** How far back the demo's disputes go, and how many units per season its recurring disputes come from. */
const DISPUTE_HISTORY_DAYS = 730
const RECURRING_UNITS = 12

/** Disputes by the four-seasons rule; 211 reported by ten-household units; 247 resolved. */
async function seedDisputes(trx: Kysely<any>, anchor: string): Promise<void> {
  const d = STORY_SAFETY.disputes
  const total = d.resolved + d.mediating + d.reported + d.escalated
  await sql`CREATE TEMP TABLE hu_num ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY code) AS n, id, grid_id, geom FROM household_units`.execute(trx)
  await sql`CREATE INDEX ON hu_num (n)`.execute(trx)
  await sql`ANALYZE hu_num`.execute(trx)
  await sql`
    INSERT INTO disputes (code, category, season, status, source, parties, description, household_unit_id, mediation_room_id, grid_id, reported_at, resolved_at, geom)
    SELECT 'MD' || lpad(x.i::text, 5, '0'), cat.category, se.season, st.status, src.source, 2 + pg_temp.rndint('dpar:' || x.i, 4),
           (ARRAY['双方协商未果，申请调解', '邻里口角升级', '经十户长反映', '村委会转来']) [1 + pg_temp.rndint('ddesc:' || x.i, 4)],
           CASE WHEN src.source = 'household_unit' THEN hu.id END,
           CASE WHEN st.status <> 'reported' THEN (SELECT m.id FROM mediation_rooms m ORDER BY m.geom <-> hu.geom LIMIT 1) END,
           hu.grid_id, t.reported_at,
           CASE WHEN st.status = 'resolved' THEN t.reported_at + make_interval(days => t.days_to_resolve) END,
           CASE WHEN src.source = 'household_unit' THEN hu.geom
                ELSE ST_Transform(ST_Translate(ST_Transform(hu.geom, 32651), (pg_temp.rnd('djx:' || x.i) - 0.5) * 60, (pg_temp.rnd('djy:' || x.i) - 0.5) * 60), 4326) END
    FROM (SELECT i, row_number() OVER (ORDER BY pg_temp.rnd('drank:' || i)) AS r FROM generate_series(1, ${total}) i) x
    CROSS JOIN LATERAL (SELECT CASE WHEN x.r <= ${d.resolved} THEN 'resolved' WHEN x.r <= ${d.resolved + d.mediating} THEN 'mediating'
        WHEN x.r <= ${d.resolved + d.mediating + d.reported} THEN 'reported' ELSE 'escalated' END AS status) st
    CROSS JOIN LATERAL (SELECT CASE WHEN x.i <= ${STORY_SAFETY.householdReports} THEN 'household_unit'
        ELSE (ARRAY['110', '12345', 'patrol', 'walk_in'])[1 + pg_temp.rndint('dsrc:' || x.i, 4)] END AS source) src
    CROSS JOIN LATERAL (SELECT 1 + pg_temp.rndint('dres:' || x.i, 20) AS days_to_resolve) r0
    -- Two years back, so every season has last year's same season to compare with (四季排查).
    CROSS JOIN LATERAL (SELECT ${anchor}::timestamptz - make_interval(secs => (CASE WHEN st.status = 'resolved' THEN r0.days_to_resolve + 1 ELSE 0 END
        + pg_temp.rnd('dday:' || x.i) * ${DISPUTE_HISTORY_DAYS}) * 86400) AS reported_at, r0.days_to_resolve) t
    CROSS JOIN LATERAL (SELECT CASE WHEN extract(month FROM t.reported_at AT TIME ZONE 'Asia/Shanghai') IN (3, 4, 5) THEN 'spring'
        WHEN extract(month FROM t.reported_at AT TIME ZONE 'Asia/Shanghai') IN (6, 7, 8) THEN 'summer'
        WHEN extract(month FROM t.reported_at AT TIME ZONE 'Asia/Shanghai') IN (9, 10, 11) THEN 'autumn' ELSE 'winter' END AS season) se
    CROSS JOIN LATERAL (SELECT pg_temp.rnd('dcat:' || x.i) < 0.65 AS focus) fo
    CROSS JOIN LATERAL (SELECT CASE WHEN fo.focus
        THEN CASE se.season WHEN 'spring' THEN 'land' WHEN 'summer' THEN 'neighbour' WHEN 'autumn' THEN 'family' ELSE 'lending' END
        ELSE (ARRAY['land', 'neighbour', 'family', 'lending', 'other'])[1 + pg_temp.rndint('dcat2:' || x.i, 5)] END AS category) cat
    -- The season's own trouble comes back to the same places year after year (spring ploughing in
    -- the same villages, winter debts in the same streets): a focus-category dispute is reported by
    -- one of a dozen units that recur for its season; the others anywhere.
    CROSS JOIN LATERAL (SELECT 1 + CASE WHEN fo.focus
        THEN pg_temp.rndint('drec:' || se.season || ':' || pg_temp.rndint('dk:' || x.i, ${RECURRING_UNITS}), (SELECT count(*)::int FROM hu_num))
        ELSE pg_temp.rndint('dhu:' || x.i, (SELECT count(*)::int FROM hu_num)) END AS n) pick
    JOIN hu_num hu ON hu.n = pick.n
    ORDER BY x.i`.execute(trx)
  await sql`
    UPDATE household_units h SET reports = c.n
    FROM (SELECT household_unit_id AS id, count(*)::int AS n FROM disputes WHERE source = 'household_unit' GROUP BY household_unit_id) c
    WHERE h.id = c.id`.execute(trx)
}
