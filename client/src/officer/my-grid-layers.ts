import type { Feature, FeatureCollection, Geometry } from 'geojson'
import type maplibregl from 'maplibre-gl'
import type { GeoJSONSource } from 'maplibre-gl'
import { addToSlot } from '../map/slots.ts'
import type { MyGrid } from './officer-api.ts'
import type { OutboxEntry } from '../field/outbox.ts'
import { PickLayer } from '../field/pick-layer.ts'

const CELLS = 'officer-cells'
const ITEMS = 'officer-items'
const TRACK = 'officer-track'
export const OFFICER_ITEMS_LAYER = 'officer-items-circle'

/** Colours of what the officer sees, matched to the catalog's (hazards red, disputes orange…). */
export const ITEM_COLORS = { hazard: '#ef4444', dispute: '#f97316', unit: '#22c55e', post: '#facc15', pending: '#ffffff' } as const
export type ItemKind = keyof typeof ITEM_COLORS

const empty: FeatureCollection = { type: 'FeatureCollection', features: [] }
const pointFeature = (lon: number, lat: number, properties: Record<string, unknown>): Feature => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties })

/**
 * "My grid" on the map: my cells outlined (bright edge, faint fill, names), the hazards,
 * disputes, ten-household units and guard posts of the summary, entries still waiting to be
 * sent (white rings), the location being chosen for a form, and the patrol track.
 */
export class MyGridLayers {
  private readonly pick: PickLayer

  constructor(private readonly map: maplibregl.Map) {
    map.addSource(CELLS, { type: 'geojson', data: empty })
    map.addSource(ITEMS, { type: 'geojson', data: empty })
    map.addSource(TRACK, { type: 'geojson', data: empty })
    addToSlot(map, 'areas', { id: 'officer-cells-fill', type: 'fill', source: CELLS, paint: { 'fill-color': '#38bdf8', 'fill-opacity': 0.1 } })
    map.addLayer({ id: 'officer-cells-casing', type: 'line', source: CELLS, paint: { 'line-color': '#020617', 'line-width': 6, 'line-opacity': 0.7 } })
    map.addLayer({ id: 'officer-cells-line', type: 'line', source: CELLS, paint: { 'line-color': '#7dd3fc', 'line-width': 3 } })
    map.addLayer({ id: 'officer-track-line', type: 'line', source: TRACK, layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#a855f7', 'line-width': 4 } })
    map.addLayer({
      id: OFFICER_ITEMS_LAYER, type: 'circle', source: ITEMS,
      paint: {
        'circle-color': ['match', ['get', 'kind'], 'hazard', ITEM_COLORS.hazard, 'dispute', ITEM_COLORS.dispute, 'unit', ITEM_COLORS.unit, 'post', ITEM_COLORS.post, 'rgba(0,0,0,0)'],
        'circle-radius': ['match', ['get', 'kind'], 'unit', 3.5, 'pending', 9, 7],
        'circle-stroke-color': ['match', ['get', 'kind'], 'pending', ITEM_COLORS.pending, '#0b1220'],
        'circle-stroke-width': ['match', ['get', 'kind'], 'pending', 3, 1.5],
      },
    })
    this.pick = new PickLayer(map, 'officer-pick')
  }

  private set(source: string, data: FeatureCollection): void {
    ;(this.map.getSource(source) as GeoJSONSource | undefined)?.setData(data)
  }

  showGrid(grid: MyGrid, outbox: readonly OutboxEntry[]): void {
    this.set(CELLS, grid.cells)
    const features: Feature[] = [
      ...grid.household_units.map((u) => pointFeature(u.lon, u.lat, { kind: 'unit', id: u.id })),
      ...grid.guard_posts.map((p) => pointFeature(p.lon, p.lat, { kind: 'post', id: p.id })),
      ...grid.disputes.map((d) => pointFeature(d.lon, d.lat, { kind: 'dispute', id: d.id, status: d.status })),
      ...grid.hazards.map((h) => pointFeature(h.lon, h.lat, { kind: 'hazard', id: h.id, status: h.status })),
      ...outbox.flatMap((e) => (e.feature.geometry.type === 'Point' ? [pointFeature(e.feature.geometry.coordinates[0]!, e.feature.geometry.coordinates[1]!, { kind: 'pending', ref: e.ref })] : [])),
    ]
    this.set(ITEMS, { type: 'FeatureCollection', features })
  }

  showPick(geometry: Geometry | null, points: ReadonlyArray<[number, number]> = []): void {
    this.pick.show(geometry, points)
  }

  showTrack(track: ReadonlyArray<[number, number]>): void {
    this.set(TRACK, track.length >= 2 ? { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'LineString', coordinates: track.map((p) => [...p]) }, properties: {} }] } : empty)
  }
}
