import { sql, type Kysely } from 'kysely'
import { ApiError } from '../http/errors.ts'
import { areaRowsSql, describeArea, type AreaInfo, type AreaSpec } from './hex-area.ts'
import { dbStep } from './hex-db.ts'
import type { FeatureCollectionText } from './hex-geojson.ts'
import { utm51nToLonLat } from './hex-utm.ts'
import { UTM51N_PROJ4 } from './hex-lattice.ts'
import { filterEcho, pointFilterSql, type PointFilters } from './hex-filters.ts'

/** Largest density grid (points over the area's extent) one request may evaluate. */
export const MAX_GRID_POINTS = 200_000
/** Largest number of kernel evaluations (points × grid points within the bandwidth's square). */
export const MAX_KERNEL_WORK = 300_000_000

export interface DensityOptions {
  filters: PointFilters
  area: AreaSpec
  /** Grid spacing in metres (EPSG:32651). */
  cell: number
  /** Kernel radius h in metres; default by BANDWIDTH_RULE. */
  bandwidth?: number
}

export const KERNEL_RULE = 'quartic (biweight) kernel K(u) = 3/π·(1 − u²)² for u = d/h < 1, else 0; density at a grid point = Σ K(di/h)/h² over the points, reported per km²'
export const BANDWIDTH_RULE =
  "ArcGIS Kernel Density's spatial Silverman rule h = 0.9·min(SD, √(1/ln 2)·Dm)·n^−0.2 (SD the standard distance, Dm the median distance to the mean centre, in EPSG:32651 metres), raised to at least 2·cell so the grid resolves the kernel"

interface Grid {
  col0: number
  row0: number
  cols: number
  rows: number
}

function gridFor(info: AreaInfo, cell: number): Grid {
  const col0 = Math.floor(info.extent.xmin / cell)
  const row0 = Math.floor(info.extent.ymin / cell)
  return { col0, row0, cols: Math.floor(info.extent.xmax / cell) - col0 + 1, rows: Math.floor(info.extent.ymax / cell) - row0 + 1 }
}

function checkGridBudget(info: AreaInfo, cell: number): Grid {
  const grid = gridFor(info, cell)
  const total = grid.cols * grid.rows
  if (total > MAX_GRID_POINTS) {
    let smallest = Math.max(1, Math.floor(Math.sqrt(((info.extent.xmax - info.extent.xmin) * (info.extent.ymax - info.extent.ymin)) / MAX_GRID_POINTS)))
    while (gridFor(info, smallest).cols * gridFor(info, smallest).rows > MAX_GRID_POINTS) smallest++
    throw new ApiError(400, 'cell_too_small', `cell: ${cell} m would need about ${total.toLocaleString('en')} grid points to cover this area; the limit is ${MAX_GRID_POINTS.toLocaleString('en')}, so use a cell of at least ${smallest} m`)
  }
  return grid
}

/** The default bandwidth (BANDWIDTH_RULE) for points in metres; 2·cell when there are fewer than two. */
export function defaultBandwidth(xs: ArrayLike<number>, ys: ArrayLike<number>, cell: number): number {
  const n = xs.length
  if (n < 2) return 2 * cell
  let mx = 0
  let my = 0
  for (let k = 0; k < n; k++) {
    mx += xs[k]!
    my += ys[k]!
  }
  mx /= n
  my /= n
  let ss = 0
  const d = new Float64Array(n)
  for (let k = 0; k < n; k++) {
    const dx = xs[k]! - mx
    const dy = ys[k]! - my
    ss += dx * dx + dy * dy
    d[k] = Math.sqrt(dx * dx + dy * dy)
  }
  const sd = Math.sqrt(ss / n)
  d.sort()
  const dm = n % 2 ? d[(n - 1) / 2]! : (d[n / 2 - 1]! + d[n / 2]!) / 2
  const h = 0.9 * Math.min(sd, Math.sqrt(1 / Math.LN2) * dm) * n ** -0.2
  return Math.max(h, 2 * cell)
}

/** Σ (1 − u²)² per grid point (the kernel without its constant), for points in metres. */
export function quarticSums(xs: ArrayLike<number>, ys: ArrayLike<number>, grid: Grid, cell: number, h: number): Float64Array {
  const acc = new Float64Array(grid.cols * grid.rows)
  const h2 = h * h
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k]!
    const y = ys[k]!
    const c1 = Math.max(grid.col0, Math.ceil((x - h) / cell - 0.5))
    const c2 = Math.min(grid.col0 + grid.cols - 1, Math.floor((x + h) / cell - 0.5))
    const r1 = Math.max(grid.row0, Math.ceil((y - h) / cell - 0.5))
    const r2 = Math.min(grid.row0 + grid.rows - 1, Math.floor((y + h) / cell - 0.5))
    for (let c = c1; c <= c2; c++) {
      const dx = (c + 0.5) * cell - x
      const base = (c - grid.col0) * grid.rows - grid.row0
      for (let r = r1; r <= r2; r++) {
        const dy = (r + 0.5) * cell - y
        const u2 = (dx * dx + dy * dy) / h2
        if (u2 < 1) acc[base + r] = acc[base + r]! + (1 - u2) * (1 - u2)
      }
    }
  }
  return acc
}

/**
 * A kernel density surface over the area as GeoJSON points (grid cell centres, EPSG:4326) with
 * `density` per km², for the heat map; grid points outside the area or with zero density are left out.
 */
export async function computeDensity(db: Kysely<any>, options: DensityOptions): Promise<DensityResult> {
  const { filters, cell } = options
  const info = await describeArea(db, options.area)
  const grid = checkGridBudget(info, cell)
  const pts = await dbStep(`reading ${filters.layer.id} for the density surface`, async () => {
    const r = await sql<{ x: number; y: number }>`
      WITH area AS MATERIALIZED (SELECT geom FROM (${areaRowsSql(options.area)}) a),
      bounds AS MATERIALIZED (SELECT ST_Envelope(ST_Collect(geom)) AS env FROM area)
      SELECT ST_X(q) AS x, ST_Y(q) AS y FROM (
        SELECT ST_Transform(p.geom, 32651) AS q FROM ${sql.table(filters.layer.table)} p
        WHERE p.geom && (SELECT env FROM bounds) AND ${pointFilterSql(filters)}
          AND EXISTS (SELECT 1 FROM area WHERE ST_Intersects(area.geom, p.geom))
      ) s`.execute(db)
    return r.rows
  })
  const xs = Float64Array.from(pts, (p) => p.x)
  const ys = Float64Array.from(pts, (p) => p.y)
  const h = options.bandwidth ?? defaultBandwidth(xs, ys, cell)
  const footprint = (2 * Math.ceil(h / cell) + 1) ** 2
  if (xs.length * footprint > MAX_KERNEL_WORK) {
    throw new ApiError(400, 'bandwidth_too_wide', `bandwidth: ${Math.round(h)} m over ${xs.length} points at cell ${cell} m needs about ${(xs.length * footprint).toExponential(1)} kernel evaluations; the limit is ${MAX_KERNEL_WORK.toExponential(1)} (widen the cell or narrow the bandwidth)`)
  }
  const acc = quarticSums(xs, ys, grid, cell, h)
  const toPerKm2 = (3 / (Math.PI * h * h)) * 1e6
  const cols: number[] = []
  const rowsIdx: number[] = []
  for (let c = 0; c < grid.cols; c++) {
    for (let r = 0; r < grid.rows; r++) {
      if (acc[c * grid.rows + r]! > 0) {
        cols.push(grid.col0 + c)
        rowsIdx.push(grid.row0 + r)
      }
    }
  }
  const inside = cols.length === 0 ? [] : await dbStep('placing the density grid in the area', async () => {
    const arr = (xs: number[]) => `{${xs.join(',')}}`
    // k = 0 is a sentinel: PGlite can answer a failed statement with no rows at all, and an
    // area smaller than a cell can rightly hold no grid point, so only its absence is an error.
    const r = await sql<{ k: number }>`
      WITH area AS MATERIALIZED (SELECT ST_Transform(geom, 32651) AS g FROM (${areaRowsSql(options.area)}) a)
      SELECT k::int AS k FROM (
        SELECT k, ST_SetSRID(ST_MakePoint((c + 0.5) * ${cell}::float8, (r + 0.5) * ${cell}::float8), 32651) AS pt
        FROM unnest(${arr(cols)}::int[], ${arr(rowsIdx)}::int[]) WITH ORDINALITY AS u(c, r, k)
      ) g
      WHERE EXISTS (SELECT 1 FROM area WHERE ST_Intersects(area.g, g.pt))
      UNION ALL SELECT 0
      ORDER BY k`.execute(db)
    if (r.rows[0]?.k !== 0) throw new Error('no rows returned (a swallowed database error?)')
    return r.rows.slice(1)
  })

  let integral = 0
  let max = 0
  const points = inside.map((g): [number, number, number] => {
    const c = cols[g.k - 1]!
    const r = rowsIdx[g.k - 1]!
    const density = acc[(c - grid.col0) * grid.rows + (r - grid.row0)]! * toPerKm2
    integral += (density * cell * cell) / 1e6
    max = Math.max(max, density)
    return [c, r, Number(density.toPrecision(6))]
  })
  const parameters = {
    ...filterEcho(filters),
    area: info.label,
    area_m2: Math.round(info.areaM2),
    crs: 'grid and distances in EPSG:32651 (UTM 51N); points returned in EPSG:4326',
    cell,
    grid: { rule: 'grid point (col, row) at ((col + 0.5)·cell, (row + 0.5)·cell) in EPSG:32651', columns: grid.cols, rows: grid.rows },
    kernel: KERNEL_RULE,
    bandwidth: Number(h.toFixed(3)),
    bandwidth_default: options.bandwidth === undefined,
    bandwidth_rule: BANDWIDTH_RULE,
    unit: 'points per km²',
    omitted: 'grid points outside the area and grid points with zero density',
  }
  const summary = { points: xs.length, grid_points: points.length, max_density: Number(max.toPrecision(6)), integral: Number(integral.toFixed(4)) }
  return { cell, parameters, summary, points }
}

/** A density surface before it is written out: (col, row, density) of each grid point kept. */
export interface DensityResult {
  cell: number
  parameters: Record<string, unknown>
  summary: Record<string, unknown>
  points: Array<[number, number, number]>
}

/** As GeoJSON points, lon/lat (the default, for GIS users). */
export function densityFeatureCollection(d: DensityResult): FeatureCollectionText {
  const features = d.points.map(([c, r, density]) => {
    const [lon, lat] = utm51nToLonLat((c + 0.5) * d.cell, (r + 0.5) * d.cell)
    return `{"type":"Feature","id":"${c}:${r}","geometry":{"type":"Point","coordinates":[${lon.toFixed(6)},${lat.toFixed(6)}]},"properties":{"col":${c},"row":${r},"density":${density}}}`
  })
  return { members: { parameters: d.parameters, summary: d.summary }, features }
}

/**
 * The compact form (`format=grid`): the grid (its CRS and cell) and one [col, row, density] per
 * point; the client places the points itself (about a sixth of the GeoJSON's bytes).
 */
export function densityGrid(d: DensityResult): string {
  const head = JSON.stringify({
    type: 'DensityGrid',
    parameters: d.parameters,
    summary: d.summary,
    grid: { crs: 'EPSG:32651', proj4: UTM51N_PROJ4, cell: d.cell, rule: 'point (col, row) at ((col + 0.5)·cell, (row + 0.5)·cell) in the grid\'s CRS' },
    columns: ['col', 'row', 'density'],
  })
  return `${head.slice(0, -1)},"points":[${d.points.map((p) => `[${p[0]},${p[1]},${p[2]}]`).join(',')}]}`
}
