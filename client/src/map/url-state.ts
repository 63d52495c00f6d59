import type maplibregl from 'maplibre-gl'
import { getLang, onLangChange, setLang } from '../i18n.ts'
import type { LayerController } from '../layers/layer-controller.ts'
import { liveMode } from '../live/live-mode.ts'
import { planMode } from '../planner/plan-mode.ts'
import { dashboardMode, dashboardQuery, formatDashboardQuery, parseDashboardQuery } from '../dashboard/dashboard-mode.ts'
import type { HashExtension } from '../analysis/mode.ts'
import { formatHash, parseHash } from './hash-state.ts'

/**
 * Keeps the URL hash in step with the view (centre, zoom, visible layers, language, grid
 * measure), so a copied link opens the same view; a hash edited by hand is applied.
 */
export function syncUrlState(map: maplibregl.Map, layers: LayerController, extension?: HashExtension): void {
  const write = () => {
    const c = map.getCenter()
    const hash = formatHash({ center: [c.lng, c.lat], zoom: map.getZoom(), layers: layers.visibleIds(), lang: getLang(), measure: layers.measure, ...extension?.state(), live: liveMode.on, plan: planMode.on, ...(dashboardMode.on ? { view: 'dashboard' as const, dashboard: formatDashboardQuery(dashboardQuery.value) } : {}) })
    if (hash !== window.location.hash) history.replaceState(history.state, '', hash)
  }
  map.on('moveend', write)
  layers.onChange(write)
  onLangChange(write)
  extension?.onChange(write)
  liveMode.onChange(write)
  planMode.onChange(write)
  dashboardMode.onChange(write)
  dashboardQuery.onChange(write)
  window.addEventListener('hashchange', () => {
    const s = parseHash(window.location.hash)
    if (s.lang) setLang(s.lang)
    if (s.layers) layers.showOnly(s.layers)
    if (s.measure) layers.setMeasure(s.measure)
    if (s.center && s.zoom !== undefined) map.jumpTo({ center: s.center, zoom: s.zoom })
    extension?.apply(s)
    liveMode.set(s.live === true)
    planMode.set(s.plan === true)
    dashboardQuery.set(parseDashboardQuery(s.dashboard))
    dashboardMode.set(s.view === 'dashboard')
    write()
  })
  write()
}
