import maplibregl from 'maplibre-gl'
import { maplibreLocale, onLangChange } from '../i18n.ts'

/**
 * Zoom buttons and a metric scale bar, in the current language. MapLibre reads its UI strings
 * when a control is added, so a language change swaps its locale and re-adds the controls.
 */
export function addMapControls(map: maplibregl.Map): void {
  let nav: maplibregl.NavigationControl | null = null
  let scale: maplibregl.ScaleControl | null = null
  const add = () => {
    map._locale = { ...map._locale, ...maplibreLocale() }
    if (nav) map.removeControl(nav)
    if (scale) map.removeControl(scale)
    nav = new maplibregl.NavigationControl({ showCompass: false })
    scale = new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 })
    map.addControl(nav, 'bottom-right')
    map.addControl(scale, 'bottom-left')
  }
  add()
  onLangChange(add)
}
