import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql } from 'kysely'
import { coverageQuery, workloadQuery } from '../contract/analysis-requests.ts'
import { responsibleQuery } from '../contract/admin.ts'
import type { DbHandle } from '../db/create-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { ApiError, handle } from '../http/errors.ts'
import { coverageByCell, type CoverageRow } from './coverage.ts'
import { responsibleFor } from './responsible.ts'
import { analysisGrids } from '../auth/request-scope.ts'
import { workloadByZone } from './workload.ts'
import { csvText } from '../http/csv.ts'
import { stationNames } from '../stations/stations.ts'


type Totals = Record<'cells' | 'area_m2' | 'covered_m2' | 'household_units_total' | 'household_units_covered' | 'hazards_open_total' | 'hazards_open_covered' | 'schools_total' | 'schools_covered', number>

function totalsOf(rows: CoverageRow[]): Totals & { covered_share: number } {
  const t: Totals = { cells: 0, area_m2: 0, covered_m2: 0, household_units_total: 0, household_units_covered: 0, hazards_open_total: 0, hazards_open_covered: 0, schools_total: 0, schools_covered: 0 }
  for (const r of rows) {
    t.cells++
    for (const k of Object.keys(t) as Array<keyof Totals>) if (k !== 'cells') t[k] += r[k]
  }
  return { ...t, covered_share: t.area_m2 > 0 ? t.covered_m2 / t.area_m2 : 0 }
}

export function coverageRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')

  router.get(
    '/analysis/coverage',
    handle(async (req, res) => {
      const q = coverageQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      // An officer covers their own cells (and none when they have none assigned).
      const grids = analysisGrids(req, q.data.grid)
      const params = { buffer: q.data.buffer, kinds: q.data.kinds, grid: grids ? [...grids] : [], ...(q.data.since ? { since: q.data.since } : {}) }
      const rows = grids && grids.length === 0 ? [] : await coverageByCell(db, params)
      const expected = await sql<{ n: number }>`SELECT count(*)::int AS n FROM grid_cells ${params.grid.length ? sql`WHERE id IN (${sql.join(params.grid)})` : sql``}`.execute(db)
      if (params.grid.length && expected.rows[0]!.n !== new Set(params.grid).size) throw new ApiError(404, 'unknown_grid_cell', 'some of the grid ids do not exist')
      // PGlite can drop a row instead of raising when a GEOS overlay fails: never report a partial city.
      if (!(grids && grids.length === 0) && rows.length !== expected.rows[0]!.n) throw new Error(`coverage returned ${rows.length} of ${expected.rows[0]!.n} cells`)
      const byStation = new Map<number, CoverageRow[]>()
      for (const r of rows) byStation.set(r.station_id, [...(byStation.get(r.station_id) ?? []), r])
      const names = await stationNames(db)
      const totals = { city: totalsOf(rows), stations: [...byStation].map(([station_id, rs]) => ({ station_id, station_name: names.get(station_id) ?? null, ...totalsOf(rs) })) }
      if (q.data.format === 'csv') {
        const columns = Object.keys(rows[0] ?? {}).filter((k) => k !== 'cell' && k !== 'uncovered')
        res.type('text/csv; charset=utf-8').attachment('coverage.csv').send(csvText(columns, rows.map((r) => columns.map((c) => r[c as keyof CoverageRow]))))
        return
      }
      const features = rows.map(({ cell, uncovered, ...props }) => ({
        type: 'Feature',
        id: props.id,
        geometry: JSON.parse(cell) as unknown,
        properties: { ...props, uncovered: uncovered ? (JSON.parse(uncovered) as unknown) : null },
      }))
      res.type('application/geo+json').json({ type: 'FeatureCollection', parameters: { ...params, crs: 'EPSG:32651 for metric work' }, totals, features })
    }),
  )

  router.get(
    '/analysis/responsible',
    handle(async (req, res) => {
      const q = responsibleQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const answer = await responsibleFor(db, q.data.lon, q.data.lat, q.data.units)
      if (!answer) throw new ApiError(404, 'outside_city', `no grid cell covers ${q.data.lon}, ${q.data.lat}: the point is outside the city's grid`)
      res.json(answer)
    }),
  )

  router.get(
    '/analysis/workload',
    handle(async (req, res) => {
      const q = workloadQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const zones = await workloadByZone(db, { ...(q.data.station ? { station: q.data.station } : {}), ...(q.data.datetime?.from ? { from: q.data.datetime.from } : {}), ...(q.data.datetime?.to ? { to: q.data.datetime.to } : {}) })
      res.json({ parameters: q.data, zones })
    }),
  )
  return router
}
