import { sql, type Kysely } from 'kysely'

/**
 * The story's community mechanisms: 211 dispute reports from ten-household units (seeded as
 * disputes by seed-safety), mediation in the rooms with the joint 公安+法院+司法+信访 mechanism,
 * and the coordination meetings that jointly resolved 34 issues. Hazard and suspicious-activity
 * reports from the units are not counted in the story; the numbers here are the demo's own.
 */
export const STORY_PROGRAMMES = {
  unitHazardReports: 48,
  unitSuspiciousReports: 60,
  /** Share of mediation cases with court, justice or petition office at the table beside the police. */
  jointShare: 0.35,
  issuesResolved: 34,
  issuesOpen: 19,
  /** Daily officer–grid-worker contacts are kept for the last two weeks. */
  dailyContactDays: 14,
} as const

const ISSUES: Array<[string, string]> = [
  ['老旧小区井盖缺失松动', 'hazard'], ['春耕土地边界纠纷多发', 'dispute'], ['学校周边放学时段交通拥堵', 'traffic'], ['汛期河道警示标识不足', 'flood'],
  ['九小场所消防通道堵塞', 'hazard'], ['城乡结合部监控盲区', 'public_order'], ['电动车楼道充电屡禁不止', 'hazard'], ['出租屋流动人口登记滞后', 'public_order'],
  ['集贸市场周边停车秩序混乱', 'traffic'], ['独居老人帮扶与防诈宣传', 'service'], ['邻里噪音纠纷反复', 'dispute'], ['民间借贷纠纷苗头', 'dispute'],
  ['夜间照明不足路段', 'public_order'], ['排水不畅易积水点位', 'flood'], ['户籍业务群众跑腿多', 'service'], ['农村道路交通劝导力量不足', 'traffic'],
]

/** Reports from ten-household units, mediation cases and coordination meetings. */
export async function seedProgrammes(trx: Kysely<any>, anchor: string): Promise<void> {
  await seedUnitReports(trx, anchor)
  await seedMediation(trx, anchor)
  await seedMeetings(trx, anchor)
}

async function seedUnitReports(trx: Kysely<any>, anchor: string): Promise<void> {
  // Report codes come from a sequence no table owns (TRUNCATE … RESTART IDENTITY leaves it): restart it, so a reseed gives the same codes.
  // The disputes step has linked the units' disputes already (migration 0019's trigger): written again here in dispute order, with the restarted codes.
  await sql`DELETE FROM household_reports`.execute(trx)
  await sql`SELECT setval('household_report_code_seq', 100000, false)`.execute(trx)
  await sql`
    INSERT INTO household_reports (household_unit_id, kind, dispute_id, description, grid_id, reported_at, recorded_by)
    SELECT d.household_unit_id, 'dispute', d.id, d.description, h.grid_id, d.reported_at, 'seed'
    FROM disputes d JOIN household_units h ON h.id = d.household_unit_id WHERE d.source = 'household_unit' ORDER BY d.id`.execute(trx)
  // Offline hazards found by a unit: the nearest unit in the hazard's own cell raised it.
  await sql`
    INSERT INTO household_reports (household_unit_id, kind, hazard_id, description, grid_id, reported_at, recorded_by)
    SELECT hu.id, 'hazard', h.id, h.description, hu.grid_id, h.reported_at, 'seed'
    FROM (SELECT * FROM hazards WHERE source = 'offline' AND grid_id IS NOT NULL ORDER BY pg_temp.rnd('hzrep:' || id) LIMIT ${STORY_PROGRAMMES.unitHazardReports}) h
    CROSS JOIN LATERAL (SELECT u.id, u.grid_id FROM household_units u WHERE u.grid_id = h.grid_id ORDER BY u.geom <-> h.geom LIMIT 1) hu
    ORDER BY h.id`.execute(trx)
  await sql`
    INSERT INTO household_reports (household_unit_id, kind, suspicious_category, suspicious_status, description, grid_id, reported_at, recorded_by)
    SELECT hu.id, 'suspicious', (ARRAY['stranger', 'vehicle', 'fraud', 'theft', 'other'])[1 + pg_temp.rndint('sscat:' || i, 5)],
           CASE WHEN pg_temp.rnd('ssst:' || i) < 0.6 THEN 'closed' WHEN pg_temp.rnd('ssst:' || i) < 0.85 THEN 'forwarded' ELSE 'open' END,
           (ARRAY['陌生人夜间多次踩点', '可疑车辆长时间停放', '上门推销保健品', '楼道电动车电瓶被盗', '冒充客服电话'])[1 + pg_temp.rndint('ssdesc:' || i, 5)],
           hu.grid_id, ${anchor}::timestamptz - make_interval(secs => (1 + pg_temp.rnd('ssday:' || i) * 330) * 86400), 'seed'
    FROM generate_series(1, ${STORY_PROGRAMMES.unitSuspiciousReports}) i
    CROSS JOIN LATERAL (SELECT u.id, u.grid_id FROM household_units u WHERE u.grid_id IS NOT NULL ORDER BY u.id
                        OFFSET pg_temp.rndint('ssu:' || i, (SELECT count(*)::int FROM household_units WHERE grid_id IS NOT NULL)) LIMIT 1) hu
    ORDER BY i`.execute(trx)
}

async function seedMediation(trx: Kysely<any>, anchor: string): Promise<void> {
  // One case per dispute that reached a room: opened within days of the report, closed when it
  // was resolved (agreement) or escalated (referred on, or no agreement).
  await sql`
    INSERT INTO mediation_cases (dispute_id, room_id, opened_at, closed_at, outcome, sessions, opened_by, closed_by)
    SELECT d.id, d.mediation_room_id, o.opened_at,
           CASE d.status WHEN 'resolved' THEN d.resolved_at
                         WHEN 'escalated' THEN greatest(o.opened_at, least(o.opened_at + make_interval(days => 3 + pg_temp.rndint('mcl:' || d.id, 12)), ${anchor}::timestamptz - interval '1 hour')) END,
           CASE d.status WHEN 'resolved' THEN 'agreement' WHEN 'escalated' THEN CASE WHEN pg_temp.rnd('mout:' || d.id) < 0.6 THEN 'referred' ELSE 'no_agreement' END END,
           1 + pg_temp.rndint('mses:' || d.id, 3), 'seed', CASE WHEN d.status IN ('resolved', 'escalated') THEN 'seed' END
    FROM disputes d
    CROSS JOIN LATERAL (SELECT CASE WHEN d.status = 'resolved' THEN d.reported_at + (d.resolved_at - d.reported_at) * (0.3 * pg_temp.rnd('mop:' || d.id))
        ELSE greatest(d.reported_at, least(d.reported_at + make_interval(secs => pg_temp.rnd('mop:' || d.id) * 2 * 86400), ${anchor}::timestamptz - interval '2 hours')) END AS opened_at) o
    WHERE d.mediation_room_id IS NOT NULL AND d.status <> 'reported' ORDER BY d.id`.execute(trx)
  // At every table: the community officer of the dispute's cell; a people's mediator in most;
  // court, justice bureau and petition office in the joint cases (公安+法院+司法+信访).
  await sql`
    INSERT INTO mediation_participants (case_id, agency, name, role)
    SELECT c.id, p.agency, p.name, p.role
    FROM mediation_cases c JOIN disputes d ON d.id = c.dispute_id LEFT JOIN officers o ON o.id = d.officer_id
    CROSS JOIN LATERAL (VALUES
      ('police', coalesce(o.name, pg_temp.person_name('mpo:' || c.id)), '社区民警', true),
      ('people_mediator', pg_temp.person_name('mpm:' || c.id), '人民调解员', pg_temp.rnd('mpmx:' || c.id) < 0.8),
      ('court', pg_temp.person_name('mpc:' || c.id), '法官', pg_temp.rnd('joint:' || c.id) < ${STORY_PROGRAMMES.jointShare}),
      ('justice', pg_temp.person_name('mpj:' || c.id), '司法所', pg_temp.rnd('joint:' || c.id) < ${STORY_PROGRAMMES.jointShare}),
      ('petition', pg_temp.person_name('mpp:' || c.id), '信访办', pg_temp.rnd('joint:' || c.id) < ${STORY_PROGRAMMES.jointShare * 0.6}),
      ('village_committee', pg_temp.person_name('mpv:' || c.id), '村（居）委会', pg_temp.rnd('mpvx:' || c.id) < 0.3)
    ) AS p(agency, name, role, present)
    WHERE p.present ORDER BY c.id, p.agency`.execute(trx)
}

async function seedMeetings(trx: Kysely<any>, anchor: string): Promise<void> {
  // 月例会: every station or branch with each town it covers, once a month for a year (Beijing time).
  await sql`
    INSERT INTO coordination_meetings (kind, held_at, station_id, area_code, attendees, summary, recorded_by)
    SELECT 'station_town', (date_trunc('month', (${anchor}::timestamptz AT TIME ZONE 'Asia/Shanghai') - make_interval(months => m))
             + make_interval(days => 2 + pg_temp.rndint('mday:' || tu.town || ':' || m, 20), hours => 9)) AT TIME ZONE 'Asia/Shanghai',
           tu.station_id, tu.town, 6 + pg_temp.rndint('matt:' || tu.town || ':' || m, 10), '派出所与乡镇（街道）月例会：通报治安形势，研究基层治理问题', 'seed'
    FROM town_unit tu, generate_series(1, 12) m ORDER BY tu.town, m`.execute(trx)
  // 周研判: the community police office with the village (community) committees, weekly.
  await sql`
    INSERT INTO coordination_meetings (kind, held_at, station_id, area_code, attendees, summary, recorded_by)
    SELECT 'community_weekly', date_trunc('week', ${anchor}::timestamptz AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
             - make_interval(weeks => w) + make_interval(days => pg_temp.rndint('wday:' || tu.town || ':' || w, 5), hours => 14),
           tu.station_id, tu.town, 3 + pg_temp.rndint('watt:' || tu.town || ':' || w, 6), '警务室与社区（村）班子周研判', 'seed'
    FROM town_unit tu, generate_series(1, 52) w ORDER BY tu.town, w`.execute(trx)
  // 日沟通: each cell's community officer with its grid worker, the last two weeks.
  await sql`
    INSERT INTO coordination_meetings (kind, held_at, station_id, area_code, grid_id, attendees, summary, recorded_by)
    SELECT 'grid_daily', date_trunc('day', ${anchor}::timestamptz AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
             - make_interval(days => d) + make_interval(mins => 480 + pg_temp.rndint('dmin:' || g.id || ':' || d, 600)),
           g.station_id, g.community_code, g.id, 2, '社区民警与网格员日沟通', 'seed'
    FROM grid_cells g, generate_series(1, ${STORY_PROGRAMMES.dailyContactDays}) d ORDER BY g.id, d`.execute(trx)
  // Issues raised at monthly and weekly meetings older than two months; the 34 resolved ones at
  // the next monthly meeting of the same station at least a week later.
  const total = STORY_PROGRAMMES.issuesResolved + STORY_PROGRAMMES.issuesOpen
  await sql`
    INSERT INTO coordination_issues (title, category, raised_in, resolved_in, resolved_at)
    SELECT x.title, x.category, m.id, r.id, r.held_at
    FROM (SELECT i, row_number() OVER (ORDER BY pg_temp.rnd('iss:' || i)) AS k,
                 (${JSON.stringify(ISSUES)}::jsonb -> ((i - 1) % ${ISSUES.length})) ->> 0 AS title,
                 (${JSON.stringify(ISSUES)}::jsonb -> ((i - 1) % ${ISSUES.length})) ->> 1 AS category
          FROM generate_series(1, ${total}) i) x
    CROSS JOIN LATERAL (SELECT id, station_id, held_at FROM coordination_meetings
                        WHERE kind IN ('station_town', 'community_weekly') AND held_at < ${anchor}::timestamptz - interval '60 days'
                        ORDER BY pg_temp.rnd('issm:' || x.i || ':' || id) LIMIT 1) m
    LEFT JOIN LATERAL (SELECT id, held_at FROM coordination_meetings n
                       WHERE x.k <= ${STORY_PROGRAMMES.issuesResolved} AND n.kind = 'station_town' AND n.station_id = m.station_id
                         AND n.held_at >= m.held_at + interval '7 days'
                       ORDER BY n.held_at, n.id LIMIT 1) r ON true
    ORDER BY x.i`.execute(trx)
}
