import type { ExpressionSpecification, GeoJSONSource } from 'maplibre-gl'
import type maplibregl from 'maplibre-gl'
import { addToSlot } from '../map/slots.ts'
import { GI_CLASSES, type DensityAnswer, type GiClass, type HotspotAnswer } from './analysis-api.ts'

type RGBA = [number, number, number, number]

/** The usual Gi* scheme: hot reds and cold blues by confidence, not significant neutral. */
export const CLASS_COLORS: Record<GiClass, RGBA> = {
  'hot-99': [214, 47, 39, 215],
  'hot-95': [237, 117, 81, 200],
  'hot-90': [250, 185, 132, 190],
  'not-significant': [148, 163, 184, 26],
  'cold-90': [166, 200, 224, 190],
  'cold-95': [109, 158, 201, 200],
  'cold-99': [69, 117, 181, 215],
}

export const cssColor = ([r, g, b, a]: RGBA, alpha?: number) => `rgba(${r}, ${g}, ${b}, ${alpha ?? (a / 255).toFixed(2)})`

/** Heat ramp stops (position 0–1 of ∛(density / max): the long tail of low densities stays visible) → RGBA. */
export const HEAT_STOPS: ReadonlyArray<[number, RGBA]> = [
  [0, [0, 0, 0, 0]],
  [0.1, [76, 29, 149, 110]],
  [0.35, [190, 24, 93, 175]],
  [0.6, [234, 88, 12, 205]],
  [0.82, [250, 204, 21, 225]],
  [1, [254, 252, 232, 240]],
]

function heatColor(v: number): RGBA {
  for (let k = 1; k < HEAT_STOPS.length; k++) {
    const [p1, c1] = HEAT_STOPS[k]!
    const [p0, c0] = HEAT_STOPS[k - 1]!
    if (v <= p1) {
      const f = (v - p0) / (p1 - p0)
      return c0.map((x, i) => Math.round(x + (c1[i]! - x) * f)) as RGBA
    }
  }
  return HEAT_STOPS[HEAT_STOPS.length - 1]![1]
}

/** Least-squares affine map (col, row) → (lon, lat) over the grid points (UTM is near-affine over a city). */
function fitAffine(features: DensityAnswer['features']): (c: number, r: number) => [number, number] {
  // Normal equations for v = a0 + a1·c + a2·r, solved for lon and lat, centred for stability.
  const n = features.length
  let mc = 0
  let mr = 0
  for (const f of features) {
    mc += f.properties.col / n
    mr += f.properties.row / n
  }
  let scc = 0, scr = 0, srr = 0, mx = 0, my = 0
  for (const f of features) {
    mx += f.geometry.coordinates[0]! / n
    my += f.geometry.coordinates[1]! / n
  }
  let scx = 0, srx = 0, scy = 0, sry = 0
  for (const f of features) {
    const c = f.properties.col - mc
    const r = f.properties.row - mr
    const x = f.geometry.coordinates[0]! - mx
    const y = f.geometry.coordinates[1]! - my
    scc += c * c
    scr += c * r
    srr += r * r
    scx += c * x
    srx += r * x
    scy += c * y
    sry += r * y
  }
  const det = scc * srr - scr * scr || 1
  const ax = (scx * srr - srx * scr) / det
  const bx = (srx * scc - scx * scr) / det
  const ay = (scy * srr - sry * scr) / det
  const by = (sry * scc - scy * scr) / det
  return (c, r) => [mx + ax * (c - mc) + bx * (r - mr), my + ay * (c - mc) + by * (r - mr)]
}

/** The density grid as an image (one pixel per grid point) and its four corners on the map. */
export function densityImage(answer: DensityAnswer): { image: HTMLCanvasElement; bounds: [[number, number], [number, number], [number, number], [number, number]] } | null {
  const fs = answer.features
  if (fs.length < 3) return null
  let c0 = Infinity, c1 = -Infinity, r0 = Infinity, r1 = -Infinity, max = 0
  for (const f of fs) {
    const { col, row, density } = f.properties
    c0 = Math.min(c0, col)
    c1 = Math.max(c1, col)
    r0 = Math.min(r0, row)
    r1 = Math.max(r1, row)
    max = Math.max(max, density)
  }
  const w = c1 - c0 + 1
  const h = r1 - r0 + 1
  const canvas = document.createElement('canvas')
  canvas.width = w
  canvas.height = h
  const ctx = canvas.getContext('2d')!
  const img = ctx.createImageData(w, h)
  for (const f of fs) {
    const { col, row, density } = f.properties
    const k = ((r1 - row) * w + (col - c0)) * 4
    img.data.set(heatColor(Math.cbrt(density / (max || 1))), k)
  }
  ctx.putImageData(img, 0, 0)
  const at = fitAffine(fs)
  // Pixel edges are half a grid step outside the outermost grid points.
  return { image: canvas, bounds: [at(c0 - 0.5, r0 - 0.5), at(c0 - 0.5, r1 + 0.5), at(c1 + 0.5, r1 + 0.5), at(c1 + 0.5, r0 - 0.5)] }
}

const HEX_SOURCE = 'analysis-hotspots'
const DENSITY_SOURCE = 'analysis-density'
export const HEX_FILL = 'analysis-hotspots-fill'
export const HEX_LINE = 'analysis-hotspots-line'
export const DENSITY_LAYER = 'analysis-density'

const rgba = (c: RGBA) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${c[3] / 255})`
const classMatch = (pick: (cls: GiClass) => string): ExpressionSpecification =>
  ['match', ['get', 'class'], ...GI_CLASSES.flatMap((c) => [c, pick(c)]), 'rgba(0, 0, 0, 0)'] as unknown as ExpressionSpecification

/**
 * Hexagon bins (a MapLibre GeoJSON source: tiled in MapLibre's worker, the fill shader the grid
 * cells already use) coloured by Gi* class, and the kernel density as a canvas raster under them.
 */
export class HotspotLayers {
  private added = false
  private heat = false
  private densityCanvas: HTMLCanvasElement | null = null

  constructor(private readonly map: maplibregl.Map) {}

  private ensure(): void {
    if (this.added) return
    this.added = true
    const { map } = this
    map.addSource(HEX_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
    addToSlot(map, 'areas', { id: HEX_FILL, type: 'fill', source: HEX_SOURCE, layout: { visibility: 'none' }, paint: { 'fill-color': classMatch((c) => rgba(CLASS_COLORS[c])) } })
    addToSlot(map, 'areas', {
      id: HEX_LINE, type: 'line', source: HEX_SOURCE, layout: { visibility: 'none' },
      paint: { 'line-color': classMatch((c) => (c === 'not-significant' ? 'rgba(148, 163, 184, 0.16)' : 'rgba(15, 23, 42, 0.6)')), 'line-width': 0.6 },
    })
  }

  showHexes(answer: HotspotAnswer | null): void {
    this.ensure()
    ;(this.map.getSource(HEX_SOURCE) as GeoJSONSource).setData(answer ?? { type: 'FeatureCollection', features: [] })
  }

  showDensity(answer: DensityAnswer | null): void {
    this.ensure()
    const d = answer ? densityImage(answer) : null
    const { map } = this
    if (map.getLayer(DENSITY_LAYER)) map.removeLayer(DENSITY_LAYER)
    if (map.getSource(DENSITY_SOURCE)) map.removeSource(DENSITY_SOURCE)
    this.densityCanvas = d?.image ?? null
    if (!d) return
    // A canvas source: nothing is fetched (an image source would fetch a data: URL).
    map.addSource(DENSITY_SOURCE, { type: 'canvas', canvas: d.image, coordinates: [d.bounds[1], d.bounds[2], d.bounds[3], d.bounds[0]], animate: false })
    map.addLayer({ id: DENSITY_LAYER, type: 'raster', source: DENSITY_SOURCE, layout: { visibility: this.heat ? 'visible' : 'none' }, paint: { 'raster-opacity': 0.85, 'raster-resampling': 'linear', 'raster-fade-duration': 0 } }, HEX_FILL)
  }

  setVisible(visible: boolean, heat: boolean): void {
    this.ensure()
    this.heat = heat
    const { map } = this
    map.setLayoutProperty(HEX_FILL, 'visibility', visible ? 'visible' : 'none')
    map.setLayoutProperty(HEX_LINE, 'visibility', visible ? 'visible' : 'none')
    // Over the heat map, only the significant bins are filled.
    map.setPaintProperty(HEX_FILL, 'fill-color', classMatch((c) => (heat && c === 'not-significant' ? 'rgba(0, 0, 0, 0)' : rgba(CLASS_COLORS[c]))))
    if (map.getLayer(DENSITY_LAYER)) map.setLayoutProperty(DENSITY_LAYER, 'visibility', visible && heat && this.densityCanvas ? 'visible' : 'none')
  }
}
