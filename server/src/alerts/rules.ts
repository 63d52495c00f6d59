import { sql, type Kysely } from 'kysely'
import { hotspotUnvisited } from './hotspot-unvisited.ts'

/** One condition currently true: which thing, what to say, where. */
export interface Firing {
  subject: string
  message: string
  lon: number | null
  lat: number | null
}

export interface RuleRow {
  id: number
  kind: 'guard_post_unmanned' | 'left_zone' | 'river_overdue' | 'hotspot_unvisited'
  params: Record<string, unknown>
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)

/**
 * 护学岗: from `minutes_before` a dismissal time (school's local Asia/Shanghai times) to
 * `minutes_after` it, some unit must have reported within `radius_m` of the post in the last
 * `fresh_s` seconds.
 */
async function guardPostUnmanned(db: Kysely<any>, rule: RuleRow, at: string): Promise<Firing[]> {
  const radius = num(rule.params.radius_m, 100)
  const fresh = num(rule.params.fresh_s, 120)
  const r = await sql<Firing>`
    SELECT 'guard-post:' || gp.id || '@' || t.dismissal AS subject,
           gp.name || '：' || t.dismissal || ' 放学时段无人值守' AS message, ST_X(gp.geom) AS lon, ST_Y(gp.geom) AS lat
    FROM guard_posts gp JOIN schools s ON s.id = gp.school_id
    CROSS JOIN LATERAL unnest(s.dismissal_times) AS t(dismissal)
    CROSS JOIN LATERAL (
      SELECT ((${at}::timestamptz AT TIME ZONE 'Asia/Shanghai')::date + t.dismissal::time) AT TIME ZONE 'Asia/Shanghai' AS bell
    ) b
    WHERE ${at}::timestamptz BETWEEN b.bell - make_interval(mins => gp.minutes_before) AND b.bell + make_interval(mins => gp.minutes_after)
      AND NOT EXISTS (
        SELECT 1 FROM unit_current c
        WHERE c.ts >= ${at}::timestamptz - make_interval(secs => ${fresh}) AND c.geom && ST_Expand(gp.geom, 0.01)
          AND ST_DWithin(ST_Transform(c.geom, 32651), ST_Transform(gp.geom, 32651), ${radius})
      )`.execute(db)
  return r.rows
}

/**
 * A unit outside its patrol zone. Hysteresis against GPS jitter: the alert opens only once the
 * unit is more than `exit_m` outside the zone, and clears only once it is `enter_m` inside it.
 */
async function leftZone(db: Kysely<any>, rule: RuleRow, at: string): Promise<Firing[]> {
  const exit = num(rule.params.exit_m, 50)
  const enter = num(rule.params.enter_m, 20)
  const fresh = num(rule.params.fresh_s, 300)
  const r = await sql<Firing>`
    SELECT 'unit:' || u.code AS subject, u.callsign || ' 离开巡区「' || z.name || '」' AS message, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat
    FROM patrol_units u
    JOIN unit_current c ON c.unit_id = u.id
    JOIN patrol_zones z ON z.id = u.zone_id
    CROSS JOIN LATERAL (SELECT ST_Transform(c.geom, 32651) AS p, ST_Transform(z.geom, 32651) AS zm) m
    LEFT JOIN alerts a ON a.rule_id = ${rule.id} AND a.subject = 'unit:' || u.code AND a.cleared_at IS NULL
    WHERE c.ts >= ${at}::timestamptz - make_interval(secs => ${fresh})
      AND CASE WHEN a.id IS NULL THEN NOT ST_DWithin(m.p, m.zm, ${exit})
               ELSE NOT ST_Within(m.p, ST_Buffer(m.zm, ${-enter})) END`.execute(db)
  return r.rows
}

/** Flood season: no river patrol started in the last `hours`. */
async function riverOverdue(db: Kysely<any>, rule: RuleRow, at: string): Promise<Firing[]> {
  const hours = num(rule.params.hours, 24)
  const months = Array.isArray(rule.params.months) ? (rule.params.months as unknown[]).filter((m): m is number => typeof m === 'number') : [6, 7, 8, 9]
  if (months.length === 0) return []
  const r = await sql<Firing>`
    SELECT 'river:all' AS subject, '汛期已超过 ' || round(${hours}::numeric, 1) || ' 小时没有河道巡查' AS message, NULL::float8 AS lon, NULL::float8 AS lat
    WHERE extract(month FROM ${at}::timestamptz AT TIME ZONE 'Asia/Shanghai')::int IN (${sql.join(months)})
      AND NOT EXISTS (SELECT 1 FROM river_patrols WHERE started_at BETWEEN ${at}::timestamptz - ${hours} * interval '1 hour' AND ${at}::timestamptz)`.execute(db)
  return r.rows
}

export const RULES: Record<RuleRow['kind'], (db: Kysely<any>, rule: RuleRow, at: string) => Promise<Firing[]>> = {
  guard_post_unmanned: guardPostUnmanned,
  left_zone: leftZone,
  river_overdue: riverOverdue,
  hotspot_unvisited: hotspotUnvisited,
}
