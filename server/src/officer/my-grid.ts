import { sql, type Kysely } from 'kysely'
import { dbStep } from '../analysis/hex-db.ts'
import { computeSeasonal } from '../analysis/seasonal.ts'
import type { MyGridOfficer } from '../contract/officer.ts'

/** Hazard statuses an officer still has to check (the others are final). */
export const OPEN_HAZARD_STATUSES = ['reported', 'verified', 'rectifying'] as const
/** Dispute statuses still open. */
export const OPEN_DISPUTE_STATUSES = ['reported', 'mediating', 'escalated'] as const

export const DUTY_RULE =
  'a guard post is on duty on school days (Monday–Friday, Asia/Shanghai) from minutes_before before to minutes_after after each dismissal time of its school'

/**
 * Every cell of the account, as the condition `<column> IN (its cells)`: the scope is the
 * account's rows of user_grid_cells, read inside each query, never a list the client sent.
 * `<column> IN (SELECT grid_id FROM user_grid_cells WHERE user_id = $1)`
 */
const inMyCells = (column: string, userId: number) => sql<boolean>`${sql.ref(column)} IN (SELECT ugc.grid_id FROM user_grid_cells ugc WHERE ugc.user_id = ${userId})`

const parseJson = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v)

/** "HH:MM" plus minutes, on a 24-hour clock (duty windows never cross midnight in practice; clamped). */
function shiftTime(hhmm: string, minutes: number): string | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm)
  if (!m) return null
  const t = Math.min(24 * 60 - 1, Math.max(0, Number(m[1]) * 60 + Number(m[2]) + minutes))
  return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`
}

/**
 * What an officer needs on a phone for their own grid cells (issue 8, "my grid"): the cells,
 * the people who answer for them (by name, with their directory key for the card), hazards to
 * check and open disputes (by status and age), ten-household units with their lead, guard posts
 * with today's duty times, and this season's screening focus. Everything is scoped in SQL to the
 * account's cells in user_grid_cells; `at` is "now".
 */
export async function myGrid(db: Kysely<any>, userId: number, at: string, asked: boolean) {
  // Only an asked-for moment hides what was reported after it; "now" shows every report (a
  // phone's clock a little ahead must not hide the entry it just sent).
  const upTo = (column: string) => (asked ? sql`AND ${sql.ref(column)} <= ${at}::timestamptz` : sql``)
  const officer = await dbStep('reading the officer', async () => {
    const r = await sql<MyGridOfficer>`
      SELECT u.id AS user_id, u.display_name, u.officer_id, o.name, o.phone
      FROM users u LEFT JOIN officers o ON o.id = u.officer_id WHERE u.id = ${userId}`.execute(db)
    return r.rows[0]!
  })
  const cells = await dbStep('reading the officer\u2019s grid cells', async () => {
    const r = await sql<{ features: unknown; bbox: [number, number, number, number] | null; ids: number[] | string }>`
      SELECT coalesce(json_agg(json_build_object('type', 'Feature', 'id', g.id, 'geometry', ST_AsGeoJSON(g.geom, 7)::json,
               'properties', json_build_object('id', g.id, 'code', g.code, 'name', g.name, 'community_code', g.community_code,
                 'community', a.name, 'households', g.households, 'population', g.population)) ORDER BY g.id), '[]'::json) AS features,
             CASE WHEN count(*) > 0 THEN json_build_array(ST_XMin(ST_Extent(g.geom)), ST_YMin(ST_Extent(g.geom)), ST_XMax(ST_Extent(g.geom)), ST_YMax(ST_Extent(g.geom))) END AS bbox,
             coalesce(json_agg(g.id ORDER BY g.id), '[]'::json) AS ids
      FROM grid_cells g LEFT JOIN admin_areas a ON a.code = g.community_code
      WHERE ${inMyCells('g.id', userId)}`.execute(db)
    const row = r.rows[0]!
    return { features: parseJson(row.features as unknown[]), bbox: parseJson(row.bbox), ids: parseJson(row.ids) as number[] }
  })

  // Who answers for my cells beside me: auxiliaries, grid workers, militia contacts (and any other officer named on them).
  const people = await dbStep('reading the people of the officer\u2019s cells', async () => {
    const r = await sql<{ id: string; name: string; role: string; phone: string | null; cells: unknown }>`
      SELECT c.kind || ':' || c.ref_id AS id, p.name, p.role, p.phone,
             json_agg(json_build_object('id', g.id, 'code', g.code, 'name', g.name, 'duty', c.duty) ORDER BY g.code) AS cells
      FROM person_cells c JOIN people p ON p.kind = c.kind AND p.ref_id = c.ref_id JOIN grid_cells g ON g.id = c.grid_id
      WHERE ${inMyCells('c.grid_id', userId)}
      GROUP BY c.kind, c.ref_id, p.name, p.role, p.phone
      ORDER BY min(array_position(ARRAY['community_officer', 'auxiliary', 'grid_worker', 'militia'], c.duty)), p.name, c.kind, c.ref_id`.execute(db)
    return r.rows.map((row) => ({ ...row, cells: parseJson(row.cells as unknown[]) }))
  })

  const hazards = await dbStep('reading the hazards to check', async () => {
    const r = await sql`
      SELECT h.id, h.code, h.category, h.status, h.source, h.description, h.grid_id, h.version, h.reported_at,
             EXISTS (SELECT 1 FROM hazard_photos p WHERE p.hazard_id = h.id) AS has_photo,
             round((extract(epoch FROM (${at}::timestamptz - h.reported_at)) / 86400)::numeric, 1)::float AS age_days,
             ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat
      FROM hazards h
      WHERE ${inMyCells('h.grid_id', userId)} AND h.status IN ('reported', 'verified', 'rectifying') ${upTo('h.reported_at')}
      ORDER BY array_position(ARRAY['reported', 'verified', 'rectifying'], h.status), h.reported_at, h.id`.execute(db)
    return r.rows
  })
  const disputes = await dbStep('reading the open disputes', async () => {
    const r = await sql`
      SELECT d.id, d.code, d.category, d.status, d.source, d.parties, d.description, d.season, d.grid_id, d.household_unit_id, d.version, d.reported_at,
             round((extract(epoch FROM (${at}::timestamptz - d.reported_at)) / 86400)::numeric, 1)::float AS age_days,
             ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat
      FROM disputes d
      WHERE ${inMyCells('d.grid_id', userId)} AND d.status IN ('reported', 'mediating', 'escalated') ${upTo('d.reported_at')}
      ORDER BY array_position(ARRAY['escalated', 'reported', 'mediating'], d.status), d.reported_at, d.id`.execute(db)
    return r.rows
  })
  const householdUnits = await dbStep('reading the ten-household units', async () => {
    const r = await sql`
      SELECT u.id, u.code, u.name, u.lead_name, u.lead_phone, u.households, u.reports, u.grid_id, ST_X(u.geom) AS lon, ST_Y(u.geom) AS lat
      FROM household_units u WHERE ${inMyCells('u.grid_id', userId)} ORDER BY u.grid_id, u.code`.execute(db)
    return r.rows
  })

  // Guard posts at the schools in my cells, and any post I am named on.
  const guard = await dbStep('reading the guard posts', async () => {
    const r = await sql<{
      id: number; name: string; school_id: number; school: string; dismissal_times: string[] | string; minutes_before: number; minutes_after: number
      officer_id: number | null; grid_id: number | null; lon: number; lat: number; school_day: boolean
    }>`
      SELECT p.id, p.name, p.school_id, s.name AS school, to_json(s.dismissal_times) AS dismissal_times, p.minutes_before, p.minutes_after,
             p.officer_id, s.grid_id, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat,
             extract(isodow FROM ${at}::timestamptz AT TIME ZONE 'Asia/Shanghai') BETWEEN 1 AND 5 AS school_day
      FROM guard_posts p JOIN schools s ON s.id = p.school_id
      WHERE ${inMyCells('s.grid_id', userId)} OR (p.officer_id IS NOT NULL AND p.officer_id = ${officer.officer_id})
      ORDER BY p.id`.execute(db)
    return r.rows
  })
  const guardPosts = guard.map(({ school_day, ...p }) => {
    const times = parseJson(p.dismissal_times) ?? []
    return {
      ...p,
      dismissal_times: times,
      today: school_day
        ? times.flatMap((d) => {
            const from = shiftTime(d, -p.minutes_before)
            const to = shiftTime(d, p.minutes_after)
            return from && to ? [{ dismissal: d, from, to }] : []
          })
        : [],
    }
  })

  const seasonal = cells.ids.length
    ? await computeSeasonal(db, { grids: cells.ids, at, years: 3, minCount: 2 })
    : null
  return {
    at,
    officer,
    // RFC 7946: a bbox, when present, is an array; an account without cells has none.
    cells: { type: 'FeatureCollection' as const, features: cells.features, ...(cells.bbox ? { bbox: cells.bbox } : {}) },
    grid_ids: cells.ids,
    people,
    hazards,
    disputes,
    household_units: householdUnits,
    guard_posts: guardPosts,
    season: seasonal && {
      season: seasonal.parameters.season,
      focus_category: seasonal.parameters.focus_category,
      past_season_years: seasonal.parameters.past_season_years,
      screen_rule: seasonal.parameters.screen_rule,
      cells: seasonal.cells.map((c) => ({ grid_id: c.grid_id, code: c.code, name: c.name, ...c.focus })),
    },
    rules: {
      hazards: `status in ${OPEN_HAZARD_STATUSES.join(', ')}, by status then oldest first; age in days at \`at\`; with \`at\` given, reports after it are left out`,
      disputes: `status in ${OPEN_DISPUTE_STATUSES.join(', ')}, escalated first then oldest first`,
      duty: DUTY_RULE,
    },
  }
}
