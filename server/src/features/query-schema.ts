import { z } from 'zod'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { ApiError } from '../http/errors.ts'

const RESERVED = new Set(['bbox', 'limit', 'after', 'q', 'format'])

const bboxSchema = z
  .string()
  .transform((s, ctx) => {
    const parts = s.split(',').map((x) => Number(x.trim()))
    if (parts.length !== 4 || parts.some((x) => !Number.isFinite(x))) {
      ctx.addIssue({ code: 'custom', message: 'bbox must be four finite numbers: minLon,minLat,maxLon,maxLat' })
      return z.NEVER
    }
    const [minx, miny, maxx, maxy] = parts as [number, number, number, number]
    if (minx < -180 || maxx > 180 || miny < -90 || maxy > 90) ctx.addIssue({ code: 'custom', message: 'bbox is outside lon −180…180 / lat −90…90' })
    if (minx > maxx || miny > maxy) ctx.addIssue({ code: 'custom', message: 'bbox min must not exceed max' })
    return [minx, miny, maxx, maxy] as const
  })

export const featureQuerySchema = z.object({
  bbox: bboxSchema.optional(),
  limit: z.coerce.number().int().min(1).max(10000).default(1000),
  after: z.coerce.number().int().min(0).optional(),
  q: z.string().max(100).optional(),
})

export interface FeatureQuery extends z.infer<typeof featureQuerySchema> {
  /** Equality filters on catalogued properties. */
  equals: Array<[string, string]>
}

/** Parses a feature-list query; unknown parameters are 400, never passed to SQL. */
export function parseFeatureQuery(layer: LayerDef, query: Record<string, unknown>): FeatureQuery {
  const base = featureQuerySchema.safeParse(query)
  if (!base.success) {
    throw new ApiError(400, 'invalid_query', base.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '))
  }
  const equals: Array<[string, string]> = []
  for (const [key, value] of Object.entries(query)) {
    if (RESERVED.has(key)) continue
    const prop = layer.properties.find((p) => p.name === key)
    if (!prop) throw new ApiError(400, 'unknown_property', `layer ${layer.id} has no property "${key}"`)
    if (typeof value !== 'string') throw new ApiError(400, 'invalid_query', `${key} must be given once`)
    equals.push([prop.name, value])
  }
  return { ...base.data, equals }
}
