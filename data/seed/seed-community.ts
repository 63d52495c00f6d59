import { sql, type Kysely } from 'kysely'

export const STORY_COMMUNITY = {
  volunteerOrgs: 78,
  watchTeam: { name: '心愿邻里守望队', members: 168 },
  volunteers: 3068,
  pointActivities: 23,
  redeemers: 346,
} as const

const EXTRA_ORGS: Array<[string, string]> = [
  ['蓝天救援队辽源分队', 'rescue'], ['辽源市应急救援志愿队', 'rescue'], ['东辽河护河志愿队', 'patrol'], ['渭津河护河志愿队', 'patrol'],
  ['寿山河护河志愿队', 'patrol'], ['市区交通劝导队', 'traffic'], ['东丰县交通劝导队', 'traffic'], ['东辽县交通劝导队', 'traffic'],
  ['龙山区人民调解志愿队', 'mediation'], ['西安区人民调解志愿队', 'mediation'], ['东丰县人民调解志愿队', 'mediation'], ['东辽县人民调解志愿队', 'mediation'],
  ['法律服务志愿队', 'mediation'], ['快递小哥平安志愿队', 'patrol'], ['物业保安联防队', 'patrol'], ['出租车司机平安志愿队', 'patrol'],
  ['退役军人志愿服务队', 'patrol'], ['"五防"宣传志愿队', 'propaganda'], ['社区警校宣讲团', 'propaganda'], ['反诈宣传志愿队', 'propaganda'],
  ['校园安全志愿队', 'traffic'], ['巾帼平安志愿队', 'patrol'], ['银发平安志愿队', 'patrol'], ['青年志愿者平安分队', 'patrol'],
  ['网格员志愿服务队', 'patrol'], ['楼长联防队', 'neighbourhood_watch'], ['商户联防队', 'neighbourhood_watch'], ['九小场所自治队', 'propaganda'], ['防汛应急志愿队', 'rescue'],
]
/** The 平安超市's shelf: points price and the stock before the seeded redemptions. */
const SHOP_ITEMS = [
  { name: '洗衣液', price: 20, stock: 150 }, { name: '食用油', price: 30, stock: 150 }, { name: '大米5kg', price: 30, stock: 150 },
  { name: '毛巾', price: 10, stock: 150 }, { name: '保温杯', price: 25, stock: 150 },
]
const OCCUPATIONS = ['社区干部', '村干部', '物业保安', '快递小哥', '楼长', '居民', '民兵', '退休职工', '教师', '个体商户', '出租车司机', '网格员']

/** Volunteer organisations and volunteers, the 23 points activities and the 平安超市 redemptions. */
export async function seedCommunity(trx: Kysely<any>, anchor: string): Promise<void> {
  await sql`
    INSERT INTO volunteer_orgs (name, kind, unit_id, founded_on)
    SELECT ${STORY_COMMUNITY.watchTeam.name}, 'neighbourhood_watch', p.id,
           make_date(extract(year FROM ${anchor}::timestamptz)::int - 1, 5, 8)
    FROM police_units p WHERE p.name LIKE '%仙城分局'`.execute(trx)
  await sql`
    INSERT INTO volunteer_orgs (name, kind, unit_id, founded_on)
    SELECT pg_temp.short_name(t.name) || '平安志愿队',
           'patrol', tu.station_id, (${anchor}::timestamptz - make_interval(days => 200 + pg_temp.rndint('of:' || t.code, 900)))::date
    FROM admin_areas t JOIN town_unit tu ON tu.town = t.code WHERE t.level = 'town' ORDER BY t.code`.execute(trx)
  // The city-wide organisations make up the story's total of 78.
  const existing = await sql<{ n: number }>`SELECT count(*)::int AS n FROM volunteer_orgs`.execute(trx)
  const extras = EXTRA_ORGS.slice(0, STORY_COMMUNITY.volunteerOrgs - (existing.rows[0]?.n ?? 0))
  await sql`
    INSERT INTO volunteer_orgs (name, kind, unit_id, founded_on)
    SELECT o.name, o.kind, (SELECT id FROM police_units WHERE kind = 'bureau'), (${anchor}::timestamptz - make_interval(days => 100 + pg_temp.rndint('of:' || o.name, 1500)))::date
    FROM jsonb_to_recordset(${JSON.stringify(extras.map(([name, kind]) => ({ name, kind })))}::jsonb) AS o(name text, kind text)
    ORDER BY o.name`.execute(trx)

  // 168 in the watch team, the rest spread over the other organisations by a seeded weight.
  await sql`
    CREATE TEMP TABLE org_size ON COMMIT DROP AS
    WITH w AS (SELECT id, name, 0.3 + pg_temp.rnd('osz:' || name) AS w FROM volunteer_orgs WHERE name <> ${STORY_COMMUNITY.watchTeam.name})
    SELECT id, floor(w / sum(w) OVER () * ${STORY_COMMUNITY.volunteers - STORY_COMMUNITY.watchTeam.members})::int AS n FROM w
    UNION ALL SELECT id, ${STORY_COMMUNITY.watchTeam.members} FROM volunteer_orgs WHERE name = ${STORY_COMMUNITY.watchTeam.name}`.execute(trx)
  await sql`
    UPDATE org_size SET n = n + (${STORY_COMMUNITY.volunteers} - (SELECT sum(n) FROM org_size))
    WHERE id = (SELECT min(id) FROM volunteer_orgs WHERE name <> ${STORY_COMMUNITY.watchTeam.name})`.execute(trx)
  await sql`
    INSERT INTO volunteers (org_id, name, occupation, phone, joined_on)
    SELECT o.id, pg_temp.person_name('vol:' || o.id || ':' || k), (${OCCUPATIONS}::text[])[1 + pg_temp.rndint('occ:' || o.id || ':' || k, ${OCCUPATIONS.length})],
           pg_temp.phone('vol:' || o.id || ':' || k), greatest(org.founded_on, (${anchor}::timestamptz - make_interval(days => pg_temp.rndint('vj:' || o.id || ':' || k, 700)))::date)
    FROM org_size o JOIN volunteer_orgs org ON org.id = o.id, generate_series(1, o.n) k
    ORDER BY o.id, k`.execute(trx)
  // Each organisation's lead (people directory, migration 0022): its first member.
  await sql`UPDATE volunteers SET lead = true WHERE id IN (SELECT min(id) FROM volunteers GROUP BY org_id)`.execute(trx)

  await sql`
    INSERT INTO volunteer_activities (org_id, title, kind, held_at, points, geom)
    SELECT org.id, a.title, a.kind, ${anchor}::timestamptz - make_interval(days => 10 + i * 14), 5 + 5 * pg_temp.rndint('ap:' || i, 4),
           ST_PointOnSurface((SELECT geom FROM admin_areas WHERE level = 'town' ORDER BY pg_temp.rnd('aloc:' || i || ':' || code) LIMIT 1))
    FROM generate_series(1, ${STORY_COMMUNITY.pointActivities}) i
    CROSS JOIN LATERAL (SELECT (ARRAY['夜间治安巡逻', '"五防"进社区宣传', '矛盾纠纷排查走访', '九小场所隐患排查', '校园周边交通劝导', '汛期河道巡查'])[1 + (i % 6)] AS title,
                               (ARRAY['patrol', 'publicity', 'mediation', 'hazard_check', 'traffic', 'flood'])[1 + (i % 6)] AS kind) a
    CROSS JOIN LATERAL (SELECT id FROM volunteer_orgs ORDER BY pg_temp.rnd('aorg:' || i || ':' || id) LIMIT 1) org
    ORDER BY i`.execute(trx)
  // Active volunteers join more often: p = 0.03 + 0.35·u² per activity.
  await sql`
    INSERT INTO activity_participants (activity_id, volunteer_id, points)
    SELECT a.id, v.id, a.points
    FROM volunteer_activities a CROSS JOIN volunteers v
    WHERE pg_temp.rnd('part:' || a.id || ':' || v.id) < 0.03 + 0.35 * pow(pg_temp.rnd('act:' || v.id), 2)
    ORDER BY a.id, v.id`.execute(trx)
  // Every movement of points is a ledger row; a balance is the ledger's sum (migration 0016).
  await sql`
    INSERT INTO points_ledger (volunteer_id, delta, kind, activity_id, at)
    SELECT p.volunteer_id, p.points, 'activity', p.activity_id, a.held_at
    FROM activity_participants p JOIN volunteer_activities a ON a.id = p.activity_id
    ORDER BY p.activity_id, p.volunteer_id`.execute(trx)
  await sql`
    INSERT INTO shop_items (name, price, stock)
    SELECT name, price, stock FROM jsonb_to_recordset(${JSON.stringify(SHOP_ITEMS)}::jsonb) AS i(name text, price int, stock int) ORDER BY name`.execute(trx)
  // 346 volunteers redeemed one item they could afford in the 平安超市.
  await sql`
    INSERT INTO redemptions (volunteer_id, item, item_id, quantity, points, redeemed_at, recorded_by)
    SELECT v.id, item.name, item.id, 1, item.price, ${anchor}::timestamptz - make_interval(days => pg_temp.rndint('rd:' || v.id, 60)), 'seed'
    FROM (SELECT l.volunteer_id AS id, row_number() OVER (ORDER BY pg_temp.rnd('redeem:' || l.volunteer_id)) AS r
          FROM (SELECT volunteer_id, sum(delta) AS balance FROM points_ledger GROUP BY volunteer_id) l WHERE l.balance >= 30) v
    CROSS JOIN LATERAL (SELECT id, name, price FROM shop_items ORDER BY pg_temp.rnd('item:' || v.id || ':' || name) LIMIT 1) item
    WHERE v.r <= ${STORY_COMMUNITY.redeemers}
    ORDER BY v.id`.execute(trx)
  await sql`
    INSERT INTO points_ledger (volunteer_id, delta, kind, redemption_id, at)
    SELECT volunteer_id, -points, 'redemption', id, redeemed_at FROM redemptions ORDER BY id`.execute(trx)
  await sql`
    UPDATE shop_items s SET stock = s.stock - r.n FROM (SELECT item_id, sum(quantity)::int AS n FROM redemptions GROUP BY item_id) r
    WHERE s.id = r.item_id`.execute(trx)
}
