import type { Router, Request } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql, type RawBuilder } from 'kysely'
import { intArray } from '../auth/layer-access.ts'
import { requirePrincipal } from '../auth/policy.ts'
import type { DbHandle } from '../db/create-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { actorOf } from '../http/actor.ts'
import { ApiError, handle } from '../http/errors.ts'
import { parseCommunityBody } from './input.ts'
import { auditRecord } from './scope.ts'
import { issuesQuery, meetingBody, meetingsQuery, type IssuesAnswer, type MeetingCreated, type MeetingsAnswer } from '../contract/community.ts'
import { stationExists } from '../stations/stations.ts'

/** The kinds of meeting and of issue (the contract's). */
export { ISSUE_CATEGORIES, MEETING_KINDS } from '../contract/community.ts'

/**
 * Which meetings a request may see: desk roles all; an officer the daily contacts of their own
 * cells and the meetings of the stations their cells belong to.
 */
function meetingScope(req: Request): RawBuilder<boolean> {
  const p = requirePrincipal(req)
  if (p.role === 'admin' || p.role === 'command' || p.role === 'planner') return sql<boolean>`true`
  if (p.role !== 'officer') return sql<boolean>`false`
  const ids = intArray(p.gridIds)
  return sql<boolean>`(CASE WHEN m.grid_id IS NOT NULL THEN m.grid_id = ANY(${ids})
    ELSE m.station_id IN (SELECT g.station_id FROM grid_cells g WHERE g.id = ANY(${ids})) END)`
}

const inPeriod = (f: { station?: number | undefined; from?: string | undefined; to?: string | undefined }, at: RawBuilder<unknown>) => sql`
  (${f.station ?? null}::int IS NULL OR m.station_id = ${f.station ?? null}::int)
  AND (${f.from ?? null}::timestamptz IS NULL OR ${at} >= ${f.from ?? null}::timestamptz)
  AND (${f.to ?? null}::timestamptz IS NULL OR ${at} < ${f.to ?? null}::timestamptz)`

/** Coordination meetings (研判会商) and the issues raised and resolved in them. */
export function meetingRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')

  router.get(
    '/coordination/meetings',
    handle(async (req, res) => {
      const q = meetingsQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const f = q.data
      const where = sql`${meetingScope(req)} AND (${f.kind ?? null}::text IS NULL OR m.kind = ${f.kind ?? null}::text) AND ${inPeriod(f, sql`m.held_at`)}`
      const [summary, rows] = await Promise.all([
        sql<MeetingsAnswer['summary'][number]>`SELECT m.kind, count(*)::int AS meetings, sum(m.attendees)::int AS attendees, coalesce(sum(r.n), 0)::int AS raised, coalesce(sum(s.n), 0)::int AS resolved
            FROM coordination_meetings m
            LEFT JOIN (SELECT raised_in, count(*) AS n FROM coordination_issues GROUP BY raised_in) r ON r.raised_in = m.id
            LEFT JOIN (SELECT resolved_in, count(*) AS n FROM coordination_issues WHERE resolved_in IS NOT NULL GROUP BY resolved_in) s ON s.resolved_in = m.id
            WHERE ${where} GROUP BY m.kind ORDER BY m.kind`.execute(db),
        sql<MeetingsAnswer['meetings'][number]>`
          SELECT m.id, m.kind, m.held_at, m.station_id, p.name AS station_name, m.area_code, a.name AS area_name, m.grid_id, m.attendees, m.summary, m.recorded_by,
                 (SELECT coalesce(json_agg(json_build_object('id', i.id, 'title', i.title, 'category', i.category, 'resolved_at', i.resolved_at) ORDER BY i.id), '[]'::json)
                    FROM coordination_issues i WHERE i.raised_in = m.id) AS raised,
                 (SELECT coalesce(json_agg(json_build_object('id', i.id, 'title', i.title, 'category', i.category, 'raised_in', i.raised_in) ORDER BY i.id), '[]'::json)
                    FROM coordination_issues i WHERE i.resolved_in = m.id) AS resolved
          FROM coordination_meetings m JOIN police_units p ON p.id = m.station_id LEFT JOIN admin_areas a ON a.code = m.area_code
          WHERE ${where} AND m.id > ${f.after} ORDER BY m.id LIMIT ${f.limit + 1}`.execute(db),
      ])
      const page = rows.rows.slice(0, f.limit)
      res.json({ summary: summary.rows, meetings: page, next: rows.rows.length > f.limit ? page[page.length - 1]!.id : null } satisfies MeetingsAnswer)
    }),
  )

  router.get(
    '/coordination/issues',
    handle(async (req, res) => {
      const q = issuesQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const f = q.data
      // The period applies to when an issue was raised.
      const r = await sql<IssuesAnswer['issues'][number]>`
        SELECT i.id, i.title, i.category, i.raised_in, m.kind AS raised_at_kind, m.held_at AS raised_at, m.station_id, i.resolved_in, i.resolved_at
        FROM coordination_issues i JOIN coordination_meetings m ON m.id = i.raised_in
        WHERE ${meetingScope(req)} AND ${inPeriod(f, sql`m.held_at`)}
          AND (${f.status ?? null}::text IS NULL OR (i.resolved_in IS NOT NULL) = (${f.status ?? null}::text = 'resolved'))
        ORDER BY m.held_at, i.id`.execute(db)
      const resolved = r.rows.filter((i) => i.resolved_in !== null).length
      res.json({ raised: r.rows.length, resolved, open: r.rows.length - resolved, issues: r.rows } satisfies IssuesAnswer)
    }),
  )

  router.post(
    '/coordination/meetings',
    handle(async (req, res) => {
      const body = parseCommunityBody(meetingBody, req.body)
      const principal = requirePrincipal(req)
      const actor = actorOf(req)
      const out = await db.transaction().execute(async (trx) => {
        // A daily contact takes its station and community from its cell; officers log only their own cells and stations.
        let stationId = body.stationId
        let areaCode = body.areaCode
        if (body.gridId !== undefined) {
          const g = (await sql<{ station_id: number; community_code: string }>`SELECT station_id, community_code FROM grid_cells WHERE id = ${body.gridId}`.execute(trx)).rows[0]
          if (!g) throw new ApiError(400, 'unknown_grid', `no grid cell ${body.gridId}`)
          if (stationId !== undefined && stationId !== g.station_id) throw new ApiError(400, 'invalid_body', `grid cell ${body.gridId} belongs to station ${g.station_id}, not ${stationId}`)
          stationId = g.station_id
          areaCode ??= g.community_code
        }
        if (!(await stationExists(trx, stationId!))) throw new ApiError(400, 'unknown_station', `no police station ${stationId} (a unit that owns grid cells or patrol zones)`)
        if (!(await sql`SELECT 1 FROM admin_areas WHERE code = ${areaCode!}`.execute(trx)).rows.length) throw new ApiError(400, 'unknown_area', `no administrative area ${areaCode}`)
        if (principal.role === 'officer') {
          const own = intArray(principal.gridIds)
          const ok = body.gridId !== undefined
            ? principal.gridIds.includes(body.gridId)
            : (await sql`SELECT 1 FROM grid_cells WHERE id = ANY(${own}) AND station_id = ${stationId!}`.execute(trx)).rows.length > 0
          if (!ok) throw new ApiError(403, 'out_of_scope', 'officers log meetings of their own cells and stations')
        }
        const m = (await sql<Omit<MeetingCreated, 'issues'>>`
          INSERT INTO coordination_meetings (kind, held_at, station_id, area_code, grid_id, attendees, summary, recorded_by)
          VALUES (${body.kind}, ${body.heldAt}::timestamptz, ${stationId!}, ${areaCode!}, ${body.gridId ?? null}, ${body.attendees}, ${body.summary ?? ''}, ${actor})
          RETURNING *`.execute(trx)).rows[0]!
        for (const issue of body.raised) {
          await sql`INSERT INTO coordination_issues (title, category, raised_in) VALUES (${issue.title}, ${issue.category}, ${m.id})`.execute(trx)
        }
        if (body.resolves.length) {
          // Open issues of this station, raised no later than this meeting.
          const done = await sql<{ id: number }>`
            UPDATE coordination_issues i SET resolved_in = ${m.id}, resolved_at = ${body.heldAt}::timestamptz
            FROM coordination_meetings r WHERE r.id = i.raised_in AND i.id = ANY(${intArray(body.resolves)}) AND i.resolved_in IS NULL
              AND r.station_id = ${stationId!} AND r.held_at <= ${body.heldAt}::timestamptz
            RETURNING i.id`.execute(trx)
          const missing = body.resolves.filter((id) => !done.rows.some((d) => d.id === id))
          if (missing.length) throw new ApiError(400, 'invalid_issue', `issues ${missing.join(', ')} are unknown, already resolved, of another station or raised after this meeting`)
        }
        const issues = await sql<MeetingCreated['issues'][number]>`SELECT id, title, category, raised_in, resolved_in FROM coordination_issues WHERE raised_in = ${m.id} OR resolved_in = ${m.id} ORDER BY id`.execute(trx)
        const after: MeetingCreated = { ...m, issues: issues.rows }
        await auditRecord(trx, { actor, action: 'create', layer: 'coordination_meetings', id: m.id, after })
        return after
      })
      res.status(201).json(out)
    }),
  )

  return router
}
