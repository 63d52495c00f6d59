import type { RawBuilder } from 'kysely'
import { z } from 'zod'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { ApiError } from '../http/errors.ts'
import { INT4_MAX } from '../http/ints.ts'

const RESERVED = new Set(['bbox', 'datetime', 'limit', 'cursor', 'sort', 'q', 'format'])

export const bboxSchema = z.string().transform((s, ctx) => {
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

export interface TimeInterval {
  from?: string
  to?: string
}

/** RFC 3339 instant or interval `a/b`, either end open as `..` or empty (OGC API – Features). */
export const datetimeSchema = z.string().transform((s, ctx): TimeInterval => {
  const instant = (x: string) => {
    if (x === '' || x === '..') return undefined
    const t = Date.parse(x)
    if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(x)) {
      ctx.addIssue({ code: 'custom', message: `datetime "${x}" is not an RFC 3339 date-time` })
      return undefined
    }
    return new Date(t).toISOString()
  }
  const parts = s.split('/')
  if (parts.length > 2) {
    ctx.addIssue({ code: 'custom', message: 'datetime is an instant or one interval a/b' })
    return {}
  }
  if (parts.length === 1) {
    const at = instant(parts[0]!)
    return { from: at, to: at }
  }
  const from = instant(parts[0]!)
  const to = instant(parts[1]!)
  if (from && to && from > to) ctx.addIssue({ code: 'custom', message: 'datetime interval start is after its end' })
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) }
})

const cursorSchema = z.string().transform((s, ctx) => {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown
    const parsed = z.object({ id: z.number().int().min(0).max(INT4_MAX) }).or(z.object({ o: z.number().int().min(0).max(INT4_MAX) })).parse(v)
    return parsed
  } catch {
    ctx.addIssue({ code: 'custom', message: 'cursor is not one this server issued' })
    return z.NEVER
  }
})

export function encodeCursor(c: { id: number } | { o: number }): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url')
}

export const featureQuerySchema = z.object({
  bbox: bboxSchema.optional(),
  datetime: datetimeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(10000).optional(),
  cursor: cursorSchema.optional(),
  sort: z.string().regex(/^-?[a-z_]+$/, 'sort is a property name, - in front for descending').optional(),
  q: z.string().max(100).optional(),
  format: z.enum(['geojson', 'csv']).optional(),
})

export interface FeatureQuery {
  bbox?: readonly [number, number, number, number]
  datetime?: TimeInterval
  /** Page size; undefined means everything (exports). */
  limit?: number
  /** Keyset (after this id, default order) or offset (sorted order). */
  after?: number
  offset?: number
  sort?: { column: string; descending: boolean }
  q?: string
  /** Equality filters on catalogued properties. */
  equals: Array<[string, string]>
  format?: 'geojson' | 'csv'
  /** The caller's access scope as a condition on `t` (auth/layer-access.ts); ANDed into the query. */
  scope?: RawBuilder<boolean>
}

/** Zod issues as one 400 message. */
export function invalidQuery(issues: readonly z.core.$ZodIssue[]): ApiError {
  return new ApiError(400, 'invalid_query', issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '))
}

/**
 * Every parameter that is not one of `reserved` must name a catalogued property: equality
 * filters. Anything else is 400 and never reaches SQL.
 */
export function equalityFilters(layer: LayerDef, query: Record<string, unknown>, reserved: ReadonlySet<string>): Array<[string, string]> {
  const equals: Array<[string, string]> = []
  for (const [key, value] of Object.entries(query)) {
    if (reserved.has(key)) continue
    const prop = layer.properties.find((p) => p.name === key)
    if (!prop) throw new ApiError(400, 'unknown_property', `layer ${layer.id} has no property or parameter "${key}"`)
    if (typeof value !== 'string') throw new ApiError(400, 'invalid_query', `${key} must be given once`)
    equals.push([prop.name, value])
  }
  return equals
}

/** Parses a feature-list query; unknown parameters are 400, never passed to SQL. */
export function parseFeatureQuery(layer: LayerDef, query: Record<string, unknown>, defaultLimit = 1000): FeatureQuery {
  const base = featureQuerySchema.safeParse(query)
  if (!base.success) throw invalidQuery(base.error.issues)
  const equals = equalityFilters(layer, query, RESERVED)
  const { bbox, datetime, limit, cursor, sort, q, format } = base.data
  if (datetime && !layer.timeColumn) throw new ApiError(400, 'invalid_query', `layer ${layer.id} has no time to filter by datetime`)
  let parsedSort: FeatureQuery['sort']
  if (sort) {
    const column = sort.replace(/^-/, '')
    const prop = layer.properties.find((p) => p.name === column)
    if (!prop || prop.type === 'json') throw new ApiError(400, 'invalid_query', `cannot sort layer ${layer.id} by "${column}"`)
    parsedSort = { column, descending: sort.startsWith('-') }
  }
  if (cursor && 'id' in cursor && parsedSort) throw new ApiError(400, 'invalid_query', 'this cursor belongs to the unsorted listing')
  if (cursor && 'o' in cursor && !parsedSort) throw new ApiError(400, 'invalid_query', 'this cursor belongs to a sorted listing')
  return {
    ...(bbox ? { bbox } : {}),
    ...(datetime ? { datetime } : {}),
    // An export takes the whole filtered set unless a limit is asked for.
    ...(limit !== undefined ? { limit } : format ? {} : { limit: defaultLimit }),
    ...(cursor && 'id' in cursor ? { after: cursor.id } : {}),
    ...(cursor && 'o' in cursor ? { offset: cursor.o } : {}),
    ...(parsedSort ? { sort: parsedSort } : {}),
    ...(q ? { q } : {}),
    ...(format ? { format } : {}),
    equals,
  }
}
