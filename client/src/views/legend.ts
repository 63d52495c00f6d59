import type { LayerDef } from '../../../data/catalog/layers.ts'
import { formatNumber, t } from '../i18n.ts'
import { legendClasses, type Measure } from '../layers/choropleth.ts'

const SVG = 'http://www.w3.org/2000/svg'

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v))
  return el
}

/** A small picture of how the layer is drawn: its area, line or dot (a bubble for clustered points). */
export function layerSwatch(def: LayerDef): SVGSVGElement {
  const svg = svgEl('svg', { viewBox: '0 0 20 20', width: 20, height: 20, class: 'swatch', 'aria-hidden': 'true' })
  const { color } = def.style
  if (def.id === 'admin-areas') {
    svg.append(svgEl('rect', { x: 2, y: 3, width: 16, height: 14, rx: 2, fill: '#173258', stroke: '#7dd3fc', 'stroke-width': 1.6 }))
    svg.append(svgEl('path', { d: 'M10 3v14', stroke: color, 'stroke-width': 1.2, 'stroke-dasharray': '2 1.5' }))
  } else if (def.style.kind === 'fill') {
    svg.append(svgEl('rect', { x: 2, y: 3, width: 16, height: 14, rx: 2, fill: color, 'fill-opacity': 0.25, stroke: color, 'stroke-width': 1.6 }))
  } else if (def.style.kind === 'line') {
    svg.append(svgEl('path', { d: 'M2 14 C7 4, 12 18, 18 6', fill: 'none', stroke: color, 'stroke-width': Math.min(4, (def.style.width ?? 1.5) + 1), 'stroke-linecap': 'round', ...(def.id === 'patrols' ? { 'stroke-dasharray': '3 2' } : {}) }))
  } else if (def.cluster) {
    svg.append(svgEl('circle', { cx: 12, cy: 11, r: 7, fill: color, 'fill-opacity': 0.8, stroke: '#fff', 'stroke-opacity': 0.6 }))
    svg.append(svgEl('circle', { cx: 4.5, cy: 5, r: 2.6, fill: color, stroke: '#060b16' }))
  } else {
    svg.append(svgEl('circle', { cx: 10, cy: 10, r: Math.min(7, (def.style.radius ?? 5) + 1), fill: color, stroke: '#e2e8f0', 'stroke-width': 1.3 }))
  }
  return svg
}

/** The class boxes of the grid-cell choropleth, with their ranges. */
export function choroplethLegend(measure: Exclude<Measure, 'none'>): HTMLElement {
  const box = document.createElement('div')
  box.className = 'choropleth-legend'
  box.dataset.measure = measure
  const title = document.createElement('div')
  title.className = 'legend-title'
  title.textContent = t('measure.legend', { measure: t(`measure.${measure}`) })
  const list = document.createElement('ol')
  for (const c of legendClasses(measure)) {
    const li = document.createElement('li')
    const chip = document.createElement('span')
    chip.className = 'chip'
    chip.style.background = c.color
    const range = document.createElement('span')
    range.textContent = c.from === null ? `< ${formatNumber(c.to!)}` : c.to === null ? `≥ ${formatNumber(c.from)}` : `${formatNumber(c.from)}–${formatNumber(c.to)}`
    li.append(chip, range)
    list.append(li)
  }
  box.append(title, list)
  return box
}
