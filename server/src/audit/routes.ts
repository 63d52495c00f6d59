import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql } from 'kysely'
import { findLayer } from '../../../data/catalog/layers.ts'
import type { DbHandle } from '../db/create-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { ApiError, handle } from '../http/errors.ts'
import { auditQuery, type AuditEntry } from '../contract/admin.ts'

/** Audited things that are not map layers. */
const AUDITED_OTHERS = new Set(['alerts', 'alert-rules'])

/** `GET /api/audit?layer=&id=`: the change history, newest first. */
export function auditRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')
  router.get(
    '/audit',
    handle(async (req, res) => {
      const q = auditQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const { layer, id, limit } = q.data
      if (layer && !findLayer(layer) && !AUDITED_OTHERS.has(layer)) throw new ApiError(404, 'unknown_layer', `nothing audited as "${layer}"`)
      const r = await sql<AuditEntry>`
        SELECT id::int AS id, actor, action, layer, feature_id, before, after, reason, at FROM audit_log
        WHERE ${layer ? sql`layer = ${layer}` : sql`true`} AND ${id ? sql`feature_id = ${id}` : sql`true`}
        ORDER BY at DESC, id DESC LIMIT ${limit}`.execute(db)
      res.json({ entries: r.rows })
    }),
  )
  return router
}
