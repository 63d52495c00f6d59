import { sql, type Kysely } from 'kysely'
import { findLayer } from '../../../data/catalog/layers.ts'
import { computeHotspots } from '../analysis/hotspots.ts'
import { presenceRunsSql } from '../analysis/dosage.ts'
import type { Firing, RuleRow } from './rules.ts'

export interface HotCell {
  i: number
  j: number
  /** Confidence of the Gi* class: 90, 95 or 99. */
  level: number
  z: number
}

export interface HotspotVisitParams {
  /** A hot cell must have had a visit within this many hours. */
  hours: number
  /** A visit: one unit's consecutive reports inside the cell spanning at least this long (Koper: 10–15 min). */
  dwellMin: number
  /** Reports further apart than this do not make one stay (the device was silent). */
  maxGapS: number
  cellM: number
  /** Incidents of this many days before the evaluation make the hotspot map. */
  lookbackDays: number
  /** A cell opens an alert at this Gi* confidence … */
  minConfidence: number
  /** … and keeps it open while still hot at this one (no flapping at the edge of significance). */
  keepConfidence: number
  /** At most this many cells (highest Gi* z first) open alerts, so the wall is not flooded. */
  maxCells: number
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)

export function hotspotVisitParams(p: Record<string, unknown>): HotspotVisitParams {
  return {
    hours: num(p.hours, 8),
    dwellMin: num(p.dwell_min, 10),
    maxGapS: num(p.max_gap_s, 300),
    cellM: Math.max(50, num(p.cell_m, 500)),
    lookbackDays: Math.max(1, num(p.lookback_days, 90)),
    minConfidence: num(p.min_confidence, 99),
    keepConfidence: num(p.keep_confidence, 90),
    maxCells: Math.max(0, Math.floor(num(p.max_cells, 20))),
  }
}

// The hotspot map is a statistic of weeks of incidents: computed once per clock hour (the window
// ends at the hour), not on every 30 s evaluation. One process serves one database.
const cache = new Map<string, HotCell[]>()

/** The city's hot cells of incidents in the `lookbackDays` before the hour of `at`. */
export async function hotCells(db: Kysely<any>, at: string, cellM: number, lookbackDays: number): Promise<HotCell[]> {
  const to = new Date(Math.floor(Date.parse(at) / 3600_000) * 3600_000)
  const from = new Date(to.getTime() - lookbackDays * 86400_000)
  const key = `${cellM}|${from.toISOString()}|${to.toISOString()}`
  const cached = cache.get(key)
  if (cached) return cached
  const result = await computeHotspots(db, {
    filters: { layer: findLayer('incidents')!, from: from.toISOString(), to: to.toISOString() },
    area: { kind: 'city' },
    cell: cellM,
    fdr: false,
  })
  const cells: HotCell[] = []
  result.rows.forEach((b, k) => {
    const c = result.classes[k]!
    // z as the answers round it (6 decimals), so the ranking is the one the hotspot screen shows.
    if (c.startsWith('hot-')) cells.push({ i: b.i, j: b.j, level: Number(c.slice(4)), z: Number(result.z[k]!.toFixed(6)) })
  })
  cells.sort((a, b) => b.z - a.z || a.i - b.i || a.j - b.j)
  if (cache.size >= 8) cache.delete(cache.keys().next().value!)
  cache.set(key, cells)
  return cells
}

/**
 * 热点无人驻巡: a hot cell (Gi* at `min_confidence`, the `max_cells` strongest) where no unit has
 * stayed `dwell_min` minutes in the last `hours`. A stay is a run of one unit's reports inside
 * the hexagon, none more than `max_gap_s` apart, from its first to its last report, that ends
 * within the last `hours`; passing through does not count. An open alert stays open while the cell is hot at `keep_confidence`
 * and unvisited, whatever its rank, and clears on a visit.
 */
export async function hotspotUnvisited(db: Kysely<any>, rule: RuleRow, at: string): Promise<Firing[]> {
  const p = hotspotVisitParams(rule.params)
  const hot = await hotCells(db, at, p.cellM, p.lookbackDays)
  const prefix = `hotspot:${p.cellM}:`
  const open = new Set(
    (await sql<{ subject: string }>`SELECT subject FROM alerts WHERE rule_id = ${rule.id} AND cleared_at IS NULL AND subject LIKE ${prefix + '%'}`.execute(db)).rows.map((r) => r.subject),
  )
  const subjectOf = (c: HotCell) => `${prefix}${c.i}:${c.j}`
  const candidates = [
    ...hot.filter((c) => c.level >= p.minConfidence).slice(0, p.maxCells),
    ...hot.filter((c) => c.level >= p.keepConfidence && open.has(subjectOf(c))),
  ].filter((c, k, all) => all.findIndex((d) => d.i === c.i && d.j === c.j) === k)
  if (candidates.length === 0) return []

  const cells = JSON.stringify(candidates.map((c) => ({ i: c.i, j: c.j, level: c.level })))
  const cellsSql = sql`SELECT c.i, c.j, c.level, ST_Transform(ST_SetSRID(ST_Hexagon(${p.cellM}::float8, c.i, c.j), 32651), 4326) AS geom
      FROM jsonb_to_recordset(${cells}::jsonb) AS c(i int, j int, level int)`
  // A visit counts when it ends within the last hours. Reports from dwell + max gap before that
  // are read too, so a stay that began before the window is still seen whole enough. A stay is a
  // pass as patrol dosage measures it (analysis/dosage.ts: one definition of presence).
  const t1 = Date.parse(at)
  const t0 = t1 - p.hours * 3_600_000
  const tRead = t0 - (p.dwellMin * 60 + p.maxGapS) * 1000
  const passes = presenceRunsSql(cellsSql, new Date(tRead).toISOString(), new Date(t1).toISOString(), { maxGapS: p.maxGapS, bufferM: 0 })
  const r = await sql<Firing>`
    WITH cells AS MATERIALIZED (${cellsSql}),
    visits AS (
      SELECT v.i, v.j FROM (${passes}) v
      WHERE v."end" >= ${new Date(t0).toISOString()}::timestamptz AND v."end" - v.start >= make_interval(secs => ${p.dwellMin * 60})
    )
    SELECT ${prefix} || c.i || ':' || c.j AS subject,
           coalesce((SELECT t.name || v.name FROM admin_areas v JOIN admin_areas t ON t.code = v.parent_code
                     WHERE v.level = 'village' AND ST_Intersects(v.geom, ST_Centroid(c.geom)) LIMIT 1) || ' ', '') ||
           '治安热点（' || c.level || '%）已超过 ' || ${String(Number(p.hours.toFixed(1)))} || ' 小时无人驻巡（停留满 ' || ${String(Number(p.dwellMin.toFixed(1)))} || ' 分钟算一次）' AS message,
           ST_X(ST_Centroid(c.geom)) AS lon, ST_Y(ST_Centroid(c.geom)) AS lat
    FROM cells c
    WHERE NOT EXISTS (SELECT 1 FROM visits v WHERE v.i = c.i AND v.j = c.j)
    ORDER BY 1`.execute(db)
  return r.rows
}
