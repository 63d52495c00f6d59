import maplibregl from 'maplibre-gl'
import 'maplibre-gl/dist/maplibre-gl.css'
import { maplibreLocale } from '../i18n.ts'
import { CJK_FONT_FAMILY, GLYPHS_URL, registerGlyphProtocol } from './glyph-protocol.ts'
import { slotMarkers } from './slots.ts'
import { softwareWebGL } from './software-gl.ts'

/** Liaoyuan's extent (WGS84), from the district boundaries. */
export const CITY_BOUNDS: [number, number, number, number] = [124.83, 42.29, 125.84, 43.24]
export const BACKGROUND = '#060b16'

export interface InitialView {
  center?: [number, number]
  zoom?: number
}

/**
 * An offline map: no remote style, sprite or glyphs. Glyphs come from the in-browser glyph
 * protocol; the basemap and layers are added once the tile source is known.
 */
export function createMap(container: string, view: InitialView): maplibregl.Map {
  registerGlyphProtocol()
  const software = softwareWebGL()
  document.body.dataset.render = software ? 'software' : 'gpu'
  const camera = view.center && view.zoom !== undefined ? { center: view.center, zoom: view.zoom } : { bounds: CITY_BOUNDS, fitBoundsOptions: { padding: 40 } }
  return new maplibregl.Map({
    container,
    style: {
      version: 8,
      glyphs: GLYPHS_URL,
      sources: {},
      layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }, ...slotMarkers()],
    },
    ...camera,
    maxBounds: [CITY_BOUNDS[0] - 1.5, CITY_BOUNDS[1] - 1, CITY_BOUNDS[2] + 1.5, CITY_BOUNDS[3] + 1],
    minZoom: 6,
    maxZoom: 19,
    localIdeographFontFamily: CJK_FONT_FAMILY,
    attributionControl: false,
    locale: maplibreLocale(),
    dragRotate: false,
    pitchWithRotate: false,
    // Drawn on the CPU (software-gl.ts): no label fades, and camera moves jump (as with "reduce motion").
    ...(software ? { fadeDuration: 0, reduceMotion: true } : {}),
  })
}
