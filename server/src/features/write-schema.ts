import type { Geometry } from 'geojson'
import { z } from 'zod'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { ApiError } from '../http/errors.ts'
import { geometrySchema, vertexLimitError } from './geometry-schema.ts'
import { propertiesSchema, type WriteMode } from './property-schema.ts'
import { bodyId } from '../http/ints.ts'
import { featureInput } from '../contract/field.ts'

export function issuesMessage(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`).join('; ')
}

/** A GeoJSON Feature to create (or import): the contract's envelope (server/src/contract/field.ts) with the geometry of the layer's type and its writable properties. */
export function featureInputSchema(layer: LayerDef, mode: Exclude<WriteMode, 'update'>) {
  return featureInput(geometrySchema(layer.geometry), propertiesSchema(layer, mode).default({}))
}

/** A PATCH: the version it was made on, and the properties and/or geometry that change. */
export function featurePatchSchema(layer: LayerDef) {
  return z
    .object({
      version: bodyId(),
      properties: propertiesSchema(layer, 'update').optional(),
      geometry: geometrySchema(layer.geometry).optional(),
    })
    .strict()
    .refine((b) => b.properties !== undefined || b.geometry !== undefined, 'nothing to change: give properties and/or geometry')
}

/** A lifecycle move: the contract's (server/src/contract/officer.ts). */
export { transitionBody as transitionSchema } from '../contract/officer.ts'

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === undefined || body === null || typeof body !== 'object') throw new ApiError(400, 'invalid_body', 'the request body must be a JSON object')
  const r = schema.safeParse(body)
  if (!r.success) throw vertexLimitError(r.error.issues) ?? new ApiError(422, 'invalid_feature', issuesMessage(r.error.issues))
  return r.data
}

export interface FeatureInput {
  properties: Record<string, unknown>
  geometry: Geometry
}
