import { isMode, type Mode } from '../analysis/mode.ts'
import { isLang, type Lang } from '../i18n.ts'
import { isMeasure, type Measure } from '../layers/choropleth.ts'

/**
 * The shareable view in the URL hash:
 * `#map=<zoom>/<lat>/<lng>&layers=<id>,<id>&lang=zh|en&measure=none|households|population`,
 * plus `&mode=coverage|hotspots&aq=<key>:<value>;…` for an analysis view.
 * Anything missing or malformed is left out, so the defaults apply.
 */
export interface HashState {
  center?: [number, number]
  zoom?: number
  layers?: string[]
  lang?: Lang
  measure?: Measure
  mode?: Mode
  /** The analysis parameters, as analysis/mode.ts formats them. */
  analysis?: string
  /** The live command view is on (`live=1`). */
  live?: boolean
  /** A full-screen view over the map (`view=dashboard`). */
  view?: 'dashboard'
  /** The dashboard's filter (`dq=district:…;station:…;from:…;to:…`, see dashboard-mode.ts). */
  dashboard?: string
  /** The planner's drawing mode is on (`plan=1`). */
  plan?: boolean
}

export function parseHash(hash: string): HashState {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const state: HashState = {}
  const m = /^(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(params.get('map') ?? '')
  if (m) {
    const [zoom, lat, lng] = [Number(m[1]), Number(m[2]), Number(m[3])]
    if (zoom >= 0 && zoom <= 24 && Math.abs(lat) <= 85 && Math.abs(lng) <= 180) {
      state.zoom = zoom
      state.center = [lng, lat]
    }
  }
  const layers = params.get('layers')
  if (layers !== null) state.layers = layers.split(',').filter(Boolean)
  const lang = params.get('lang')
  if (isLang(lang)) state.lang = lang
  const measure = params.get('measure')
  if (isMeasure(measure)) state.measure = measure
  const mode = params.get('mode')
  if (isMode(mode)) state.mode = mode
  const aq = params.get('aq')
  if (aq) state.analysis = aq
  if (params.get('live') === '1') state.live = true
  if (params.get('view') === 'dashboard') state.view = 'dashboard'
  const dq = params.get('dq')
  if (dq) state.dashboard = dq
  if (params.get('plan') === '1') state.plan = true
  return state
}

export function formatHash(
  state: Required<Omit<HashState, 'mode' | 'analysis' | 'live' | 'view' | 'plan' | 'dashboard'>> & Pick<HashState, 'mode' | 'analysis' | 'live' | 'view' | 'plan' | 'dashboard'>,
): string {
  const [lng, lat] = state.center
  // Commas stay readable: URLSearchParams would escape them.
  return (
    `#map=${state.zoom.toFixed(2)}/${lat.toFixed(5)}/${lng.toFixed(5)}` +
    `&layers=${state.layers.map(encodeURIComponent).join(',')}&lang=${state.lang}&measure=${state.measure}` +
    (state.mode && state.mode !== 'map' ? `&mode=${state.mode}${state.analysis ? `&aq=${state.analysis}` : ''}` : '') +
    (state.live ? '&live=1' : '') +
    (state.view ? `&view=${state.view}${state.dashboard ? `&dq=${state.dashboard}` : ''}` : '') +
    (state.plan ? '&plan=1' : '')
  )
}
