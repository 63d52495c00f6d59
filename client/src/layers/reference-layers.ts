import type maplibregl from 'maplibre-gl'
import { api } from '../api/client.ts'

/** District, town and village boundaries from the admin-areas layer. */
export async function addReferenceLayers(map: maplibregl.Map): Promise<void> {
  const [districts, towns, villages] = await Promise.all([
    api.features('admin-areas', { level: 'district' }),
    api.features('admin-areas', { level: 'town' }),
    api.features('admin-areas', { level: 'village', limit: '2000' }),
  ])
  map.addSource('districts', { type: 'geojson', data: districts })
  map.addSource('towns', { type: 'geojson', data: towns })
  map.addSource('villages', { type: 'geojson', data: villages })
  map.addLayer({
    id: 'districts-fill', type: 'fill', source: 'districts',
    paint: { 'fill-color': ['match', ['get', 'code'], '220402', '#1e3a5f', '220403', '#24466b', '220421', '#1c3350', '#1a2e4a'], 'fill-opacity': 0.9 },
  })
  map.addLayer({ id: 'villages-line', type: 'line', source: 'villages', minzoom: 9, paint: { 'line-color': '#475569', 'line-width': 0.5 } })
  map.addLayer({ id: 'towns-line', type: 'line', source: 'towns', paint: { 'line-color': '#64748b', 'line-width': 1, 'line-dasharray': [3, 2] } })
  map.addLayer({ id: 'districts-line', type: 'line', source: 'districts', paint: { 'line-color': '#7dd3fc', 'line-width': 2.5 } })
}
