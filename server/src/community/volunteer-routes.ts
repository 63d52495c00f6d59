import type { Router, Request } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql } from 'kysely'
import type { DbHandle } from '../db/create-db.ts'
import { requirePrincipal } from '../auth/policy.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { actorOf } from '../http/actor.ts'
import { ApiError, handle } from '../http/errors.ts'
import { parseCommunityBody, pathId } from './input.ts'
import { recentLedger, recordActivity, volunteerAccount } from './ledger.ts'
import { volunteersQuery } from '../contract/volunteer.ts'
import { activityBody, leaderboardQuery, type LeaderboardAnswer } from '../contract/community.ts'

/** Who may read a volunteer's account: desk roles all of them, a volunteer account only its own. */
async function mayRead(db: DbHandle['db'], req: Request, volunteerId: number): Promise<boolean> {
  const p = requirePrincipal(req)
  if (p.role === 'admin' || p.role === 'command' || p.role === 'planner') return true
  if (p.role !== 'volunteer') return false
  const r = await sql<{ volunteer_id: number | null }>`SELECT volunteer_id FROM users WHERE id = ${p.userId}`.execute(db)
  return r.rows[0]?.volunteer_id === volunteerId
}

/** The volunteer registry, one volunteer's points account, leaderboards and recording activities. */
export function volunteerRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')

  router.get(
    '/volunteers',
    handle(async (req, res) => {
      const q = volunteersQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const { org, after, limit } = q.data
      if (org !== undefined && !(await sql`SELECT 1 FROM volunteer_orgs WHERE id = ${org}`.execute(db)).rows.length) {
        throw new ApiError(404, 'unknown_org', `no volunteer organisation ${org}`)
      }
      const where = sql`${org !== undefined ? sql`v.org_id = ${org}` : sql`true`} AND ${q.data.q ? sql`strpos(v.name, ${q.data.q}) > 0` : sql`true`}`
      const [rows, total] = await Promise.all([
        sql<{ id: number }>`
          SELECT v.id, v.name, v.occupation, v.joined_on, v.org_id, o.name AS org_name,
                 (SELECT coalesce(sum(delta), 0)::int FROM points_ledger l WHERE l.volunteer_id = v.id) AS balance
          FROM volunteers v JOIN volunteer_orgs o ON o.id = v.org_id
          WHERE ${where} AND v.id > ${after} ORDER BY v.id LIMIT ${limit + 1}`.execute(db),
        sql<{ n: number }>`SELECT count(*)::int AS n FROM volunteers v WHERE ${where}`.execute(db),
      ])
      const page = rows.rows.slice(0, limit)
      res.json({ total: total.rows[0]!.n, volunteers: page, next: rows.rows.length > limit ? page[page.length - 1]!.id : null })
    }),
  )

  router.get(
    '/volunteers/:id',
    handle(async (req, res) => {
      const id = pathId(req.params.id, 'volunteer')
      // Another volunteer's account is 404 to a volunteer, as if it did not exist.
      if (!(await mayRead(db, req, id))) throw new ApiError(404, 'unknown_volunteer', `no volunteer ${id}`)
      const account = await volunteerAccount(db, id)
      if (!account) throw new ApiError(404, 'unknown_volunteer', `no volunteer ${id}`)
      res.json({ ...account, ledger: await recentLedger(db, id, 20) })
    }),
  )

  router.get(
    '/volunteer-orgs/:id/leaderboard',
    handle(async (req, res) => {
      const id = pathId(req.params.id, 'org')
      const q = leaderboardQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const org = await sql<{ id: number; name: string; kind: string }>`SELECT id, name, kind FROM volunteer_orgs WHERE id = ${id}`.execute(db)
      if (!org.rows[0]) throw new ApiError(404, 'unknown_org', `no volunteer organisation ${id}`)
      // Ranked by points earned (redeeming does not lower a rank); ties share a rank.
      const r = await sql<LeaderboardAnswer['leaderboard'][number]>`
        SELECT rank() OVER (ORDER BY s.earned DESC)::int AS rank, s.*
        FROM (SELECT v.id, v.name, coalesce(sum(l.delta) FILTER (WHERE l.delta > 0), 0)::int AS earned, coalesce(sum(l.delta), 0)::int AS balance
              FROM volunteers v LEFT JOIN points_ledger l ON l.volunteer_id = v.id WHERE v.org_id = ${id} GROUP BY v.id) s
        ORDER BY s.earned DESC, s.id LIMIT ${q.data.limit}`.execute(db)
      res.json({ org: org.rows[0], leaderboard: r.rows } satisfies LeaderboardAnswer)
    }),
  )

  router.post(
    '/volunteers/:id/activities',
    handle(async (req, res) => {
      const id = pathId(req.params.id, 'volunteer')
      const body = parseCommunityBody(activityBody, req.body)
      const out = await recordActivity(db, id, { kind: body.kind, quantity: body.quantity, heldAt: body.heldAt, note: body.note }, actorOf(req))
      res.status(201).json(out)
    }),
  )

  return router
}
