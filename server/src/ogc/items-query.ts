import { z } from 'zod'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { bboxSchema, datetimeSchema, equalityFilters, invalidQuery, type FeatureQuery } from '../features/query-schema.ts'
import { ApiError } from '../http/errors.ts'
import { INT4_MAX, queryOffset } from '../http/ints.ts'

export const DEFAULT_LIMIT = 10
export const MAX_LIMIT = 10000

/** `f` values meaning JSON; GDAL and browsers add one, and JSON is all this API serves. */
const JSON_FORMATS = new Set(['json', 'geojson', 'application/json', 'application/geo+json'])

const itemsSchema = z.object({
  bbox: bboxSchema.optional(),
  datetime: datetimeSchema.optional(),
  // OGC API – Features 7.15.3: a limit above the server's maximum is lowered to it, not rejected.
  limit: z.coerce.number().int().min(1).max(INT4_MAX).transform((n) => Math.min(n, MAX_LIMIT)).optional(),
  /** Keyset paging: the features after this id (what `next` links carry; no OFFSET scan). */
  after: queryOffset().optional(),
  /** Offset paging, kept for clients that build page URLs themselves; `next` links use `after`. */
  offset: queryOffset().optional(),
  f: z.string().optional(),
})

/** The items query's standard parameters, as the OpenAPI document declares them. */
export const itemsQuerySchema = itemsSchema

const STANDARD = new Set(Object.keys(itemsSchema.shape))

/** Rejects an `f` asking for anything but JSON (406: HTML and other encodings are not served). */
export function checkFormat(query: Record<string, unknown>): void {
  const f = query.f
  if (f === undefined) return
  if (typeof f !== 'string' || !JSON_FORMATS.has(f)) throw new ApiError(406, 'unsupported_format', 'only JSON is served: f=json')
}

/**
 * Parses an OGC items query into the FeatureQuery the /api listing uses, so both read through
 * the same SQL. Unknown parameters are 400 (OGC 7.15.2 lets a server reject them), never SQL.
 */
export function parseItemsQuery(layer: LayerDef, query: Record<string, unknown>): FeatureQuery & { limit: number; offset: number; firstPage: boolean } {
  const parsed = itemsSchema.safeParse(query)
  if (!parsed.success) throw invalidQuery(parsed.error.issues)
  checkFormat(query)
  const equals = equalityFilters(layer, query, STANDARD)
  const { bbox, datetime, limit = DEFAULT_LIMIT, offset = 0, after } = parsed.data
  if (datetime && !layer.timeColumn) throw new ApiError(400, 'invalid_query', `collection ${layer.id} has no time to filter by datetime`)
  return { ...(bbox ? { bbox } : {}), ...(datetime ? { datetime } : {}), ...(after !== undefined ? { after } : {}), limit, offset, equals, firstPage: after === undefined && offset === 0 }
}
