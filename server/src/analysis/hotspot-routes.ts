import type { Response, Router, Request } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { z } from 'zod'
import type { DbHandle } from '../db/create-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { ApiError, handle } from '../http/errors.ts'
import { computeDensity } from './density.ts'
import { areaFor, parseAreaBody, parseAreaParam } from './hex-area.ts'
import { sendFeatureCollection } from './hex-geojson.ts'
import { booleanParam, instantSchema, metres, parseAnalysisQuery, pointFilterShape, type PointFilters } from './hex-filters.ts'
import { analysisGrids, readScopeOf } from '../auth/request-scope.ts'
import { requirePrincipal } from '../auth/policy.ts'
import { computeHotspots, hotspotBins, hotspotFeatureCollection, type HotspotResult } from './hotspots.ts'
import { computeSeasonal } from './seasonal.ts'
import { computeEmerging, emergingBins, emergingCsv, emergingFeatureCollection } from './emerging.ts'
import { computeDosage } from './dosage.ts'

const DEFAULT_HEX_CELL = 500
const DEFAULT_DENSITY_CELL = 250

const hotspotShape = {
  ...pointFilterShape,
  cell: metres('cell', { max: 50_000 }).optional(),
  band: metres('band', { max: 100_000, positive: false }).optional(),
  fdr: booleanParam.optional(),
  /** `geojson` (default): hexagon polygons; `bins`: the lattice and one row of numbers per bin (about a tenth of the bytes). */
  format: z.enum(['geojson', 'bins']).optional(),
}
const hotspotQuery = z.strictObject(hotspotShape)
// A drawn area comes in the body; `area=` in the query would be a second, conflicting area.
const hotspotPostQuery = z.strictObject({ ...hotspotShape, area: z.undefined({ error: 'area comes from the request body in a POST' }).optional() })

const densityQuery = z.strictObject({
  ...pointFilterShape,
  cell: metres('cell', { max: 50_000 }).optional(),
  bandwidth: metres('bandwidth', { max: 100_000 }).optional(),
})

const integer = (name: string, min: number, max: number) =>
  z.string().regex(/^\d+$/, `${name} must be a whole number`).transform(Number).pipe(z.number().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`))

const emergingQuery = z.strictObject({
  ...pointFilterShape,
  cell: metres('cell', { max: 50_000 }).optional(),
  band: metres('band', { max: 100_000, positive: false }).optional(),
  step: z.enum(['week', 'month'], { error: 'step must be week or month' }).optional(),
  k: integer('k', 0, 12).optional(),
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

const dosageQuery = z.strictObject({
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  area: z.string().optional(),
  cell: metres('cell', { max: 5_000, min: 50 }).optional(),
  hotspots: z.enum(['gi', 'emerging'], { error: 'hotspots must be gi or emerging' }).optional(),
  bins: binList.optional(),
  max_gap_s: integer('max_gap_s', 10, 3600).optional(),
  buffer: integer('buffer', 0, 500).optional(),
  visit_min: integer('visit_min', 1, 120).optional(),
  target: integer('target', 1, 48).optional(),
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

const seasonalQuery = z.strictObject({
  grid: gridList.optional(),
  at: instantSchema.optional(),
  years: integer('years', 1, 20).optional(),
  min_count: integer('min_count', 1, 10_000).optional(),
  /** `1`: each cell with its outline (the four-seasons map). */
  geometry: z.enum(['0', '1']).optional(),
})

/** Hotspots (hexagon bins with Gi*), the kernel density surface and the four-seasons screen. */
/** The points an analysis counts are only those the caller may read (an officer: their own cells). */
function scoped<T extends { filters: PointFilters }>(req: Request, parsed: T): T {
  const access = readScopeOf(req, parsed.filters.layer, 'p')
  return access.scope === 'all' ? parsed : { ...parsed, filters: { ...parsed.filters, scope: access.where } }
}

/** A hotspot answer as GeoJSON (default) or in compact form. */
function sendHotspots(res: Response, format: 'geojson' | 'bins' | undefined, result: HotspotResult): void {
  if (format === 'bins') res.type('application/json').send(hotspotBins(result))
  else sendFeatureCollection(res, hotspotFeatureCollection(result))
}

export function hotspotRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')

  router.get(
    '/analysis/hotspots',
    handle(async (req, res) => {
      const { params, filters } = scoped(req, parseAnalysisQuery(hotspotQuery, req.query))
      sendHotspots(res, params.format, await computeHotspots(db, {
        filters,
        area: areaFor(requirePrincipal(req), parseAreaParam(params.area)),
        cell: params.cell ?? DEFAULT_HEX_CELL,
        ...(params.band !== undefined ? { band: params.band } : {}),
        fdr: params.fdr ?? false,
      }))
    }),
  )

  router.post(
    '/analysis/hotspots',
    handle(async (req, res) => {
      const { params, filters } = scoped(req, parseAnalysisQuery(hotspotPostQuery, req.query))
      const area = await parseAreaBody(db, req.body)
      sendHotspots(res, params.format, await computeHotspots(db, {
        filters,
        area,
        cell: params.cell ?? DEFAULT_HEX_CELL,
        ...(params.band !== undefined ? { band: params.band } : {}),
        fdr: params.fdr ?? false,
      }))
    }),
  )

  router.get(
    '/analysis/emerging-hotspots',
    handle(async (req, res) => {
      const { params, filters } = scoped(req, parseAnalysisQuery(emergingQuery, req.query))
      const result = await computeEmerging(db, {
        filters,
        area: areaFor(requirePrincipal(req), parseAreaParam(params.area)),
        cell: params.cell ?? DEFAULT_HEX_CELL,
        ...(params.band !== undefined ? { band: params.band } : {}),
        step: params.step ?? 'week',
        k: params.k ?? 1,
        alpha: params.alpha ?? 0.05,
        now: new Date(),
      })
      if (params.format === 'csv') res.type('text/csv; charset=utf-8').attachment('emerging-hotspots.csv').send(emergingCsv(result))
      else if (params.format === 'bins') res.type('application/json').send(emergingBins(result))
      else sendFeatureCollection(res, emergingFeatureCollection(result))
    }),
  )

  router.get(
    '/analysis/dosage',
    handle(async (req, res) => {
      const r = dosageQuery.safeParse(req.query)
      if (!r.success) throw invalidQuery(r.error.issues)
      const q = r.data
      if (q.bins && q.hotspots) throw new ApiError(400, 'invalid_query', 'give either hotspots= or bins=, not both')
      const to = q.to ?? new Date().toISOString()
      const from = q.from ?? new Date(Date.parse(to) - 7 * 86_400_000).toISOString()
      res.json(
        await computeDosage(db, {
          from,
          to,
          cell: q.cell ?? DEFAULT_HEX_CELL,
          hotspots: q.bins ?? q.hotspots ?? 'gi',
          area: areaFor(requirePrincipal(req), parseAreaParam(q.area)),
          presence: { maxGapS: q.max_gap_s ?? 300, bufferM: q.buffer ?? 0 },
          visitMin: q.visit_min ?? 10,
          targetVisits: q.target ?? 3,
        }),
      )
    }),
  )

  router.get(
    '/analysis/density',
    handle(async (req, res) => {
      const { params, filters } = scoped(req, parseAnalysisQuery(densityQuery, req.query))
      const cell = params.cell ?? DEFAULT_DENSITY_CELL
      if (params.bandwidth !== undefined && params.bandwidth < cell) {
        throw new ApiError(400, 'invalid_query', `bandwidth: ${params.bandwidth} m is narrower than the ${cell} m grid; the surface needs a bandwidth of at least one cell`)
      }
      sendFeatureCollection(res, await computeDensity(db, {
        filters,
        area: areaFor(requirePrincipal(req), parseAreaParam(params.area)),
        cell,
        ...(params.bandwidth !== undefined ? { bandwidth: params.bandwidth } : {}),
      }))
    }),
  )

  router.get(
    '/analysis/seasonal',
    handle(async (req, res) => {
      const r = seasonalQuery.safeParse(req.query)
      if (!r.success) throw invalidQuery(r.error.issues)
      const grids = analysisGrids(req, r.data.grid)
      res.json(
        await computeSeasonal(db, {
          ...(grids ? { grids: [...grids] } : {}),
          geometry: r.data.geometry === '1',
          at: r.data.at ?? new Date().toISOString(),
          years: r.data.years ?? 3,
          minCount: r.data.min_count ?? 2,
        }),
      )
    }),
  )
  return router
}
