import type { Router, Request } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql } from 'kysely'
import { findLayer, LAYERS, type LayerDef } from '../../../data/catalog/layers.ts'
import type { DbHandle } from '../db/create-db.ts'
import { ApiError, handle } from '../http/errors.ts'
import { openApiDocument } from '../openapi/document.ts'
import { readScope, scopeCondition } from '../auth/layer-access.ts'
import { requirePrincipal } from '../auth/policy.ts'
import { readScopeOf } from '../auth/request-scope.ts'
import { toCsv } from './export.ts'
import { encodeCursor, parseFeatureQuery } from './query-schema.ts'
import { readFeature, readFeaturePage, readFeatureRows } from './read-features.ts'
import { parseId } from '../http/ints.ts'
import type { LayersAnswer } from '../contract/admin.ts'

/** The catalogued layer named in the URL; unknown ids are 404 and never reach SQL. */
export function layerParam(req: Request): LayerDef {
  const layer = findLayer(String(req.params.layer))
  if (!layer) throw new ApiError(404, 'unknown_layer', `no layer "${req.params.layer}"`)
  return layer
}

/** A positive integer feature id from the URL, else 404. */
export function idParam(req: Request): number {
  const id = parseId(req.params.id)
  if (id === null) throw new ApiError(404, 'unknown_feature', `no feature "${req.params.id}"`)
  return id
}

export function featureReadRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')

  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument())
  })

  router.get(
    '/layers',
    handle(async (req, res) => {
      // Counts and extents of what this account may see: layers closed to it are left out.
      const principal = requirePrincipal(req)
      const visible = LAYERS.filter((l) => readScope(principal, l) !== 'none')
      const stats = await sql<{ id: string; n: number; bbox: [number, number, number, number] | null }>`${sql.join(
        visible.map(
          (l) => sql`SELECT ${l.id}::text AS id, count(*)::int AS n,
            CASE WHEN count(*) > 0 THEN json_build_array(ST_XMin(ST_Extent(geom)), ST_YMin(ST_Extent(geom)), ST_XMax(ST_Extent(geom)), ST_YMax(ST_Extent(geom))) END AS bbox
            FROM ${sql.table(l.table)} AS t WHERE ${scopeCondition(readScope(principal, l), principal, l)}`,
        ),
        sql` UNION ALL `,
      )}`.execute(db)
      const byId = new Map(stats.rows.map((r) => [r.id, r]))
      res.json({ layers: visible.map((l) => ({ ...l, count: byId.get(l.id)?.n ?? 0, extent: byId.get(l.id)?.bbox ?? null })) } as LayersAnswer)
    }),
  )

  router.get(
    '/layers/:layer/features',
    handle(async (req, res) => {
      const layer = layerParam(req)
      const query = { ...parseFeatureQuery(layer, req.query as Record<string, unknown>), scope: readScopeOf(req, layer).where }
      if (query.format === 'csv') {
        res.type('text/csv; charset=utf-8').attachment(`${layer.id}.csv`).send(toCsv(layer, await readFeatureRows(db, layer, query)))
        return
      }
      const page = await readFeaturePage(db, layer, query)
      const next = !page.more ? null : query.sort ? encodeCursor({ o: (query.offset ?? 0) + page.numberReturned }) : encodeCursor({ id: page.lastId! })
      if (query.format === 'geojson') res.attachment(`${layer.id}.geojson`)
      res
        .type('application/geo+json')
        .send(`{"type":"FeatureCollection","numberReturned":${page.numberReturned},"next":${JSON.stringify(next)},"features":${page.featuresJson}}`)
    }),
  )

  router.get(
    '/layers/:layer/features/:id',
    handle(async (req, res) => {
      const layer = layerParam(req)
      const feature = await readFeature(db, layer, idParam(req), readScopeOf(req, layer).where)
      if (!feature) throw new ApiError(404, 'unknown_feature', `layer ${layer.id} has no feature ${req.params.id}`)
      res.type('application/geo+json').send(feature)
    }),
  )
  return router
}
