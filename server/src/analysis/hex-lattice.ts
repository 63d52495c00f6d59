import { sql, type RawBuilder } from 'kysely'

/**
 * The hexagon tiling of `ST_HexagonGrid(size, bounds)` (PostGIS lwgeom_generate_grid.c), in
 * closed form so points and neighbours can be indexed by arithmetic instead of by overlay:
 * flat-topped hexagons, `size` = edge length = centre-to-vertex radius, cell (i, j) centred at
 * x = 1.5·size·i, y = √3·size·(j + ½·(|i| mod 2)) in the bounds' CRS (EPSG:32651 here).
 * Touching hexagons' centres are √3·size apart; one hexagon covers (3√3/2)·size².
 */
export interface HexLattice {
  size: number
  columnWidth: number
  rowHeight: number
  area: number
}

/** The bins' CRS (EPSG:32651, WGS 84 / UTM zone 51N) as a proj4 definition, for clients that draw the hexagons. */
export const UTM51N_PROJ4 = '+proj=utm +zone=51 +datum=WGS84 +units=m +no_defs'

/** How a bin's hexagon is placed, said in the compact answers (`format=bins`). */
export const HEX_LAYOUT =
  'ST_HexagonGrid / ST_Hexagon(size, i, j): flat-topped; centre x = 1.5·size·i, y = 2·size·0.8660254037844387·(j + ½·(|i| mod 2)); vertices, counter-clockwise from the west: centre + (−size, 0), (−size/2, −h), (size/2, −h), (size, 0), (size/2, h), (−size/2, h), with h = size·0.8660254037844387'

export function hexLattice(size: number): HexLattice {
  // PostGIS builds rows from cos(π/6) as this literal; the same number keeps centres identical.
  const rowHeight = size * 2 * 0.8660254037844387
  return { size, columnWidth: 1.5 * size, rowHeight, area: 1.5 * size * rowHeight }
}

/** Default neighbourhood: the six touching hexagons and the bin itself (1 % slack for rounding). */
export function defaultBand(size: number): number {
  return size * Math.sqrt(3) * 1.01
}

/** Upper bound of the hexagons ST_HexagonGrid generates for a bounding box (it tiles the box). */
export function hexagonsForExtent(size: number, width: number, height: number): number {
  const l = hexLattice(size)
  return (Math.floor(width / l.columnWidth) + 2) * (Math.floor(height / l.rowHeight) + 2)
}

/** Smallest whole-metre size whose hexagons for this extent stay within `limit`. */
export function smallestSizeFor(width: number, height: number, limit: number): number {
  let size = Math.max(1, Math.floor(Math.sqrt((width * height) / (2.598 * limit))))
  while (hexagonsForExtent(size, width, height) > limit) size++
  return size
}

export interface Offset {
  /** |i| mod 2 of the focal column: odd columns are shifted half a row up. */
  parity: 0 | 1
  di: number
  dj: number
}

/** Centre distance between cell (i, j) of `parity` and cell (i + di, j + dj). */
export function offsetDistance(l: HexLattice, parity: 0 | 1, di: number, dj: number): number {
  const other = (((parity + di) % 2) + 2) % 2
  const dx = l.columnWidth * di
  const dy = l.rowHeight * (dj + 0.5 * (other - parity))
  return Math.hypot(dx, dy)
}

/**
 * Every (di, dj) whose centre lies within `band` metres of the focal cell, the focal cell
 * included: binary weights with a distance band, enumerated on the lattice so the database
 * joins on (i, j) equality instead of running a distance query per bin.
 */
export function neighbourOffsets(size: number, band: number): Offset[] {
  const l = hexLattice(size)
  const maxDi = Math.ceil(band / l.columnWidth)
  const maxDj = Math.ceil(band / l.rowHeight) + 1
  const out: Offset[] = []
  for (const parity of [0, 1] as const) {
    for (let di = -maxDi; di <= maxDi; di++) {
      for (let dj = -maxDj; dj <= maxDj; dj++) {
        if (offsetDistance(l, parity, di, dj) <= band) out.push({ parity, di: di || 0, dj: dj || 0 }) // no -0 in the SQL text
      }
    }
  }
  return out
}

/** Offsets as an SQL row source `(parity, di, dj)`, passed as three int[] parameters. */
export function offsetsSql(offsets: readonly Offset[]): RawBuilder<unknown> {
  const arr = (xs: number[]) => `{${xs.join(',')}}`
  return sql`SELECT * FROM unnest(${arr(offsets.map((o) => o.parity))}::int[], ${arr(offsets.map((o) => o.di))}::int[], ${arr(offsets.map((o) => o.dj))}::int[]) AS o(parity, di, dj)`
}

/**
 * The (i, j) of the hexagon containing each point of `points` (columns x, y in the lattice's
 * CRS): the nearer of the two candidate centres in the columns left and right of the point.
 * Every point lands in exactly one bin, also on a shared edge, so counts add up exactly.
 * All arithmetic is float8 (`c & 1` is the column parity, also for negative columns), and
 * `OFFSET 0` keeps the planner from inlining each level and recomputing it per reference:
 * that alone made it 9× slower.
 */
export function hexIndexSql(points: RawBuilder<unknown>, l: HexLattice, carry: ReadonlyArray<'step' | 'unit_id' | 'ts'> = []): RawBuilder<unknown> {
  const cw = sql`${l.columnWidth}::float8`
  const rh = sql`${l.rowHeight}::float8`
  // Columns of the points carried through to each bin row (the time step of the space-time cube, a report's unit and time).
  const extra = carry.length ? sql.raw(`, ${carry.join(', ')}`) : sql``
  return sql`
    SELECT CASE WHEN d0 <= d1 THEN c0 ELSE c0 + 1 END AS i, CASE WHEN d0 <= d1 THEN j0 ELSE j1 END AS j${extra}
    FROM (
      SELECT c0, j0, j1${extra},
        (x - ${cw} * c0) ^ 2 + (y - ${rh} * (j0 + 0.5::float8 * (c0 & 1))) ^ 2 AS d0,
        (x - ${cw} * (c0 + 1)) ^ 2 + (y - ${rh} * (j1 + 0.5::float8 * ((c0 + 1) & 1))) ^ 2 AS d1
      FROM (
        SELECT x, y, c0${extra},
          floor(y / ${rh} - 0.5::float8 * (c0 & 1) + 0.5::float8)::int AS j0,
          floor(y / ${rh} - 0.5::float8 * ((c0 + 1) & 1) + 0.5::float8)::int AS j1
        FROM (SELECT x, y, floor(x / ${cw})::int AS c0${extra} FROM (${points}) p OFFSET 0) c
        OFFSET 0
      ) r
      OFFSET 0
    ) d`
}
