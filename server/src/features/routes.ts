import { Router } from 'express'
import { findLayer, LAYERS } from '../../../data/catalog/layers.ts'
import type { DbHandle } from '../db/create-db.ts'
import { ApiError, handle } from '../http/errors.ts'
import { parseFeatureQuery } from './query-schema.ts'
import { readFeatures } from './read-features.ts'

export function featureRoutes({ db }: DbHandle): Router {
  const router = Router()
  router.get('/layers', (_req, res) => {
    res.json({ layers: LAYERS })
  })
  router.get(
    '/layers/:layer/features',
    handle(async (req, res) => {
      const layer = findLayer(String(req.params.layer))
      if (!layer) throw new ApiError(404, 'unknown_layer', `no layer "${req.params.layer}"`)
      const query = parseFeatureQuery(layer, req.query as Record<string, unknown>)
      const body = await readFeatures(db, layer, query)
      res.type('application/geo+json').send(body)
    }),
  )
  return router
}
