import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import type { DbHandle } from '../db/create-db.ts'
import { actorOf } from '../http/actor.ts'
import { ApiError, handle } from '../http/errors.ts'
import { rowsFromCsv, rowsFromGeoJson } from './import-parse.ts'
import { geometryProblems, insertFeature } from './write-features.ts'
import { editableLayer, writeAccess } from './write-routes.ts'
import { writeScopeOf } from '../auth/request-scope.ts'
import { featureInputSchema, issuesMessage, type FeatureInput } from './write-schema.ts'

interface Rejected {
  row: number
  reason: string
}

function rejectedError(rejected: Rejected[], total: number): ApiError {
  return new ApiError(422, 'import_rejected', `${rejected.length} of ${total} rows rejected; nothing was imported`, { rejected })
}

/**
 * `POST /api/layers/{layer}/import`: GeoJSON or CSV, validated whole before anything is
 * written, then all rows in one transaction or none; every rejected row is listed with its reason.
 */
export function importRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')
  router.post(
    '/layers/:layer/import',
    handle(async (req, res) => {
      const layer = editableLayer(req)
      const access = writeAccess(writeScopeOf(req, layer, 'import'))
      const raw = req.is('text/csv') || req.is('text/plain') ? rowsFromCsv(layer, String(req.body ?? '')) : rowsFromGeoJson(req.body)
      const schema = featureInputSchema(layer, 'import')
      const rejected: Rejected[] = []
      const accepted: Array<{ row: number; input: FeatureInput }> = []
      for (const r of raw) {
        if ('error' in r) {
          rejected.push({ row: r.row, reason: r.error })
          continue
        }
        const parsed = schema.safeParse(r.feature)
        if (parsed.success) accepted.push({ row: r.row, input: parsed.data })
        else rejected.push({ row: r.row, reason: issuesMessage(parsed.error.issues) })
      }
      const problems = await geometryProblems(db, accepted.map((a) => a.input.geometry))
      problems.forEach((p, i) => p && rejected.push({ row: accepted[i]!.row, reason: p }))
      if (rejected.length) throw rejectedError(rejected.sort((a, b) => a.row - b.row), raw.length)

      // Constraint and reference errors show only on insert: each row under a savepoint, so one
      // bad row is reported and the others still checked; any rejection rolls back everything.
      const trx = await db.startTransaction().execute()
      const ids: number[] = []
      try {
        for (const { row, input } of accepted) {
          const sp = await trx.savepoint('import_row').execute()
          try {
            ids.push((await insertFeature(sp, layer, input, actorOf(req), 'import', access)).id)
            await sp.releaseSavepoint('import_row').execute()
          } catch (err) {
            if (!(err instanceof ApiError)) throw err
            await sp.rollbackToSavepoint('import_row').execute()
            rejected.push({ row, reason: err.message })
          }
        }
        if (rejected.length) throw rejectedError(rejected, raw.length)
        await trx.commit().execute()
      } catch (err) {
        await trx.rollback().execute()
        throw err
      }
      res.status(201).json({ imported: ids.length, ids })
    }),
  )
  return router
}
