import type { Request, Response, Router } from 'express'
import { sql } from 'kysely'
import { findLayer, type LayerDef } from '../../../data/catalog/layers.ts'
import { scopeCondition, writeScope, type Scope } from '../auth/layer-access.ts'
import { requirePrincipal } from '../auth/policy.ts'
import { readScopeOf } from '../auth/request-scope.ts'
import { secureRouter } from '../auth/route-guard.ts'
import type { DbHandle } from '../db/create-db.ts'
import { dbStep } from '../analysis/hex-db.ts'
import { actorOf } from '../http/actor.ts'
import { ApiError, handle } from '../http/errors.ts'
import { idParam, layerParam } from './routes.ts'
import { parseBody } from './write-schema.ts'
import { PHOTO_TABLES } from './photos.ts'
import { photoBody } from '../contract/field.ts'

/** Largest photo kept (the phone shrinks it to about 1280 px first). */
export const MAX_PHOTO_BYTES = 1_500_000

/** What a file starts with, by type: the bytes must be the image they say they are. */
const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
}

/**
 * Who may attach a photo to a feature: whoever may change it (an officer in their cells, an
 * administrator), and the volunteer who reported it (their own rows: a volunteer creates reports
 * but never edits them, and the photo is part of the report).
 */
export function photoWriteScope(req: Request, layer: LayerDef) {
  const principal = requirePrincipal(req)
  const update = writeScope(principal, layer, 'update')
  const scope: Scope = update !== 'none' ? update : writeScope(principal, layer, 'create') === 'own' ? 'own' : 'none'
  if (scope === 'none') throw new ApiError(403, 'forbidden', `the ${principal.role} role may not attach photos to layer ${layer.id}`)
  return { principal, where: scopeCondition(scope, principal, layer) }
}

function photoLayer(req: Request): LayerDef {
  const layer = layerParam(req)
  if (!PHOTO_TABLES[layer.id]) throw new ApiError(404, 'no_photos', `features of layer ${layer.id} have no photos`)
  return layer
}

/**
 * A report's photo taken on the spot: `PUT /api/layers/{hazards|disputes}/features/{id}/photo`
 * stores or replaces it (so sending it again changes nothing but the time), audited; `GET`
 * returns the image. Both inside the account's scope of the layer, in the SQL (another
 * officer's or another volunteer's report is 404). `/api/officer/hazards/{id}/photo` is the
 * same for hazards (issue 8, kept for the phones and scripts that use it).
 */
export function photoRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')
  const hazards = findLayer('hazards')!

  const put = async (req: Request, res: Response, layer: LayerDef) => {
    const { where, principal } = photoWriteScope(req, layer)
    const id = idParam(req)
    const body = parseBody(photoBody, req.body)
    const bytes = Buffer.from(body.data, 'base64')
    if (bytes.length > MAX_PHOTO_BYTES) throw new ApiError(413, 'photo_too_large', `the photo is ${bytes.length} bytes; at most ${MAX_PHOTO_BYTES}`)
    if (!MAGIC[body.content_type]!(bytes)) throw new ApiError(422, 'invalid_photo', `data is not a ${body.content_type} image`)
    const { table, key } = PHOTO_TABLES[layer.id]!
    const actor = actorOf(req)
    const stored = await dbStep(`storing the photo of ${layer.id} ${id}`, () =>
      db.transaction().execute(async (trx) => {
        const f = await sql<{ district_code: string }>`SELECT t.district_code FROM ${sql.table(layer.table)} t WHERE t.id = ${id} AND ${where} FOR UPDATE OF t`.execute(trx)
        const district = f.rows[0]?.district_code
        if (district === undefined) return false
        const before = await sql<{ content_type: string; bytes: number }>`
          SELECT content_type, octet_length(bytes) AS bytes FROM ${sql.table(table)} WHERE district_code = ${district} AND ${sql.ref(key)} = ${id}`.execute(trx)
        await sql`
          INSERT INTO ${sql.table(table)} (${sql.ref(key)}, content_type, bytes, created_by) VALUES (${id}, ${body.content_type}, decode(${body.data}, 'base64'), ${principal.userId})
          ON CONFLICT (district_code, ${sql.ref(key)}) DO UPDATE SET content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes, created_by = EXCLUDED.created_by, created_at = now()`.execute(trx)
        const after = { [key]: id, content_type: body.content_type, bytes: bytes.length, created_by: principal.userId }
        await sql`INSERT INTO audit_log (actor, action, layer, feature_id, before, after)
          VALUES (${actor}, ${before.rows[0] ? 'update' : 'create'}, ${table}, ${String(id)}, ${before.rows[0] ? JSON.stringify({ [key]: id, ...before.rows[0] }) : null}::jsonb, ${JSON.stringify(after)}::jsonb)`.execute(trx)
        return true
      }),
    )
    if (!stored) throw new ApiError(404, 'unknown_feature', `layer ${layer.id} has no feature ${id}`)
    res.json({ [key]: id, content_type: body.content_type, bytes: bytes.length })
  }

  const get = async (req: Request, res: Response, layer: LayerDef) => {
    const { where } = readScopeOf(req, layer)
    const id = idParam(req)
    const { table, key } = PHOTO_TABLES[layer.id]!
    const r = await dbStep(`reading the photo of ${layer.id} ${id}`, () =>
      sql<{ content_type: string; data: string }>`
        SELECT p.content_type, encode(p.bytes, 'base64') AS data
        FROM ${sql.table(table)} p JOIN ${sql.table(layer.table)} t ON t.district_code = p.district_code AND t.id = ${sql.ref(`p.${key}`)}
        WHERE t.id = ${id} AND ${where}`.execute(db),
    )
    const row = r.rows[0]
    if (!row) throw new ApiError(404, 'no_photo', `${layer.id} ${id} has no photo you may see`)
    res.set('cache-control', 'private, no-cache').type(row.content_type).send(Buffer.from(row.data, 'base64'))
  }

  router.put('/layers/:layer/features/:id/photo', handle((req, res) => put(req, res, photoLayer(req))))
  router.get('/layers/:layer/features/:id/photo', handle((req, res) => get(req, res, photoLayer(req))))
  router.put('/officer/hazards/:id/photo', handle((req, res) => put(req, res, hazards)))
  router.get('/officer/hazards/:id/photo', handle((req, res) => get(req, res, hazards)))
  return router
}
