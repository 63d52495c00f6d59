import proj4 from 'proj4'
import type { Feature, Polygon } from 'geojson'
import type { EmergingAnswer, EmergingBins, EmergingProps, HexagonBins, HexProps, HotspotAnswer } from '../../../server/src/contract/analysis.ts'
import type { EmergingCategory, GiClass } from '../../../server/src/contract/enums.ts'

/** The compact answers (`format=bins`, server/src/contract/analysis.ts): the lattice and one row of numbers per bin. */
export type { EmergingBins, HexagonBins }

// ST_Hexagon's unit hexagon (PostGIS lwgeom_generate_grid.c), counter-clockwise from the west, in
// half edge lengths (x) and half row heights (y), as the answer's `lattice.layout` says.
const HEX_X2 = [-2, -1, 1, 2, 1, -1, -2]
const HEX_Y2 = [0, -1, -1, 0, 1, 1, 0]
const COS30 = 0.8660254037844387

/**
 * The hexagons of a compact answer as the GeoJSON the map draws: each bin's hexagon from (i, j)
 * and the size on the lattice, its vertices projected to lon/lat by proj4 from the lattice's CRS
 * (each vertex is shared by three hexagons and projected once).
 */
/** Makes the hexagons of a lattice (its proj4 CRS and size) as lon/lat rings, sharing projected vertices. */
export function hexagonMaker(lattice: { proj4: string; size: number }): (i: number, j: number) => Array<[number, number]> {
  const toLonLat = proj4(lattice.proj4, 'EPSG:4326')
  const halfWidth = lattice.size / 2
  const halfHeight = lattice.size * COS30
  const vertices = new Map<number, [number, number]>()
  const vertex = (x2: number, y2: number): [number, number] => {
    // x2, y2 are small integers (a city is a few thousand half-units across): one number keys both.
    const key = x2 * 1_048_576 + y2
    let v = vertices.get(key)
    if (!v) {
      const [lon, lat] = toLonLat.forward([halfWidth * x2, halfHeight * y2]) as [number, number]
      v = [Number(lon.toFixed(6)), Number(lat.toFixed(6))]
      vertices.set(key, v)
    }
    return v
  }
  return (i, j) => {
    const parity = i & 1
    return HEX_X2.map((dx, k) => vertex(3 * i + dx, 2 * j + parity + HEX_Y2[k]!))
  }
}

export function binsToFeatureCollection(answer: HexagonBins): HotspotAnswer {
  const hexagon = hexagonMaker(answer.lattice)
  const col = new Map(answer.columns.map((c, k) => [c, k]))
  const at = (name: string) => {
    const k = col.get(name)
    if (k === undefined) throw new Error(`the hotspot answer has no ${name} column`)
    return k
  }
  const [ci, cj, cn, cl, cw, cz, cp, cc] = ['i', 'j', 'count', 'local_sum', 'neighbours', 'gi_z', 'gi_p', 'class'].map(at) as [number, number, number, number, number, number, number, number]
  const cq = col.get('gi_q')
  const features = answer.bins.map((b): Feature<Polygon, HexProps> => {
    const i = b[ci]!
    const j = b[cj]!
    const ring = hexagon(i, j)
    const props: HexProps & { gi_q?: number | null } = { i, j, count: b[cn]!, local_sum: b[cl]!, neighbours: b[cw]!, gi_z: b[cz] ?? null, gi_p: b[cp] ?? null, class: answer.class_names[b[cc]!]! }
    if (cq !== undefined) props.gi_q = b[cq] ?? null
    return { type: 'Feature', id: `${i}:${j}`, geometry: { type: 'Polygon', coordinates: [ring] }, properties: props }
  })
  return { type: 'FeatureCollection', parameters: answer.parameters, summary: answer.summary, features }
}

/** The emerging hot spots of a compact answer as the GeoJSON the map and the panel read. */
export function emergingBinsToFeatureCollection(a: EmergingBins): EmergingAnswer {
  const hexagon = hexagonMaker(a.lattice)
  const col = new Map(a.columns.map((c, k) => [c, k]))
  const get = (row: Array<number | string | null>, name: string) => {
    const k = col.get(name)
    if (k === undefined) throw new Error(`the emerging answer has no ${name} column`)
    return row[k] ?? null
  }
  const features = a.bins.map((row, k) => {
    const i = Number(get(row, 'i'))
    const j = Number(get(row, 'j'))
    const props: EmergingProps = {
      i,
      j,
      category: a.category_names[Number(get(row, 'category'))]!,
      total: Number(get(row, 'total')),
      hot_steps: Number(get(row, 'hot_steps')),
      cold_steps: Number(get(row, 'cold_steps')),
      trend_s: Number(get(row, 'trend_s')),
      trend_z: Number(get(row, 'trend_z')),
      trend_p: Number(get(row, 'trend_p')),
      tau: Number(get(row, 'tau')),
      counts: a.counts[k]!,
      gi_z: a.gi_z[k]!,
      place: (get(row, 'place') as string | null) ?? null,
    }
    return { type: 'Feature' as const, id: `${i}:${j}`, geometry: { type: 'Polygon' as const, coordinates: [hexagon(i, j)] }, properties: props }
  })
  return { type: 'FeatureCollection', parameters: a.parameters, summary: a.summary, steps: a.steps, features }
}
