import type { FeatureCollection, Geometry, Position } from 'geojson'
import type maplibregl from 'maplibre-gl'

const SOURCES = { problem: 'planner-problem', overlaps: 'planner-overlaps', history: 'planner-history' } as const
const LAYERS = ['planner-overlaps-fill', 'planner-overlaps-line', 'planner-history-line', 'planner-problem-halo', 'planner-problem-dot']
const empty: FeatureCollection = { type: 'FeatureCollection', features: [] }
const one = (geometry: Geometry): FeatureCollection => ({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry, properties: {} }] })

/**
 * What the planner marks on the map over the drawing: overlaps with other zones (red), a saved
 * version being looked at (dashed violet), and the spot the server named for an invalid shape
 * (a red ring).
 */
export class PlannerOverlays {
  constructor(private readonly map: maplibregl.Map) {}

  /** Adds the sources and layers once (the style keeps them while the mode is off). */
  ensure(): void {
    const m = this.map
    if (m.getSource(SOURCES.overlaps)) return
    for (const id of Object.values(SOURCES)) m.addSource(id, { type: 'geojson', data: empty })
    m.addLayer({ id: 'planner-overlaps-fill', type: 'fill', source: SOURCES.overlaps, paint: { 'fill-color': '#ef4444', 'fill-opacity': 0.45 } })
    m.addLayer({ id: 'planner-overlaps-line', type: 'line', source: SOURCES.overlaps, paint: { 'line-color': '#fecaca', 'line-width': 1.5, 'line-dasharray': [2, 1] } })
    m.addLayer({ id: 'planner-history-line', type: 'line', source: SOURCES.history, paint: { 'line-color': '#c4b5fd', 'line-width': 2.5, 'line-dasharray': [3, 2] } })
    m.addLayer({ id: 'planner-problem-halo', type: 'circle', source: SOURCES.problem, paint: { 'circle-radius': 16, 'circle-color': 'rgba(239,68,68,0.25)', 'circle-stroke-color': '#ef4444', 'circle-stroke-width': 3 } })
    m.addLayer({ id: 'planner-problem-dot', type: 'circle', source: SOURCES.problem, paint: { 'circle-radius': 3, 'circle-color': '#fff' } })
  }

  problem(location: Position | null): void {
    this.set(SOURCES.problem, location ? one({ type: 'Point', coordinates: location }) : empty)
  }

  overlaps(zones: Array<{ geometry: Geometry; name: string }>): void {
    this.set(SOURCES.overlaps, { type: 'FeatureCollection', features: zones.map((o) => ({ type: 'Feature', geometry: o.geometry, properties: { name: o.name } })) })
  }

  history(geometry: Geometry | null): void {
    this.set(SOURCES.history, geometry ? one(geometry) : empty)
  }

  clear(): void {
    this.problem(null)
    this.overlaps([])
    this.history(null)
  }

  private set(id: string, data: FeatureCollection): void {
    ;(this.map.getSource(id) as maplibregl.GeoJSONSource | undefined)?.setData(data)
    // Above terra-draw's layers, which it adds after ours.
    for (const layer of LAYERS) if (this.map.getLayer(layer)) this.map.moveLayer(layer)
  }
}
