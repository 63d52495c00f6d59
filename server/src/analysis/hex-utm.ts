/**
 * EPSG:32651 (WGS 84 / UTM zone 51N) back to lon/lat, by Krüger's series to third order in n
 * (Karney 2011, "Transverse Mercator with an accuracy of a few nanometers"; the form in the
 * UTM article's formulas): about a millimetre within 3,000 km of the central meridian, a
 * thousand times finer than the 6 decimals (≈ 0.1 m) the analyses return.
 *
 * Why not ST_Transform: turning every hexagon or grid point of a city-wide answer into lon/lat
 * in the database is a PROJ call per geometry, about a fifth of a hotspot request; the lattice
 * already gives each vertex in metres, so only the inverse projection is needed here.
 */

const A_AXIS = 6378137
const F = 1 / 298.257223563
const N = F / (2 - F)
const K0 = 0.9996
const E0 = 500000
const LON0 = (123 * Math.PI) / 180
const A = (A_AXIS / (1 + N)) * (1 + (N * N) / 4 + N ** 4 / 64)
const BETA = [N / 2 - (2 * N * N) / 3 + (37 * N ** 3) / 96, (N * N) / 48 + N ** 3 / 15, (17 * N ** 3) / 480]
const DELTA = [2 * N - (2 * N * N) / 3 - 2 * N ** 3, (7 * N * N) / 3 - (8 * N ** 3) / 5, (56 * N ** 3) / 15]
const DEG = 180 / Math.PI

/** [lon, lat] in degrees of an EPSG:32651 easting/northing in metres. */
export function utm51nToLonLat(easting: number, northing: number): [number, number] {
  const xi = northing / (K0 * A)
  const eta = (easting - E0) / (K0 * A)
  let xi1 = xi
  let eta1 = eta
  for (let j = 1; j <= 3; j++) {
    const b = BETA[j - 1]!
    xi1 -= b * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta)
    eta1 -= b * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta)
  }
  const chi = Math.asin(Math.sin(xi1) / Math.cosh(eta1))
  let phi = chi
  for (let j = 1; j <= 3; j++) phi += DELTA[j - 1]! * Math.sin(2 * j * chi)
  const lambda = LON0 + Math.atan2(Math.sinh(eta1), Math.cos(xi1))
  return [lambda * DEG, phi * DEG]
}

// The unit hexagon of ST_HexagonGrid / ST_Hexagon (lwgeom_generate_grid.c), counter-clockwise,
// in half-units: x in half edge lengths, y in half row heights.
const HEX_X2 = [-2, -1, 1, 2, 1, -1, -2]
const HEX_Y2 = [0, -1, -1, 0, 1, 1, 0]

/**
 * GeoJSON Polygon text of ST_Hexagon(size, i, j) in EPSG:32651 as lon/lat with 6 decimals: the
 * vertices PostGIS builds, in its counter-clockwise order (RFC 7946). Each vertex is shared by
 * three hexagons, so its text is projected and formatted once, in a dense table over the
 * hexagons' index range (at most a few million slots for the largest grid allowed).
 */
export class HexagonWriter {
  readonly #halfWidth: number
  readonly #halfHeight: number
  readonly #x0: number
  readonly #y0: number
  readonly #span: number
  readonly #vertices: Array<string | undefined>

  /** `size` of the grid; i and j ranges of the hexagons that will be written. */
  constructor(size: number, iMin: number, iMax: number, jMin: number, jMax: number) {
    this.#halfWidth = size / 2
    this.#halfHeight = size * 0.8660254037844387
    this.#x0 = 3 * iMin - 2
    this.#y0 = 2 * jMin - 1
    this.#span = 2 * (jMax - jMin) + 5
    this.#vertices = new Array((3 * (iMax - iMin) + 5) * this.#span)
  }

  polygon(i: number, j: number): string {
    const parity = i & 1
    let out = '{"type":"Polygon","coordinates":[['
    for (let k = 0; k < 7; k++) {
      const x2 = 3 * i + HEX_X2[k]!
      const y2 = 2 * j + parity + HEX_Y2[k]!
      const slot = (x2 - this.#x0) * this.#span + (y2 - this.#y0)
      let text = this.#vertices[slot]
      if (text === undefined) {
        const [lon, lat] = utm51nToLonLat(this.#halfWidth * x2, this.#halfHeight * y2)
        text = `[${lon.toFixed(6)},${lat.toFixed(6)}]`
        this.#vertices[slot] = text
      }
      out += k === 0 ? text : `,${text}`
    }
    return `${out}]]}`
  }
}
