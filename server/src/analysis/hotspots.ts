import { sql, type Kysely, type RawBuilder } from 'kysely'
import { ApiError } from '../http/errors.ts'
import { benjaminiHochberg, classify, CONFIDENCE, giStarFromSums, GI_CLASSES, type GiClass } from './gi-star.ts'
import { areaBinsSql, areaCtesSql, describeArea, type AreaInfo, type AreaSpec } from './hex-area.ts'
import { dbStep } from './hex-db.ts'
import type { FeatureCollectionText } from './hex-geojson.ts'
import { filterEcho, pointFilterSql, type PointFilters } from './hex-filters.ts'
import { HexagonWriter } from './hex-utm.ts'
import { defaultBand, HEX_LAYOUT, hexagonsForExtent, hexIndexSql, hexLattice, UTM51N_PROJ4, neighbourOffsets, offsetsSql, smallestSizeFor, type Offset } from './hex-lattice.ts'

/** Largest hexagon grid one request may generate (ST_HexagonGrid tiles the area's extent). */
export const MAX_HEXAGONS = 200_000
/** Largest neighbourhood (bins per focal bin) a `band` may ask for. */
export const MAX_NEIGHBOURHOOD = 500

export interface HotspotOptions {
  filters: PointFilters
  area: AreaSpec
  /** ST_HexagonGrid size in metres (edge length). */
  cell: number
  /** Neighbourhood distance band in metres; default: the six touching hexagons. */
  band?: number
  fdr: boolean
}

export interface BinRow {
  i: number
  j: number
  n: number
  local_sum: number
  w: number
  points: number
}

/** Rejects a cell that would tile the area's extent with more than MAX_HEXAGONS hexagons. */
export function checkHexagonBudget(info: AreaInfo, cell: number): void {
  const w = info.extent.xmax - info.extent.xmin
  const h = info.extent.ymax - info.extent.ymin
  const estimate = hexagonsForExtent(cell, w, h)
  if (estimate > MAX_HEXAGONS) {
    throw new ApiError(
      400,
      'cell_too_small',
      `cell: ${cell} m would need about ${estimate.toLocaleString('en')} hexagons to cover this area (${(w / 1000).toFixed(1)} × ${(h / 1000).toFixed(1)} km); the limit is ${MAX_HEXAGONS.toLocaleString('en')}, so use a cell of at least ${smallestSizeFor(w, h, MAX_HEXAGONS)} m`,
    )
  }
}

/** The statement that bins the points and sums each bin's neighbourhood (one row per bin). */
export function hotspotBinsSql(filters: PointFilters, area: AreaSpec, cell: number, offsets: readonly Offset[]): RawBuilder<BinRow> {
  const lattice = hexLattice(cell)
  const table = sql.table(filters.layer.table)
  return sql<BinRow>`
    WITH ${areaCtesSql(area)},
    pts AS MATERIALIZED (
      SELECT ST_X(q) AS x, ST_Y(q) AS y FROM (
        SELECT ST_Transform(p.geom, 32651) AS q FROM ${table} p
        WHERE p.geom && (SELECT env FROM bounds) AND ${pointFilterSql(filters)}
          AND EXISTS (SELECT 1 FROM area WHERE ST_Intersects(area.geom, p.geom))
      ) s
    ),
    binned AS MATERIALIZED (${areaBinsSql(cell, hexIndexSql(sql`SELECT x, y FROM pts`, lattice))}),
    -- Each bin adds its count to every bin within the band of it (the relation is symmetric),
    -- so a bin's neighbourhood sum and size are what arrives at it from bins of the area.
    nb AS (
      SELECT i, j, sum(n)::int AS n, sum(src_n)::int AS local_sum, sum(w)::int AS w FROM (
        SELECT i, j, n, 0 AS src_n, 0 AS w, true AS bin FROM binned
        UNION ALL
        SELECT b.i + o.di, b.j + o.dj, 0, b.n, 1, false FROM binned b JOIN (${offsetsSql(offsets)}) o ON o.parity = b.i & 1
      ) u
      GROUP BY i, j HAVING bool_or(bin)
    )
    SELECT i, j, n, local_sum, w, (SELECT count(*)::int FROM pts) AS points FROM nb`
}

/**
 * Hexagon bins over the area with counts and Getis-Ord Gi*, as a GeoJSON FeatureCollection with
 * `parameters` (every parameter used, the neighbourhood rule and n) and `summary` (counts per class).
 */
export async function computeHotspots(db: Kysely<any>, options: HotspotOptions): Promise<HotspotResult> {
  const { filters, cell, fdr } = options
  const info = await describeArea(db, options.area)
  checkHexagonBudget(info, cell)
  const lattice = hexLattice(cell)
  const band = options.band ?? defaultBand(cell)
  const offsets = neighbourOffsets(cell, band)
  const perBin = offsets.filter((o) => o.parity === 0).length
  if (perBin > MAX_NEIGHBOURHOOD) {
    throw new ApiError(400, 'band_too_wide', `band: ${band} m takes ${perBin} bins into each neighbourhood at cell ${cell} m; the limit is ${MAX_NEIGHBOURHOOD}`)
  }

  const rows = await dbStep(`binning ${filters.layer.id} into ${cell} m hexagons`, async () => (await hotspotBinsSql(filters, options.area, cell, offsets).execute(db)).rows)
  // Sorted here: an ORDER BY made the planner group the 7·n neighbour rows by sorting, on disk.
  rows.sort((a, b) => a.i - b.i || a.j - b.j)
  // PGlite can return zero rows instead of raising a GEOS error; the bins must cover the area.
  if (rows.length === 0 || rows.length * lattice.area < info.largestPartM2 * (1 - 1e-6)) {
    throw new Error(`binning ${filters.layer.id}: ${rows.length} hexagons of ${lattice.area.toFixed(0)} m² cannot cover ${info.largestPartM2.toFixed(0)} m² (a swallowed database error?)`)
  }

  const gi = giStarFromSums(
    rows.map((r) => r.n),
    rows.map((r) => r.local_sum),
    rows.map((r) => r.w),
  )
  const q = fdr ? benjaminiHochberg(gi.p) : null
  const classes: GiClass[] = rows.map((_, k) => classify(gi.z[k]!, q ? q[k]! : gi.p[k]!))
  const summary = Object.fromEntries(GI_CLASSES.map((c) => [c, 0])) as Record<GiClass, number>
  for (const c of classes) summary[c]++
  let minW = Infinity
  let maxW = 0
  for (const r of rows) {
    minW = Math.min(minW, r.w)
    maxW = Math.max(maxW, r.w)
  }

  const parameters = {
    ...filterEcho(filters),
    area: info.label,
    area_m2: Math.round(info.areaM2),
    crs: 'bins, distances and areas in EPSG:32651 (UTM 51N); geometry returned in EPSG:4326',
    cell: cell,
    cell_meaning: 'ST_HexagonGrid size: the hexagon edge length, equal to the centre-to-vertex radius; touching hexagons are cell·√3 apart',
    hexagon_area_m2: Number(lattice.area.toFixed(1)),
    band: Number(band.toFixed(3)),
    band_default: options.band === undefined,
    neighbourhood: {
      rule: 'binary weights: wij = 1 when the centres of bins i and j are at most band metres apart, the bin itself included (Gi*); only bins of this area take part',
      default_rule: 'band = cell·√3·1.01: the bin and its six touching hexagons',
      bins_within_band: perBin,
      min: minW,
      max: maxW,
    },
    n: rows.length,
    statistic: 'Getis-Ord Gi* (Ord & Getis 1995): (Σj wij xj − X̄ Σj wij) / (S √((n Σj wij² − (Σj wij)²)/(n − 1))), X̄ and S the mean and population standard deviation of the n bin counts',
    mean: Number(gi.mean.toFixed(6)),
    sd: Number(gi.sd.toFixed(6)),
    p_value: 'two-sided, standard normal',
    fdr,
    classes: `${fdr ? 'Benjamini–Hochberg adjusted q' : 'p'} ≤ ${CONFIDENCE.map((c) => `${c.alpha} → ${c.level} %`).join(', ')}; hot when gi_z > 0, cold when < 0; gi_z null (all counts equal, or the neighbourhood is every bin) is not-significant`,
  }
  const points = rows[0]!.points
  const binned = rows.reduce((s, r) => s + r.n, 0)
  const summaryJson = { bins: rows.length, points, binned, classes: summary, undefined_z: gi.z.filter((z) => z === null).length }
  return { cell, parameters, summary: summaryJson, rows, z: gi.z, p: gi.p, q, classes }
}

/** A hotspot answer before it is written out: the bins in (i, j) order with their statistics. */
export interface HotspotResult {
  cell: number
  parameters: Record<string, unknown>
  summary: Record<string, unknown>
  rows: Array<{ i: number; j: number; n: number; local_sum: number; w: number }>
  z: Array<number | null>
  p: Array<number | null>
  q: Array<number | null> | null
  classes: GiClass[]
}

const num = (v: number | null, d: number) => (v === null ? 'null' : String(Number(v.toFixed(d))))

/** The answer as GeoJSON: one hexagon Polygon per bin, lon/lat (for GIS users, and the default). */
export function hotspotFeatureCollection(r: HotspotResult): FeatureCollectionText {
  let iMin = Infinity
  let iMax = -Infinity
  let jMin = Infinity
  let jMax = -Infinity
  for (const b of r.rows) {
    iMin = Math.min(iMin, b.i)
    iMax = Math.max(iMax, b.i)
    jMin = Math.min(jMin, b.j)
    jMax = Math.max(jMax, b.j)
  }
  const hexagons = new HexagonWriter(r.cell, iMin, iMax, jMin, jMax)
  // Written out by hand: 30k+ features per answer, JSON.stringify of an object each cost more than the statistics.
  const features = r.rows.map(
    (b, k) =>
      `{"type":"Feature","id":"${b.i}:${b.j}","geometry":${hexagons.polygon(b.i, b.j)},"properties":{"i":${b.i},"j":${b.j},"count":${b.n},"local_sum":${b.local_sum},"neighbours":${b.w},"gi_z":${num(r.z[k]!, 6)},"gi_p":${num(r.p[k]!, 8)}${r.q ? `,"gi_q":${num(r.q[k]!, 8)}` : ''},"class":"${r.classes[k]}"}}`,
  )
  return { members: { parameters: r.parameters, summary: r.summary }, features }
}

/**
 * The answer in compact form (`format=bins`): the lattice (its CRS, size and how a bin's hexagon
 * is placed) and one row of numbers per bin; the client makes the hexagons itself. About a tenth
 * of the GeoJSON's bytes: the hexagons are determined by (i, j) and the size.
 */
export function hotspotBins(r: HotspotResult): string {
  const columns = ['i', 'j', 'count', 'local_sum', 'neighbours', 'gi_z', 'gi_p', ...(r.q ? ['gi_q'] : []), 'class']
  const classIndex = new Map(GI_CLASSES.map((c, k) => [c, k]))
  const bins = r.rows.map(
    (b, k) => `[${b.i},${b.j},${b.n},${b.local_sum},${b.w},${num(r.z[k]!, 6)},${num(r.p[k]!, 8)}${r.q ? `,${num(r.q[k]!, 8)}` : ''},${classIndex.get(r.classes[k]!)}]`,
  )
  const lattice = {
    crs: 'EPSG:32651',
    proj4: UTM51N_PROJ4,
    size: r.cell,
    layout: HEX_LAYOUT,
  }
  const head = JSON.stringify({ type: 'HexagonBins', parameters: r.parameters, summary: r.summary, lattice, columns, class_names: GI_CLASSES })
  return `${head.slice(0, -1)},"bins":[${bins.join(',')}]}`
}

