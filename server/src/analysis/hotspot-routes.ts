import type { Response, Router, Request } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import type { DbHandle } from '../db/create-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { ApiError, handle } from '../http/errors.ts'
import { computeDensity, densityFeatureCollection, densityGrid } from './density.ts'
import { areaFor, parseAreaBody, parseAreaParam } from './hex-area.ts'
import { sendFeatureCollection } from './hex-geojson.ts'
import { parseAnalysisQuery, type PointFilters } from './hex-filters.ts'
import { densityQuery, dosageQuery, emergingQuery, hotspotPostQuery, hotspotQuery, seasonalQuery } from '../contract/analysis-requests.ts'
import { analysisGrids, readScopeOf } from '../auth/request-scope.ts'
import { requirePrincipal } from '../auth/policy.ts'
import { computeHotspots, hotspotBins, hotspotFeatureCollection, type HotspotResult } from './hotspots.ts'
import { computeSeasonal } from './seasonal.ts'
import { computeEmerging, emergingBins, emergingCsv, emergingFeatureCollection } from './emerging.ts'
import { computeDosage } from './dosage.ts'

const DEFAULT_HEX_CELL = 500
const DEFAULT_DENSITY_CELL = 250

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
      const surface = await computeDensity(db, {
        filters,
        area: areaFor(requirePrincipal(req), parseAreaParam(params.area)),
        cell,
        ...(params.bandwidth !== undefined ? { bandwidth: params.bandwidth } : {}),
      })
      if (params.format === 'grid') res.type('application/json').send(densityGrid(surface))
      else sendFeatureCollection(res, densityFeatureCollection(surface))
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
