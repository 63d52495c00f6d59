import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql } from 'kysely'
import type { DbHandle } from '../db/create-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { parseBody } from '../features/write-schema.ts'
import { actorOf } from '../http/actor.ts'
import { ApiError, handle } from '../http/errors.ts'
import { parseId } from '../http/ints.ts'
import { alertColumns, alertPlace } from './alert-row.ts'
import { acknowledgeBody, alertsQuery, type AcknowledgedAlert, type AlertRow } from '../contract/live.ts'
import { alertRuleBody, type AlertRule } from '../contract/admin.ts'

/** Alerts (list, acknowledge) and the rules planners tune. */
export function alertRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')

  router.get(
    '/alerts',
    handle(async (req, res) => {
      const q = alertsQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const r = await sql<AlertRow>`
        SELECT ${alertColumns}
        FROM alerts a ${alertPlace}
        WHERE ${q.data.state === 'open' ? sql`a.cleared_at IS NULL` : q.data.state === 'cleared' ? sql`a.cleared_at IS NOT NULL` : sql`true`}
        ORDER BY a.opened_at DESC, a.id DESC LIMIT ${q.data.limit}`.execute(db)
      res.json({ alerts: r.rows })
    }),
  )

  router.post(
    '/alerts/:id/acknowledge',
    handle(async (req, res) => {
      const id = parseId(req.params.id)
      if (id === null) throw new ApiError(404, 'unknown_alert', `no alert ${req.params.id}`)
      const body = parseBody(acknowledgeBody, req.body ?? {})
      const actor = actorOf(req)
      const alert = await db.transaction().execute(async (trx) => {
        const before = await sql<Record<string, unknown>>`SELECT to_jsonb(a) - 'geom' AS j, a.acknowledged_at FROM alerts a WHERE id = ${id} FOR UPDATE`.execute(trx)
        const row = before.rows[0]
        if (!row) throw new ApiError(404, 'unknown_alert', `no alert ${id}`)
        if (row.acknowledged_at) throw new ApiError(409, 'already_acknowledged', `alert ${id} was acknowledged already`)
        const after = await sql<{ j: AcknowledgedAlert }>`
          UPDATE alerts SET acknowledged_by = ${actor}, acknowledged_at = now(), ack_note = ${body.note ?? null} WHERE id = ${id}
          RETURNING (to_jsonb(alerts) - 'geom') AS j`.execute(trx)
        await sql`INSERT INTO audit_log (actor, action, layer, feature_id, before, after, reason)
          VALUES (${actor}, 'acknowledge', 'alerts', ${String(id)}, ${JSON.stringify(row.j)}::jsonb, ${JSON.stringify(after.rows[0]!.j)}::jsonb, ${body.note ?? null})`.execute(trx)
        return after.rows[0]!.j
      })
      res.json(alert)
    }),
  )

  router.get(
    '/alert-rules',
    handle(async (_req, res) => {
      res.json({ rules: (await sql<AlertRule>`SELECT * FROM alert_rules ORDER BY id`.execute(db)).rows })
    }),
  )

  router.patch(
    '/alert-rules/:id',
    handle(async (req, res) => {
      const body = parseBody(alertRuleBody, req.body)
      const ruleId = parseId(req.params.id) ?? 0
      const updated = await db.transaction().execute(async (trx) => {
        const before = await sql<{ j: unknown; version: number }>`SELECT to_jsonb(r) AS j, version FROM alert_rules r WHERE id = ${ruleId} FOR UPDATE`.execute(trx)
        const row = before.rows[0]
        if (!row) throw new ApiError(404, 'unknown_rule', `no alert rule ${req.params.id}`)
        if (row.version !== body.version) throw new ApiError(409, 'stale_version', `the rule is at version ${row.version}; reload and retry`)
        const r = await sql<{ j: AlertRule }>`
          UPDATE alert_rules SET enabled = coalesce(${body.enabled ?? null}, enabled),
                 params = params || ${JSON.stringify(body.params ?? {})}::jsonb, version = version + 1, updated_at = now()
          WHERE id = ${ruleId} RETURNING to_jsonb(alert_rules) AS j`.execute(trx)
        await sql`INSERT INTO audit_log (actor, action, layer, feature_id, before, after)
          VALUES (${actorOf(req)}, 'update', 'alert-rules', ${String(ruleId)}, ${JSON.stringify(row.j)}::jsonb, ${JSON.stringify(r.rows[0]!.j)}::jsonb)`.execute(trx)
        return r.rows[0]!.j
      })
      res.json(updated)
    }),
  )
  return router
}
