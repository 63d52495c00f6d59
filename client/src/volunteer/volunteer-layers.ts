import type { Feature, Geometry } from 'geojson'
import type maplibregl from 'maplibre-gl'
import type { GeoJSONSource } from 'maplibre-gl'
import type { OutboxEntry } from '../field/outbox.ts'
import { PickLayer } from '../field/pick-layer.ts'
import type { ReportItem } from './volunteer-api.ts'

const REPORTS = 'volunteer-reports'
export const VOLUNTEER_REPORTS_LAYER = 'volunteer-reports-circle'

/** Hazards red, disputes orange (the catalog's colours), reports waiting on the phone white rings. */
const COLORS = { hazards: '#ef4444', disputes: '#f97316', pending: '#ffffff' } as const

/**
 * The volunteer's own reports on the map, and those still waiting in the outbox, above the
 * catalog layers; the location being chosen for a new one on top.
 */
export class VolunteerLayers {
  private readonly pick: PickLayer

  constructor(private readonly map: maplibregl.Map) {
    map.addSource(REPORTS, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
    map.addLayer({
      id: VOLUNTEER_REPORTS_LAYER, type: 'circle', source: REPORTS,
      paint: {
        'circle-color': ['match', ['get', 'layer'], 'hazards', COLORS.hazards, 'disputes', COLORS.disputes, 'rgba(0,0,0,0)'],
        'circle-radius': ['match', ['get', 'layer'], 'pending', 9, 7],
        'circle-stroke-color': ['match', ['get', 'layer'], 'pending', COLORS.pending, '#fef9c3'],
        'circle-stroke-width': ['match', ['get', 'layer'], 'pending', 3, 2],
      },
    })
    this.pick = new PickLayer(map, 'volunteer-pick')
  }

  show(reports: readonly ReportItem[], waiting: readonly OutboxEntry[]): void {
    const point = (lon: number, lat: number, properties: Record<string, unknown>): Feature => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties })
    const features: Feature[] = [
      ...reports.map((r) => point(r.lon, r.lat, { layer: r.layer, id: r.id })),
      ...waiting.flatMap((e) => (e.feature.geometry.type === 'Point' ? [point(e.feature.geometry.coordinates[0]!, e.feature.geometry.coordinates[1]!, { layer: 'pending', ref: e.ref })] : [])),
    ]
    ;(this.map.getSource(REPORTS) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features })
  }

  showPick(geometry: Geometry | null): void {
    this.pick.show(geometry)
  }
}
