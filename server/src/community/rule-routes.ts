import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql } from 'kysely'
import type { DbHandle } from '../db/create-db.ts'
import { actorOf } from '../http/actor.ts'
import { ApiError, handle } from '../http/errors.ts'
import { parseCommunityBody } from './input.ts'
import { pointRuleBody } from '../contract/community.ts'
import type { PointRule } from '../contract/volunteer.ts'

/**
 * The point rules (积分规则): points per unit of each activity kind. A change applies to
 * activities recorded after it; a record keeps the rate it was credited at.
 */
export function ruleRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')

  router.get(
    '/point-rules',
    handle(async (_req, res) => {
      res.json({ rules: (await sql`SELECT kind, unit, points_per_unit, max_quantity, label, version, updated_at FROM point_rules ORDER BY kind`.execute(db)).rows })
    }),
  )

  router.patch(
    '/point-rules/:kind',
    handle(async (req, res) => {
      const body = parseCommunityBody(pointRuleBody, req.body)
      const kind = String(req.params.kind)
      const updated = await db.transaction().execute(async (trx) => {
        const before = (await sql<{ j: unknown; version: number }>`SELECT to_jsonb(r) AS j, version FROM point_rules r WHERE kind = ${kind} FOR UPDATE`.execute(trx)).rows[0]
        if (!before) throw new ApiError(404, 'unknown_kind', `no point rule for activity kind "${kind}"`)
        if (before.version !== body.version) throw new ApiError(409, 'stale_version', `the rule is at version ${before.version}; reload and retry`)
        const after = (await sql<{ j: PointRule }>`
          UPDATE point_rules SET points_per_unit = coalesce(${body.pointsPerUnit ?? null}::int, points_per_unit),
                 max_quantity = coalesce(${body.maxQuantity ?? null}::int, max_quantity), label = coalesce(${body.label ?? null}::text, label),
                 version = version + 1, updated_at = now()
          WHERE kind = ${kind} RETURNING to_jsonb(point_rules) AS j`.execute(trx)).rows[0]!.j
        await sql`INSERT INTO audit_log (actor, action, layer, feature_id, before, after)
          VALUES (${actorOf(req)}, 'update', 'point_rules', ${kind}, ${JSON.stringify(before.j)}::jsonb, ${JSON.stringify(after)}::jsonb)`.execute(trx)
        return after
      })
      res.json(updated)
    }),
  )
  return router
}
