import type { LineString, Polygon } from 'geojson'
import type { Router, Request } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import type { DbHandle } from '../db/create-db.ts'
import { writeScopeOf } from '../auth/request-scope.ts'
import { assertVertexBudget } from '../features/geometry-schema.ts'
import { mergeBody, previewBody, restoreBody, splitBody } from '../contract/planner.ts'
import { idParam, layerParam } from '../features/routes.ts'
import { assertValidGeometry, updateFeature } from '../features/write-features.ts'
import { writeAccess } from '../features/write-routes.ts'
import { parseJsonBody } from '../http/body.ts'
import { actorOf } from '../http/actor.ts'
import { ApiError, handle } from '../http/errors.ts'
import { mergeZones, splitZone } from './geometry-tools.ts'
import { featureHistory, historyEntry } from './history.ts'
import { workloadPreview } from './preview.ts'

/** The layers the planner draws and keeps a history of. */
const PLANNED = new Set(['patrol-zones', 'patrol-routes'])

function plannedLayer(req: Request): LayerDef {
  const layer = layerParam(req)
  if (!PLANNED.has(layer.id)) throw new ApiError(404, 'unknown_layer', `the planner keeps no history of "${layer.id}" (patrol-zones, patrol-routes)`)
  return layer
}

/**
 * The planner's tools: the workload of a zone as drawn (before saving), split and merge computed
 * in PostGIS (nothing is written: the client saves the result through the features API), and
 * the history of a zone or route with restore of an earlier version (a versioned, audited update).
 */
export function plannerRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')

  router.post(
    '/analysis/workload/preview',
    handle(async (req, res) => {
      const b = parseJsonBody(previewBody, req.body)
      // Each geometry is capped at MAX_VERTICES by its schema; the drawn routes share one budget too.
      assertVertexBudget(b.routes, 'routes')
      await assertValidGeometry(db, b.geometry, 'zone')
      for (const [i, r] of b.routes.entries()) await assertValidGeometry(db, r, `routes[${i}]`)
      const preview = await workloadPreview(db, {
        geometry: b.geometry, routes: b.routes, excludeRoutes: b.exclude_routes, buffer: b.buffer,
        ...(b.zone_id ? { zoneId: b.zone_id } : {}), ...(b.station_id ? { stationId: b.station_id } : {}), ...(b.team ? { team: b.team } : {}),
        ...(b.from ? { from: b.from } : {}), ...(b.to ? { to: b.to } : {}),
      })
      res.json({ parameters: { buffer: b.buffer, from: b.from ?? null, to: b.to ?? null, station_id: b.station_id ?? null, team: b.team ?? null }, ...preview })
    }),
  )

  router.post(
    '/planner/split',
    handle(async (req, res) => {
      const b = parseJsonBody(splitBody, req.body)
      await assertValidGeometry(db, b.geometry, 'zone')
      res.json({ parts: await splitZone(db, b.geometry, b.line) })
    }),
  )

  router.post(
    '/planner/merge',
    handle(async (req, res) => {
      const b = parseJsonBody(mergeBody, req.body)
      for (const [i, g] of b.geometries.entries()) await assertValidGeometry(db, g, `geometries[${i}]`)
      res.json({ geometry: await mergeZones(db, b.geometries) })
    }),
  )

  router.get(
    '/planner/:layer/:id/history',
    handle(async (req, res) => {
      const layer = plannedLayer(req)
      res.json({ layer: layer.id, id: idParam(req), entries: await featureHistory(db, layer.id, idParam(req)) })
    }),
  )

  router.post(
    '/planner/:layer/:id/restore',
    handle(async (req, res) => {
      const layer = plannedLayer(req)
      const access = writeAccess(writeScopeOf(req, layer, 'update'))
      const id = idParam(req)
      const b = parseJsonBody(restoreBody, req.body)
      const entry = await historyEntry(db, layer.id, id, b.entry)
      if (!entry) throw new ApiError(404, 'unknown_entry', `no history entry ${b.entry} for ${layer.id} ${id}`)
      if (!entry.after) throw new ApiError(422, 'nothing_to_restore', `entry ${b.entry} is a delete: it has no version to restore`)
      const writable = layer.properties.filter((p) => !p.readOnly).map((p) => p.name)
      const old = entry.after.properties
      const properties = Object.fromEntries(writable.filter((k) => k in old).map((k) => [k, old[k]]))
      const oldVersion = typeof old.version === 'number' ? old.version : null
      const feature = await db.transaction().execute((trx) =>
        updateFeature(trx, layer, id, { version: b.version, properties, geometry: entry.after!.geometry as Polygon | LineString }, actorOf(req), 'update',
          `restored version ${oldVersion ?? '?'} (history entry ${entry.id})`, access),
      )
      res.type('application/geo+json').send(feature)
    }),
  )
  return router
}
