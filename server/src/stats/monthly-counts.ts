import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql, type Kysely } from 'kysely'
import type { DbHandle } from '../db/create-db.ts'
import { requirePrincipal } from '../auth/policy.ts'
import { areaFor, areaRowsSql, describeArea, parseAreaParam, type AreaSpec } from '../analysis/hex-area.ts'
import { dbStep } from '../analysis/hex-db.ts'
import { filterEcho, parseAnalysisQuery, pointFilterSql, type PointFilters } from '../analysis/hex-filters.ts'
import { monthlyQuery } from '../contract/analysis-requests.ts'
import { handle } from '../http/errors.ts'
import { readScopeOf } from '../auth/request-scope.ts'

export interface MonthCount {
  /** `YYYY-MM`, the month in Asia/Shanghai. */
  month: string
  count: number
}

/**
 * Points of an analysis layer per month (Beijing time), with the same filters and area rule as
 * the hotspots (a point counts when it lies in the area), so the months add up to its `points`.
 * Months between the first and the last with no points are returned as 0.
 */
export async function monthlyCounts(db: Kysely<any>, filters: PointFilters, area: AreaSpec): Promise<MonthCount[]> {
  const time = sql.ref(`p.${filters.layer.timeColumn!}`)
  const r = await sql<MonthCount>`
    WITH area AS MATERIALIZED (SELECT geom FROM (${areaRowsSql(area)}) a),
    bounds AS MATERIALIZED (SELECT ST_Envelope(ST_Collect(geom)) AS env FROM area)
    SELECT to_char(${time} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, count(*)::int AS count
    FROM ${sql.table(filters.layer.table)} p
    WHERE p.geom && (SELECT env FROM bounds) AND ${pointFilterSql(filters)}
      AND EXISTS (SELECT 1 FROM area WHERE ST_Intersects(area.geom, p.geom))
    GROUP BY 1 ORDER BY 1`.execute(db)
  return fillMonths(r.rows)
}

/** The rows with every missing month between the first and the last as 0. */
export function fillMonths(rows: readonly MonthCount[]): MonthCount[] {
  if (rows.length === 0) return []
  const byMonth = new Map(rows.map((r) => [r.month, r.count]))
  const [y0, m0] = rows[0]!.month.split('-').map(Number) as [number, number]
  const last = rows[rows.length - 1]!.month
  const out: MonthCount[] = []
  for (let k = 0; ; k++) {
    const y = y0 + Math.floor((m0 - 1 + k) / 12)
    const m = ((m0 - 1 + k) % 12) + 1
    const month = `${y}-${String(m).padStart(2, '0')}`
    out.push({ month, count: byMonth.get(month) ?? 0 })
    if (month === last) return out
  }
}


/** `GET /api/stats/monthly?layer=…`: counts per month for the hotspot filters (the chart under the hotspots), within the caller's read scope. */
export function monthlyCountsRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')
  router.get(
    '/stats/monthly',
    handle(async (req, res) => {
      const { params, filters: asked } = parseAnalysisQuery(monthlyQuery, req.query)
      // The same points the hotspots count for this caller: an officer's own cells only.
      const access = readScopeOf(req, asked.layer, 'p')
      const filters = access.scope === 'all' ? asked : { ...asked, scope: access.where }
      const area = areaFor(requirePrincipal(req), parseAreaParam(params.area))
      const info = await describeArea(db, area)
      const months = await dbStep(`counting ${filters.layer.id} per month`, () => monthlyCounts(db, filters, area))
      res.json({ parameters: { ...filterEcho(filters), area: info.label, month: 'calendar month of the time in Asia/Shanghai' }, total: months.reduce((s, m) => s + m.count, 0), months })
    }),
  )
  return router
}
