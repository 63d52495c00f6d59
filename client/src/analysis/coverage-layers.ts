import type { ExpressionSpecification, GeoJSONSource } from 'maplibre-gl'
import type maplibregl from 'maplibre-gl'
import type { Feature, FeatureCollection } from 'geojson'
import { addToSlot } from '../map/slots.ts'
import type { CoverageAnswer } from './analysis-api.ts'

const CELLS = 'analysis-coverage'
const UNCOVERED = 'analysis-uncovered'
export const COVERAGE_FILL = 'analysis-coverage-fill'
export const COVERAGE_HATCH = 'analysis-uncovered-hatch'
export const COVERAGE_LINE = 'analysis-coverage-line'
const HATCH_IMAGE = 'analysis-hatch'

/** Covered share classes: viridis, a perceptually even sequential ramp (dark = little covered). */
export const SHARE_BREAKS = [0.2, 0.4, 0.6, 0.8] as const
export const SHARE_COLORS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] as const
export const HATCH_RGBA: [number, number, number, number] = [251, 191, 36, 200]

const shareColor: ExpressionSpecification = ['step', ['get', 'covered_share'], SHARE_COLORS[0], ...SHARE_BREAKS.flatMap((b, i) => [b, SHARE_COLORS[i + 1]!])] as ExpressionSpecification

/** Diagonal amber stripes on transparent, drawn in code (no image file, nothing fetched). */
function hatchImage(size = 32, width = 2): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(size * size * 4)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Stripes along x + y = const repeat every `size / 2` pixels, so the tile wraps seamlessly.
      const d = (x + y) % (size / 2)
      const a = d < width ? 1 : d < width + 1 ? 0.45 : 0
      const k = (y * size + x) * 4
      data.set([HATCH_RGBA[0], HATCH_RGBA[1], HATCH_RGBA[2], Math.round(HATCH_RGBA[3] * a)], k)
    }
  }
  return { width: size, height: size, data }
}

const empty: FeatureCollection = { type: 'FeatureCollection', features: [] }

/**
 * The coverage on the map: every cell filled by its covered share, the uncovered parts hatched,
 * cell outlines with the selected cell in white. Added once, shown and hidden with the mode.
 */
export class CoverageLayers {
  private added = false
  private selected: number | null = null

  constructor(private readonly map: maplibregl.Map) {}

  private ensure(): void {
    if (this.added) return
    this.added = true
    const { map } = this
    if (!map.hasImage(HATCH_IMAGE)) map.addImage(HATCH_IMAGE, hatchImage(), { pixelRatio: 2 })
    map.addSource(CELLS, { type: 'geojson', data: empty })
    map.addSource(UNCOVERED, { type: 'geojson', data: empty })
    addToSlot(map, 'areas', { id: COVERAGE_FILL, type: 'fill', source: CELLS, paint: { 'fill-color': shareColor, 'fill-opacity': 0.72 } })
    addToSlot(map, 'areas', { id: COVERAGE_HATCH, type: 'fill', source: UNCOVERED, paint: { 'fill-pattern': HATCH_IMAGE, 'fill-opacity': 0.75 } })
    addToSlot(map, 'lines', {
      id: COVERAGE_LINE, type: 'line', source: CELLS,
      paint: {
        'line-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#ffffff', '#0b1220'],
        'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3.5, 0.6],
        'line-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, 0.7],
      },
    })
  }

  show(answer: CoverageAnswer | null): void {
    this.ensure()
    const cells: Feature[] = []
    const uncovered: Feature[] = []
    for (const f of answer?.features ?? []) {
      const p = f.properties
      cells.push({ type: 'Feature', id: p.id, geometry: f.geometry, properties: { id: p.id, covered_share: p.covered_share } })
      if (p.uncovered) uncovered.push({ type: 'Feature', id: p.id, geometry: p.uncovered, properties: { id: p.id } })
    }
    ;(this.map.getSource(CELLS) as GeoJSONSource).setData({ type: 'FeatureCollection', features: cells })
    ;(this.map.getSource(UNCOVERED) as GeoJSONSource).setData({ type: 'FeatureCollection', features: uncovered })
    this.selected = null
    this.setVisible(true)
  }

  setVisible(visible: boolean): void {
    if (!this.added) return
    for (const id of [COVERAGE_FILL, COVERAGE_HATCH, COVERAGE_LINE]) this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none')
  }

  select(id: number | null): void {
    if (!this.added) return
    if (this.selected !== null) this.map.setFeatureState({ source: CELLS, id: this.selected }, { selected: false })
    this.selected = id
    if (id !== null) this.map.setFeatureState({ source: CELLS, id }, { selected: true })
  }
}
