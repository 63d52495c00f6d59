import { sql, type Kysely } from 'kysely'
import { ApiError } from '../http/errors.ts'
import { csvText } from '../http/csv.ts'
import { areaBinsSql, areaCtesSql, describeArea, type AreaSpec } from './hex-area.ts'
import { dbStep } from './hex-db.ts'
import type { FeatureCollectionText } from './hex-geojson.ts'
import { filterEcho, pointFilterSql, type PointFilters } from './hex-filters.ts'
import { HexagonWriter, utm51nToLonLat } from './hex-utm.ts'
import { defaultBand, HEX_LAYOUT, hexIndexSql, hexLattice, neighbourOffsets, UTM51N_PROJ4, type Offset } from './hex-lattice.ts'
import { checkHexagonBudget, MAX_NEIGHBOURHOOD } from './hotspots.ts'
import { classifyEmerging, EMERGING_CATEGORIES, mannKendall, spaceTimeGiStar, type EmergingCategory, type StepState } from './emerging-stats.ts'

/** Most time steps one cube may have (five years of weeks). */
export const MAX_STEPS = 260
/** Most space-time cells (bins × steps) one request may compute. */
export const MAX_CUBE = 3_000_000

export type StepUnit = 'week' | 'month'

export interface EmergingOptions {
  filters: PointFilters
  area: AreaSpec
  cell: number
  band?: number
  step: StepUnit
  /** Time lags in the neighbourhood (the steps before each step that count with it). */
  k: number
  /** Significance level for hot and cold spots and for the trend. */
  alpha: number
  /** The moment the analysis looks back from (default: now), for the default period. */
  now: Date
}

const WEEK_MS = 7 * 86_400_000
const SHANGHAI_MS = 8 * 3_600_000

/** The first instant of the Asia/Shanghai calendar month `m` (0-based, may overflow) of year `y`. */
const monthStart = (y: number, m: number) => Date.UTC(y, m, 1) - SHANGHAI_MS

/**
 * The time steps: weeks are 7 × 24 h counted back from `to` (the earliest partial week is left
 * out, so every step is whole); months are Asia/Shanghai calendar months from the one holding
 * `from` to the one holding `to`. Returns the steps' boundaries (T + 1 instants, ms).
 */
export function timeSteps(unit: StepUnit, from: Date, to: Date): number[] {
  if (unit === 'week') {
    const steps = Math.floor((to.getTime() - from.getTime()) / WEEK_MS)
    return Array.from({ length: steps + 1 }, (_, k) => to.getTime() - (steps - k) * WEEK_MS)
  }
  const local = (d: Date) => new Date(d.getTime() + SHANGHAI_MS)
  const a = local(from)
  const b = local(to)
  const first = a.getUTCFullYear() * 12 + a.getUTCMonth()
  const last = b.getUTCFullYear() * 12 + b.getUTCMonth()
  return Array.from({ length: last - first + 2 }, (_, k) => monthStart(Math.floor((first + k) / 12), (first + k) % 12))
}

interface CubeRow {
  i: number
  j: number
  /** −1: a bin of the area (its row carries no count); else the step of `n` points in the bin. */
  step: number
  n: number
}

/** The area's bins and the points counted per bin and step, in one statement. */
function cubeSql(filters: PointFilters, area: AreaSpec, cell: number, bounds: number[]) {
  const lattice = hexLattice(cell)
  const table = sql.table(filters.layer.table)
  const time = sql.ref(`p.${filters.layer.timeColumn!}`)
  const edges = `{${bounds.map((b) => b / 1000).join(',')}}`
  return sql<CubeRow>`
    WITH ${areaCtesSql(area)},
    pts AS MATERIALIZED (
      SELECT ST_X(q) AS x, ST_Y(q) AS y, step FROM (
        SELECT ST_Transform(p.geom, 32651) AS q, width_bucket(extract(epoch FROM ${time})::float8, ${edges}::float8[]) - 1 AS step
        FROM ${table} p
        WHERE p.geom && (SELECT env FROM bounds) AND ${pointFilterSql(filters)}
          AND EXISTS (SELECT 1 FROM area WHERE ST_Intersects(area.geom, p.geom))
      ) s
      WHERE step >= 0 AND step < ${bounds.length - 1}
    ),
    idx AS MATERIALIZED (${hexIndexSql(sql`SELECT x, y, step FROM pts`, lattice, ['step'])}),
    bins AS MATERIALIZED (${areaBinsSql(cell, sql`SELECT i, j FROM idx`)})
    SELECT i, j, -1 AS step, 0 AS n FROM bins
    UNION ALL
    SELECT i, j, step, count(*)::int AS n FROM idx GROUP BY i, j, step`
}

export interface EmergingBin {
  i: number
  j: number
  category: EmergingCategory
  counts: number[]
  z: Array<number | null>
  states: StepState[]
  trend: { s: number; z: number; p: number; tau: number }
  /** Where it is (village or community, and town) for the bins a commander is shown first. */
  place?: string
}

/** The categories whose bins are listed by place: the hot spots that are new or getting worse. */
export const LISTED = new Set<EmergingCategory>(['new-hot', 'consecutive-hot', 'intensifying-hot', 'persistent-hot'])

/** Names the village or community (and its town) holding each listed bin's centre. */
async function namePlaces(db: Kysely<any>, cell: number, bins: EmergingBin[]): Promise<void> {
  const listed = bins.filter((b) => LISTED.has(b.category))
  const places = await binPlaces(db, cell, listed)
  listed.forEach((b, k) => {
    if (places[k]) b.place = places[k]!
  })
}

/** The village or community (· its town) holding each bin's centre, null outside them; one statement. */
export async function binPlaces(db: Kysely<any>, cell: number, bins: ReadonlyArray<{ i: number; j: number }>): Promise<Array<string | null>> {
  if (bins.length === 0) return []
  const l = hexLattice(cell)
  const xs = bins.map((b) => l.columnWidth * b.i)
  const ys = bins.map((b) => l.rowHeight * (b.j + 0.5 * (b.i & 1)))
  const rows = await dbStep('naming the places of hexagon bins', async () =>
    (
      await sql<{ k: number; place: string }>`
        SELECT c.k::int AS k, concat_ws(' · ', v.name, t.name) AS place
        FROM unnest(${`{${xs.join(',')}}`}::float8[], ${`{${ys.join(',')}}`}::float8[]) WITH ORDINALITY AS c(x, y, k)
        JOIN admin_areas v ON v.level = 'village' AND ST_Intersects(v.geom, ST_Transform(ST_SetSRID(ST_MakePoint(c.x, c.y), 32651), 4326))
        LEFT JOIN admin_areas t ON t.code = v.parent_code`.execute(db)
    ).rows,
  )
  const out: Array<string | null> = bins.map(() => null)
  for (const r of rows) out[r.k - 1] = r.place
  return out
}

export interface EmergingResult {
  cell: number
  parameters: Record<string, unknown>
  summary: Record<string, unknown>
  steps: Array<{ start: string; end: string }>
  bins: EmergingBin[]
}

/** Emerging hot spots over the area (see emerging-stats.ts for the statistics and the rules). */
export async function computeEmerging(db: Kysely<any>, o: EmergingOptions): Promise<EmergingResult> {
  // Without `to`, the period ends now for weeks (whole weeks counted back) and at the end of the
  // last whole month for months: a month under way would read as a falling final step.
  const nowLocal = new Date(o.now.getTime() + SHANGHAI_MS)
  const to = o.filters.to ? new Date(o.filters.to) : o.step === 'week' ? o.now : new Date(monthStart(nowLocal.getUTCFullYear(), nowLocal.getUTCMonth()) - 1)
  const from = o.filters.from ? new Date(o.filters.from) : o.step === 'week' ? new Date(to.getTime() - 52 * WEEK_MS) : new Date(monthStart(new Date(to.getTime() + SHANGHAI_MS).getUTCFullYear(), new Date(to.getTime() + SHANGHAI_MS).getUTCMonth() - 11))
  const bounds = timeSteps(o.step, from, to)
  const T = bounds.length - 1
  if (T < 3) throw new ApiError(400, 'too_few_steps', `from–to holds ${T} whole ${o.step}${T === 1 ? '' : 's'}; a trend needs at least 3 (widen the period or use a shorter step)`)
  if (T > MAX_STEPS) throw new ApiError(400, 'too_many_steps', `from–to holds ${T} ${o.step}s; the limit is ${MAX_STEPS} (narrow the period or use step=month)`)
  const info = await describeArea(db, o.area)
  checkHexagonBudget(info, o.cell)
  const band = o.band ?? defaultBand(o.cell)
  const offsets = neighbourOffsets(o.cell, band)
  const perBin = offsets.filter((x) => x.parity === 0).length
  if (perBin > MAX_NEIGHBOURHOOD) throw new ApiError(400, 'band_too_wide', `band: ${band} m takes ${perBin} bins into each neighbourhood at cell ${o.cell} m; the limit is ${MAX_NEIGHBOURHOOD}`)

  const filters = { ...o.filters, from: new Date(bounds[0]!).toISOString(), to: o.filters.to ?? to.toISOString() }
  const rows = await dbStep(`counting ${filters.layer.id} per ${o.cell} m hexagon and ${o.step}`, async () => (await cubeSql(filters, o.area, o.cell, bounds).execute(db)).rows)
  const binRows = rows.filter((r) => r.step < 0).sort((a, b) => a.i - b.i || a.j - b.j)
  if (binRows.length === 0) throw new Error(`emerging hot spots: no hexagons over the area (a swallowed database error?)`)
  if (binRows.length * T > MAX_CUBE) throw new ApiError(400, 'cube_too_large', `${binRows.length} bins × ${T} steps exceed ${MAX_CUBE.toLocaleString('en')} space-time cells: use a larger cell or fewer steps`)
  const index = new Map(binRows.map((r, k) => [key(r.i, r.j), k]))
  const counts = new Float64Array(binRows.length * T)
  for (const r of rows) if (r.step >= 0) counts[index.get(key(r.i, r.j))! * T + r.step] = r.n
  const neighbours = binRows.map((b) => neighboursOf(b.i, b.j, offsets, index))
  const gi = spaceTimeGiStar(counts, T, neighbours, o.k)

  const summary = Object.fromEntries(EMERGING_CATEGORIES.map((c) => [c, 0])) as Record<EmergingCategory, number>
  const bins = binRows.map((b, k): EmergingBin => {
    const z = Array.from({ length: T }, (_, t) => gi.z[k * T + t]!)
    const states = z.map((zt, t): StepState => (zt === null || gi.p[k * T + t]! > o.alpha ? 0 : zt > 0 ? 1 : -1))
    // An undefined Gi* (all counts equal) has no trend: it counts as 0 in the series.
    const trend = mannKendall(z.map((v) => v ?? 0))
    const category = classifyEmerging(states, trend, o.alpha)
    summary[category]++
    return { i: b.i, j: b.j, category, counts: Array.from(counts.subarray(k * T, (k + 1) * T)), z, states, trend }
  })
  await namePlaces(db, o.cell, bins)
  const steps = bounds.slice(0, -1).map((b, t) => ({ start: new Date(b).toISOString(), end: new Date(bounds[t + 1]!).toISOString() }))
  const parameters = {
    ...filterEcho(filters),
    area: info.label,
    cell: o.cell,
    band: Number(band.toFixed(3)),
    bins_within_band: perBin,
    step: o.step,
    steps: T,
    step_rule: o.step === 'week' ? '7 × 24 h steps counted back from to; an earlier partial week is left out' : 'Asia/Shanghai calendar months from the one holding from to the one holding to',
    k: o.k,
    neighbourhood: `the bins within band (itself included) in the step and the ${o.k} step${o.k === 1 ? '' : 's'} before it; binary weights`,
    statistic: 'space-time Getis-Ord Gi*, mean and standard deviation over all bins × steps; Mann–Kendall on each bin\'s z series (ties corrected, continuity corrected, two-sided)',
    alpha: o.alpha,
    classes: 'Esri Emerging Hot Spot Analysis categories: rules in server/src/analysis/emerging-stats.ts (classifyEmerging)',
    mean: Number(gi.mean.toFixed(6)),
    sd: Number(gi.sd.toFixed(6)),
  }
  const points = counts.reduce((s, v) => s + v, 0)
  return { cell: o.cell, parameters, summary: { bins: bins.length, steps: T, points, categories: summary }, steps, bins }
}

const key = (i: number, j: number) => `${i}:${j}`

function neighboursOf(i: number, j: number, offsets: readonly Offset[], index: ReadonlyMap<string, number>): number[] {
  const parity = i & 1
  const out: number[] = []
  for (const o of offsets) {
    if (o.parity !== parity) continue
    const k = index.get(key(i + o.di, j + o.dj))
    if (k !== undefined) out.push(k)
  }
  return out
}

const round = (v: number | null, d: number) => (v === null ? null : Number(v.toFixed(d)))

/** GeoJSON: each bin's hexagon with its category, trend, and its count and z series. */
export function emergingFeatureCollection(r: EmergingResult): FeatureCollectionText {
  let iMin = Infinity, iMax = -Infinity, jMin = Infinity, jMax = -Infinity
  for (const b of r.bins) {
    iMin = Math.min(iMin, b.i); iMax = Math.max(iMax, b.i); jMin = Math.min(jMin, b.j); jMax = Math.max(jMax, b.j)
  }
  const hexagons = new HexagonWriter(r.cell, iMin, iMax, jMin, jMax)
  const features = r.bins.map((b) => {
    const props = {
      i: b.i,
      j: b.j,
      category: b.category,
      total: b.counts.reduce((s, v) => s + v, 0),
      hot_steps: b.states.filter((s) => s === 1).length,
      cold_steps: b.states.filter((s) => s === -1).length,
      trend_s: b.trend.s,
      trend_z: round(b.trend.z, 6),
      trend_p: round(b.trend.p, 8),
      tau: round(b.trend.tau, 6),
      counts: b.counts,
      gi_z: b.z.map((v) => round(v, 4)),
      place: b.place ?? null,
    }
    return `{"type":"Feature","id":"${b.i}:${b.j}","geometry":${hexagons.polygon(b.i, b.j)},"properties":${JSON.stringify(props)}}`
  })
  return { members: { parameters: r.parameters, summary: r.summary, steps: r.steps }, features }
}

/** CSV: one row per bin with its centre, category, trend and totals (the series in the GeoJSON). */
export function emergingCsv(r: EmergingResult): string {
  const l = hexLattice(r.cell)
  return csvText(
    ['i', 'j', 'lon', 'lat', 'category', 'place', 'total', 'hot_steps', 'cold_steps', 'trend_s', 'trend_z', 'trend_p', 'tau', 'final_gi_z'],
    r.bins.map((b) => {
      const [lon, lat] = utm51nToLonLat(l.columnWidth * b.i, l.rowHeight * (b.j + 0.5 * (b.i & 1)))
      return [b.i, b.j, Number(lon.toFixed(6)), Number(lat.toFixed(6)), b.category, b.place ?? '', b.counts.reduce((s, v) => s + v, 0), b.states.filter((s) => s === 1).length, b.states.filter((s) => s === -1).length, b.trend.s, round(b.trend.z, 6), round(b.trend.p, 8), round(b.trend.tau, 6), round(b.z.at(-1) ?? null, 6)]
    }),
  )
}

/**
 * The compact form (`format=bins`): the lattice, one row of figures per bin, and the count and z
 * series as arrays (z to 2 decimals); the client makes the hexagons. About half the GeoJSON's bytes.
 */
export function emergingBins(r: EmergingResult): string {
  const categoryIndex = new Map(EMERGING_CATEGORIES.map((c, k) => [c, k]))
  const rows = r.bins.map((b) => [
    b.i, b.j, categoryIndex.get(b.category)!, b.counts.reduce((s, v) => s + v, 0), b.states.filter((s) => s === 1).length, b.states.filter((s) => s === -1).length,
    b.trend.s, round(b.trend.z, 6), round(b.trend.p, 8), round(b.trend.tau, 6), b.place ?? null,
  ])
  return JSON.stringify({
    type: 'EmergingBins',
    parameters: r.parameters,
    summary: r.summary,
    steps: r.steps,
    lattice: { crs: 'EPSG:32651', proj4: UTM51N_PROJ4, size: r.cell, layout: HEX_LAYOUT },
    columns: ['i', 'j', 'category', 'total', 'hot_steps', 'cold_steps', 'trend_s', 'trend_z', 'trend_p', 'tau', 'place'],
    category_names: EMERGING_CATEGORIES,
    bins: rows,
    counts: r.bins.map((b) => b.counts),
    gi_z: r.bins.map((b) => b.z.map((v) => round(v, 2))),
  })
}
