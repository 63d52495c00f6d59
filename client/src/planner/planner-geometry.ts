import type { LineString, Polygon } from 'geojson'
import { findLayer } from '../../../data/catalog/layers.ts'
import type { PlannedLayer } from './planner-api.ts'

/** The properties of a saved feature the planner may change (the catalog's writable ones). */
export function writable(layer: PlannedLayer, p: Record<string, unknown>): Record<string, unknown> {
  const keys = (findLayer(layer)?.properties ?? []).filter((d) => !d.readOnly).map((d) => d.name)
  return Object.fromEntries(keys.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]))
}

export function bboxOf(geometries: Array<Polygon | LineString>): [number, number, number, number] | null {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const g of geometries) {
    const coords = g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates
    for (const [x, y] of coords) {
      w = Math.min(w, x!)
      s = Math.min(s, y!)
      e = Math.max(e, x!)
      n = Math.max(n, y!)
    }
  }
  return Number.isFinite(w) ? [w, s, e, n] : null
}
