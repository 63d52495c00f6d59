import type { Position } from 'geojson'

/** terra-draw keeps 9 decimals (≈ 0.1 mm) and refuses a feature with more: a snapped point is rounded. */
const round9 = (p: Position): Position => [Math.round(p[0]! * 1e9) / 1e9, Math.round(p[1]! * 1e9) / 1e9]

/** Screen projection of a lon/lat (the map's). */
export type Project = (lng: number, lat: number) => { x: number; y: number }

/** Rings and lines to snap to: grid-cell edges and the edges of other zones, as lon/lat paths. */
export type SnapPaths = readonly (readonly Position[])[]

/**
 * The point a pointer at (x, y) px snaps to: the nearest path vertex within `vertexPx`, else the
 * nearest point on a path edge within `edgePx` (a vertex wins over an edge, so corners are kept
 * exact). Undefined when nothing is that close. Edge points are interpolated in screen space,
 * which is linear in Web Mercator and so lies on the edge as the map draws it.
 */
export function snapPoint(x: number, y: number, paths: SnapPaths, project: Project, vertexPx = 10, edgePx = 8): Position | undefined {
  let best: Position | undefined
  let bestD = vertexPx
  for (const path of paths) {
    for (const p of path) {
      const s = project(p[0]!, p[1]!)
      const d = Math.hypot(s.x - x, s.y - y)
      if (d <= bestD) {
        bestD = d
        best = round9([p[0]!, p[1]!])
      }
    }
  }
  if (best) return best
  bestD = edgePx
  for (const path of paths) {
    for (let i = 1; i < path.length; i++) {
      const a = path[i - 1]!
      const b = path[i]!
      const sa = project(a[0]!, a[1]!)
      const sb = project(b[0]!, b[1]!)
      const dx = sb.x - sa.x
      const dy = sb.y - sa.y
      const len2 = dx * dx + dy * dy
      if (len2 === 0) continue
      const f = Math.max(0, Math.min(1, ((x - sa.x) * dx + (y - sa.y) * dy) / len2))
      const d = Math.hypot(sa.x + f * dx - x, sa.y + f * dy - y)
      if (d <= bestD) {
        bestD = d
        // Web Mercator: x is linear in lon, y in the Mercator ordinate of lat.
        const lon = a[0]! + f * (b[0]! - a[0]!)
        const merc = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))
        const m = merc(a[1]!) + f * (merc(b[1]!) - merc(a[1]!))
        best = round9([lon, (360 / Math.PI) * Math.atan(Math.exp(m)) - 90])
      }
    }
  }
  return best
}

/** The rings of polygon or multipolygon geometries and the lines of line geometries, as paths. */
export function pathsOf(geometries: ReadonlyArray<{ type: string; coordinates: unknown }>): Position[][] {
  const out: Position[][] = []
  for (const g of geometries) {
    switch (g.type) {
      case 'Polygon':
        out.push(...(g.coordinates as Position[][]))
        break
      case 'MultiPolygon':
        for (const poly of g.coordinates as Position[][][]) out.push(...poly)
        break
      case 'LineString':
        out.push(g.coordinates as Position[])
        break
      case 'MultiLineString':
        out.push(...(g.coordinates as Position[][]))
        break
      default:
        break
    }
  }
  return out
}

/** A path with its lon/lat bounding box, so a pointer only tests the paths near it. */
export interface BoxedPath {
  path: readonly Position[]
  box: [number, number, number, number]
}

export function boxPaths(paths: readonly (readonly Position[])[]): BoxedPath[] {
  return paths.map((path) => {
    let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity]
    for (const p of path) {
      w = Math.min(w, p[0]!)
      e = Math.max(e, p[0]!)
      s = Math.min(s, p[1]!)
      n = Math.max(n, p[1]!)
    }
    return { path, box: [w, s, e, n] }
  })
}

/** The paths whose box comes within the lon/lat box [w, s, e, n] around the pointer. */
export function pathsNear(boxed: readonly BoxedPath[], [w, s, e, n]: [number, number, number, number]): Array<readonly Position[]> {
  return boxed.filter(({ box }) => box[0] <= e && box[2] >= w && box[1] <= n && box[3] >= s).map((b) => b.path)
}
