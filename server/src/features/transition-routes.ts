import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql } from 'kysely'
import { allowedTransitions, LIFECYCLES } from '../../../data/catalog/lifecycles.ts'
import type { DbHandle } from '../db/create-db.ts'
import { actorOf } from '../http/actor.ts'
import { ApiError, handle } from '../http/errors.ts'
import { idParam } from './routes.ts'
import { updateFeature } from './write-features.ts'
import { editableLayer, writeAccess } from './write-routes.ts'
import { readScopeOf, writeScopeOf } from '../auth/request-scope.ts'
import { transitionBody } from '../contract/officer.ts'
import { parseBody } from './write-schema.ts'

/** Lifecycle moves (hazards, disputes): explicit transitions with who, when and why. */
export function transitionRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')

  router.get(
    '/layers/:layer/features/:id/transitions',
    handle(async (req, res) => {
      const layer = editableLayer(req)
      const { where } = readScopeOf(req, layer)
      if (!layer.lifecycle) throw new ApiError(404, 'no_lifecycle', `layer ${layer.id} has no lifecycle`)
      const id = idParam(req)
      const r = await sql<{ status: string }>`SELECT status FROM ${sql.table(layer.table)} AS t WHERE t.id = ${id} AND ${where}`.execute(db)
      const status = r.rows[0]?.status
      if (status === undefined) throw new ApiError(404, 'unknown_feature', `layer ${layer.id} has no feature ${id}`)
      const history = await sql`
        SELECT actor, at, reason, before -> 'properties' ->> 'status' AS "from", after -> 'properties' ->> 'status' AS "to"
        FROM audit_log WHERE layer = ${layer.id} AND feature_id = ${String(id)} AND action = 'transition' ORDER BY at, id`.execute(db)
      res.json({ status, allowed: allowedTransitions(layer.lifecycle, status), history: history.rows })
    }),
  )

  router.post(
    '/layers/:layer/features/:id/transitions',
    handle(async (req, res) => {
      const layer = editableLayer(req)
      const access = writeAccess(writeScopeOf(req, layer, 'transition'))
      const lifecycleId = layer.lifecycle
      if (!lifecycleId) throw new ApiError(404, 'no_lifecycle', `layer ${layer.id} has no lifecycle`)
      const id = idParam(req)
      const body = parseBody(transitionBody, req.body)
      const feature = await db.transaction().execute(async (trx) => {
        const r = await sql<{ status: string }>`SELECT status FROM ${sql.table(layer.table)} AS t WHERE t.id = ${id} AND ${access.scope ?? sql`true`} FOR UPDATE OF t`.execute(trx)
        const from = r.rows[0]?.status
        if (from === undefined) throw new ApiError(404, 'unknown_feature', `layer ${layer.id} has no feature ${id}`)
        const allowed = allowedTransitions(lifecycleId, from)
        if (!allowed.includes(body.to)) {
          throw new ApiError(409, 'illegal_transition', `cannot move from ${from} to ${body.to}; allowed: ${allowed.length ? allowed.join(', ') : 'none (final status)'}`, { from, allowed })
        }
        const set: Record<string, unknown> = { status: body.to }
        const stamp = (LIFECYCLES[lifecycleId].stamps as Record<string, string>)[body.to]
        if (stamp) set[stamp] = new Date().toISOString()
        if (lifecycleId === 'dispute' && body.to === 'mediating') {
          // The room named, or the nearest one to the dispute.
          const room = body.mediation_room_id ?? (await sql<{ id: number }>`
            SELECT m.id FROM mediation_rooms m, disputes d WHERE d.id = ${id} ORDER BY m.geom <-> d.geom LIMIT 1`.execute(trx)).rows[0]?.id
          set.mediation_room_id = room ?? null
        } else if (body.mediation_room_id !== undefined) {
          throw new ApiError(422, 'invalid_feature', 'mediation_room_id goes with a move to mediating')
        }
        return updateFeature(trx, layer, id, { version: body.version, properties: {}, set }, actorOf(req), 'transition', body.reason, access)
      })
      res.type('application/geo+json').send(feature)
    }),
  )
  return router
}
