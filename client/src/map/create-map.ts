import maplibregl from 'maplibre-gl'
import 'maplibre-gl/dist/maplibre-gl.css'

/** Liaoyuan's extent (WGS84), from the district boundaries. */
export const CITY_BOUNDS: [number, number, number, number] = [124.83, 42.29, 125.84, 43.24]

/** An offline map: no remote basemap, the city's own reference layers are added on top. */
export function createMap(container: string): maplibregl.Map {
  return new maplibregl.Map({
    container,
    style: {
      version: 8,
      sources: {},
      layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#0b1324' } }],
    },
    bounds: CITY_BOUNDS,
    fitBoundsOptions: { padding: 40 },
    attributionControl: { compact: true, customAttribution: '边界：DataV/高德（GCJ-02→WGS84 转换）；区划：国家统计局 2023' },
  })
}
