import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql } from 'kysely'
import { z } from 'zod'
import { findLayer } from '../../../data/catalog/layers.ts'
import type { DbHandle } from '../db/create-db.ts'
import { dbStep } from '../analysis/hex-db.ts'
import { idParam } from '../features/routes.ts'
import { parseBody } from '../features/write-schema.ts'
import { readScopeOf, writeScopeOf } from '../auth/request-scope.ts'
import { ApiError, handle } from '../http/errors.ts'

/** Largest photo kept (the phone shrinks it to about 1280 px first). */
export const MAX_PHOTO_BYTES = 1_500_000

const photoSchema = z
  .object({
    content_type: z.enum(['image/jpeg', 'image/png', 'image/webp']),
    /** The image, base64 (JSON carries it with the rest of the API; the phone keeps it so while offline). */
    data: z.base64().min(4, 'data is empty'),
  })
  .strict()

/** What a file starts with, by type: the bytes must be the image they say they are. */
const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
}

const hazards = findLayer('hazards')!

/**
 * A hazard's photo taken on the spot (issue 8): `PUT /api/officer/hazards/{id}/photo` stores or
 * replaces it (so sending it again changes nothing), `GET` returns the image. Both inside the
 * account's scope of the hazards layer, in the SQL (another officer's hazard is 404).
 */
export function photoRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')
  router.put(
    '/officer/hazards/:id/photo',
    handle(async (req, res) => {
      const { where, principal } = writeScopeOf(req, hazards, 'update')
      const id = idParam(req)
      const body = parseBody(photoSchema, req.body)
      const bytes = Buffer.from(body.data, 'base64')
      if (bytes.length > MAX_PHOTO_BYTES) throw new ApiError(413, 'photo_too_large', `the photo is ${bytes.length} bytes; at most ${MAX_PHOTO_BYTES}`)
      if (!MAGIC[body.content_type]!(bytes)) throw new ApiError(422, 'invalid_photo', `data is not a ${body.content_type} image`)
      const stored = await dbStep(`storing the photo of hazard ${id}`, () =>
        db.transaction().execute(async (trx) => {
          const h = await sql<{ id: number }>`SELECT t.id FROM hazards t WHERE t.id = ${id} AND ${where} FOR UPDATE OF t`.execute(trx)
          if (h.rows.length === 0) return false
          await sql`
            INSERT INTO hazard_photos (hazard_id, content_type, bytes, created_by) VALUES (${id}, ${body.content_type}, decode(${body.data}, 'base64'), ${principal.userId})
            ON CONFLICT (district_code, hazard_id) DO UPDATE SET content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes, created_by = EXCLUDED.created_by, created_at = now()`.execute(trx)
          return true
        }),
      )
      if (!stored) throw new ApiError(404, 'unknown_feature', `layer hazards has no feature ${id}`)
      res.json({ hazard_id: id, content_type: body.content_type, bytes: bytes.length })
    }),
  )
  router.get(
    '/officer/hazards/:id/photo',
    handle(async (req, res) => {
      const { where } = readScopeOf(req, hazards)
      const id = idParam(req)
      const r = await dbStep(`reading the photo of hazard ${id}`, () =>
        sql<{ content_type: string; data: string }>`
          SELECT p.content_type, encode(p.bytes, 'base64') AS data FROM hazard_photos p JOIN hazards t ON t.id = p.hazard_id
          WHERE p.hazard_id = ${id} AND ${where}`.execute(db),
      )
      const row = r.rows[0]
      if (!row) throw new ApiError(404, 'no_photo', `hazard ${id} has no photo you may see`)
      res.set('cache-control', 'private, no-cache').type(row.content_type).send(Buffer.from(row.data, 'base64'))
    }),
  )
  return router
}
