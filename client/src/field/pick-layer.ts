import type { Feature, FeatureCollection, Geometry } from 'geojson'
import type maplibregl from 'maplibre-gl'
import type { GeoJSONSource } from 'maplibre-gl'

/**
 * Where a field entry is being placed, on the map: a yellow point (or a dashed line with its
 * points), on top of everything. One per view, named by `id` (`officer-pick`, `volunteer-pick`).
 */
export class PickLayer {
  constructor(
    private readonly map: maplibregl.Map,
    private readonly id: string,
  ) {
    map.addSource(id, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
    map.addLayer({ id: `${id}-line`, type: 'line', source: id, filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': '#fde047', 'line-width': 3, 'line-dasharray': [2, 1] } })
    map.addLayer({
      id: `${id}-point`, type: 'circle', source: id, filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-color': '#fde047', 'circle-radius': 9, 'circle-stroke-color': '#0b1220', 'circle-stroke-width': 3 },
    })
  }

  show(geometry: Geometry | null, points: ReadonlyArray<[number, number]> = []): void {
    const features: Feature[] = geometry ? [{ type: 'Feature', geometry, properties: {} }] : []
    // A line being drawn shows its points too.
    for (const [lon, lat] of geometry?.type === 'LineString' ? points : []) features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: {} })
    const data: FeatureCollection = { type: 'FeatureCollection', features }
    ;(this.map.getSource(this.id) as GeoJSONSource | undefined)?.setData(data)
  }
}
