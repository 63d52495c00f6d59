import { z } from 'zod'
import { ROUTE_KINDS } from '../../../data/catalog/layers.ts'
import { booleanParam, instantSchema, metres, pointFilterShape } from '../analysis/hex-filters.ts'
import { queryId, queryIdList } from '../http/ints.ts'
import { datetimeSchema } from '../features/query-schema.ts'

/**
 * The query parameters of the analysis endpoints: the routes validate with these, and the OpenAPI
 * document lists them (server/src/contract/endpoints.ts). Unknown parameters are refused (strict).
 */

const integer = (name: string, min: number, max: number) =>
  z.string().regex(/^\d+$/, `${name} must be a whole number`).transform(Number).pipe(z.number().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`))

export const coverageQuery = z.strictObject({
  buffer: z.coerce.number().positive('buffer must be more than 0 m').max(5000, 'buffer is at most 5000 m').default(200).describe('metres around the routes'),
  kinds: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(ROUTE_KINDS)))
    .default([])
    .describe(`route kinds, comma-separated (${ROUTE_KINDS.join(', ')}); all when absent`),
  since: z.iso.datetime({ offset: true }).optional().describe('only patrols that ended at or after this time count for "last patrol"'),
  grid: queryIdList().default([]).describe('grid cell ids, comma-separated; all when absent'),
  format: z.enum(['geojson', 'csv']).default('geojson'),
})

const hotspotShape = {
  ...pointFilterShape,
  cell: metres('cell', { max: 50_000 }).optional().describe('hexagon edge in metres (default 500)'),
  band: metres('band', { max: 100_000, positive: false }).optional().describe('neighbourhood distance band in metres'),
  fdr: booleanParam.optional().describe('classify by false-discovery-rate adjusted p'),
  format: z.enum(['geojson', 'bins']).optional().describe('geojson (default): hexagon polygons; bins: the lattice and one row of numbers per bin (about a tenth of the bytes)'),
}
export const hotspotQuery = z.strictObject(hotspotShape)
/** A drawn area comes in the body; `area=` in the query would be a second, conflicting area. */
export const hotspotPostQuery = z.strictObject({ ...hotspotShape, area: z.undefined({ error: 'area comes from the request body in a POST' }).optional() })

export const densityQuery = z.strictObject({
  ...pointFilterShape,
  cell: metres('cell', { max: 50_000 }).optional().describe('grid spacing in metres (default 250)'),
  bandwidth: metres('bandwidth', { max: 100_000 }).optional().describe('kernel radius in metres (default: Silverman-style rule, see parameters.bandwidth_rule)'),
  format: z.enum(['geojson', 'grid'], { error: 'format must be geojson or grid' }).optional().describe('geojson (default): points; grid: the grid and one [col, row, density] per point (about a sixth of the bytes)'),
})

export const emergingQuery = z.strictObject({
  ...pointFilterShape,
  cell: metres('cell', { max: 50_000 }).optional(),
  band: metres('band', { max: 100_000, positive: false }).optional(),
  step: z.enum(['week', 'month'], { error: 'step must be week or month' }).optional(),
  k: integer('k', 0, 12).optional().describe('time steps before the current one in each space-time neighbourhood (default 1)'),
  alpha: z.enum(['0.01', '0.05', '0.1'], { error: 'alpha must be 0.01, 0.05 or 0.1' }).transform(Number).optional(),
  format: z.enum(['geojson', 'csv', 'bins'], { error: 'format must be geojson, csv or bins' }).optional(),
})

/** `bins=i:j,i:j`: hexagon bins named by their lattice indices (at most 300). */
const binList = z.string().transform((s, ctx) => {
  const parts = s.split(',').map((x) => x.trim())
  if (parts.length > 300 || parts.some((p) => !/^-?\d{1,7}:-?\d{1,8}$/.test(p))) {
    ctx.addIssue({ code: 'custom', message: 'bins is one or more i:j hexagon indices separated by commas (at most 300)' })
    return z.NEVER
  }
  return parts.map((p) => ({ i: Number(p.split(':')[0]), j: Number(p.split(':')[1]) }))
})

export const dosageQuery = z.strictObject({
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  area: z.string().optional(),
  cell: metres('cell', { max: 5_000, min: 50 }).optional(),
  hotspots: z.enum(['gi', 'emerging'], { error: 'hotspots must be gi or emerging' }).optional(),
  bins: binList.optional().describe('i:j,… hexagon bins instead of the computed hot spots'),
  max_gap_s: integer('max_gap_s', 10, 3600).optional().describe('longest gap between two reports that still counts as presence (default 300)'),
  buffer: integer('buffer', 0, 500).optional().describe('metres around each hot spot (default 0)'),
  visit_min: integer('visit_min', 1, 120).optional().describe('minutes that make a full visit (default 10)'),
  target: integer('target', 1, 48).optional().describe('full visits a day that meet the target (default 3)'),
})

/** `grid=1,2,3` (or `|` between ids): at most 2,000 positive ids. */
const gridList = z.string().transform((s, ctx) => {
  const parts = s.split(/[,|]/).map((x) => x.trim())
  if (parts.length > 2000 || parts.some((p) => !/^[1-9][0-9]{0,9}$/.test(p) || Number(p) > 2_147_483_647)) {
    ctx.addIssue({ code: 'custom', message: 'grid is one or more grid cell ids separated by , or | (at most 2,000)' })
    return z.NEVER
  }
  return [...new Set(parts.map(Number))]
})

export const seasonalQuery = z.strictObject({
  grid: gridList.optional(),
  at: instantSchema.optional(),
  years: integer('years', 1, 20).optional(),
  min_count: integer('min_count', 1, 10_000).optional(),
  /** `1`: each cell with its outline (the four-seasons map). */
  geometry: z.enum(['0', '1']).optional().describe('1: each cell with its outline'),
})

export const monthlyQuery = z.strictObject(pointFilterShape)

export const workloadQuery = z.strictObject({
  station: queryId().optional().describe('the zones of this police unit'),
  datetime: datetimeSchema.optional().describe('disputes reported in this interval (from/to, RFC 3339)'),
})
