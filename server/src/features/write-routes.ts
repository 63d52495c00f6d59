import type { Router, Request } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import type { DbHandle } from '../db/create-db.ts'
import { actorOf } from '../http/actor.ts'
import { ApiError, handle } from '../http/errors.ts'
import { idParam, layerParam } from './routes.ts'
import { assertValidGeometry, deleteFeature, insertFeature, updateFeature, type WriteAccess } from './write-features.ts'
import { writeScopeOf, type RequestScope } from '../auth/request-scope.ts'
import { featureInputSchema, featurePatchSchema, parseBody } from './write-schema.ts'

/** The layer from the URL, if people may edit it (405 otherwise). */
export function editableLayer(req: Request): LayerDef {
  const layer = layerParam(req)
  if (!layer.editable) throw new ApiError(405, 'not_editable', `layer ${layer.id} is read-only`)
  return layer
}

/** The write access of a request: its account as reporter, and the scope unless it is everything. */
export function writeAccess({ principal, scope, where }: RequestScope): WriteAccess {
  return { createdBy: principal.userId, ...(scope === 'all' ? {} : { scope: where }) }
}

export function featureWriteRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')

  router.post(
    '/layers/:layer/features',
    handle(async (req, res) => {
      const layer = editableLayer(req)
      const access = writeAccess(writeScopeOf(req, layer, 'create'))
      const input = parseBody(featureInputSchema(layer, 'create'), req.body)
      await assertValidGeometry(db, input.geometry)
      const { id, feature, replayed } = await db.transaction().execute((trx) => insertFeature(trx, layer, input, actorOf(req), 'create', access))
      // An entry sent again (same client_ref): 200 with the feature stored the first time.
      res.status(replayed ? 200 : 201).location(`/api/layers/${layer.id}/features/${id}`).type('application/geo+json').send(feature)
    }),
  )

  router.patch(
    '/layers/:layer/features/:id',
    handle(async (req, res) => {
      const layer = editableLayer(req)
      const access = writeAccess(writeScopeOf(req, layer, 'update'))
      const id = idParam(req)
      const patch = parseBody(featurePatchSchema(layer), req.body)
      if (patch.geometry) await assertValidGeometry(db, patch.geometry)
      const feature = await db.transaction().execute((trx) =>
        updateFeature(trx, layer, id, { version: patch.version, properties: patch.properties ?? {}, ...(patch.geometry ? { geometry: patch.geometry } : {}) }, actorOf(req), 'update', undefined, access),
      )
      res.type('application/geo+json').send(feature)
    }),
  )

  router.delete(
    '/layers/:layer/features/:id',
    handle(async (req, res) => {
      const layer = editableLayer(req)
      const access = writeAccess(writeScopeOf(req, layer, 'delete'))
      const id = idParam(req)
      const version = Number(req.query.version)
      if (!Number.isSafeInteger(version) || version < 1) throw new ApiError(400, 'version_required', 'give the version the delete is made on: ?version=N')
      await db.transaction().execute((trx) => deleteFeature(trx, layer, id, version, actorOf(req), access))
      res.status(204).end()
    }),
  )
  return router
}
