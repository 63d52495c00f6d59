import type { ExpressionSpecification, GeoJSONSource } from 'maplibre-gl'
import type maplibregl from 'maplibre-gl'
import type { FeatureCollection } from 'geojson'
import { addToSlot } from '../map/slots.ts'
import type { EmergingAnswer, EmergingCategory } from './analysis-api.ts'

const SOURCE = 'analysis-emerging'
export const EMERGING_FILL = 'analysis-emerging-fill'
export const EMERGING_LINE = 'analysis-emerging-line'

/**
 * Esri's order and its idea of colour: hot spots in reds (darkest where new or getting worse),
 * cold spots in blues, the on-and-off and historical ones paler; no pattern is not filled.
 */
export const EMERGING_COLORS: Record<EmergingCategory, string> = {
  'new-hot': '#7f1d1d',
  'consecutive-hot': '#b91c1c',
  'intensifying-hot': '#ef4444',
  'persistent-hot': '#f87171',
  'diminishing-hot': '#fca5a5',
  'sporadic-hot': '#fb923c',
  'oscillating-hot': '#f59e0b',
  'historical-hot': '#fde68a',
  'new-cold': '#1e3a8a',
  'consecutive-cold': '#1d4ed8',
  'intensifying-cold': '#3b82f6',
  'persistent-cold': '#60a5fa',
  'diminishing-cold': '#bfdbfe',
  'sporadic-cold': '#22d3ee',
  'oscillating-cold': '#818cf8',
  'historical-cold': '#c7d2fe',
  'no-pattern': 'rgba(0, 0, 0, 0)',
}

const empty: FeatureCollection = { type: 'FeatureCollection', features: [] }

/**
 * Hexagon bins filled by a category (emerging hot spots, patrol dosage), `none` left unfilled and
 * unoutlined; the selected bin outlined in white. Layers `<id>-fill` and `<id>-line`.
 */
export class CategoryHexLayers {
  private added = false
  private selected: string | null = null
  readonly fillId: string

  constructor(
    private readonly map: maplibregl.Map,
    private readonly id: string,
    private readonly colors: Readonly<Record<string, string>>,
    private readonly none: string,
  ) {
    this.fillId = `${id}-fill`
  }

  private ensure(): void {
    if (this.added) return
    this.added = true
    const { map, id } = this
    const fillColor = ['match', ['get', 'category'], ...Object.entries(this.colors).flat(), 'rgba(0, 0, 0, 0)'] as unknown as ExpressionSpecification
    // promoteId: the bins' ids are "i:j" strings, which feature-state needs as a property.
    map.addSource(id, { type: 'geojson', data: empty, promoteId: 'key' })
    addToSlot(map, 'areas', { id: `${id}-fill`, type: 'fill', source: id, paint: { 'fill-color': fillColor, 'fill-opacity': ['case', ['==', ['get', 'category'], this.none], 0, 0.7] } })
    addToSlot(map, 'lines', {
      id: `${id}-line`, type: 'line', source: id,
      paint: {
        'line-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#ffffff', '#0b1220'],
        'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 0.4],
        // Bins of the `none` category are not outlined unless selected (a filter cannot read feature-state).
        'line-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, ['==', ['get', 'category'], this.none], 0, 0.5],
      },
    })
  }

  /** Draws the bins: each a polygon with its i, j and category. */
  show(bins: ReadonlyArray<{ i: number; j: number; category: string; ring: Array<[number, number]> }>): void {
    this.ensure()
    const features = bins.map((b) => ({ type: 'Feature' as const, geometry: { type: 'Polygon' as const, coordinates: [b.ring] }, properties: { key: `${b.i}:${b.j}`, category: b.category } }))
    ;(this.map.getSource(this.id) as GeoJSONSource).setData({ type: 'FeatureCollection', features })
    this.selected = null
    this.setVisible(true)
  }

  setVisible(visible: boolean): void {
    if (!this.added) return
    for (const layer of [`${this.id}-fill`, `${this.id}-line`]) this.map.setLayoutProperty(layer, 'visibility', visible ? 'visible' : 'none')
  }

  select(key: string | null): void {
    if (!this.added) return
    if (this.selected !== null) this.map.setFeatureState({ source: this.id, id: this.selected }, { selected: false })
    this.selected = key
    if (key !== null) this.map.setFeatureState({ source: this.id, id: key }, { selected: true })
  }
}

/** The emerging hot spots on the map. */
export class EmergingLayers extends CategoryHexLayers {
  constructor(map: maplibregl.Map) {
    super(map, SOURCE, EMERGING_COLORS, 'no-pattern')
  }

  showAnswer(answer: EmergingAnswer): void {
    this.show(answer.features.map((f) => ({ i: f.properties.i, j: f.properties.j, category: f.properties.category, ring: f.geometry.coordinates[0] as Array<[number, number]> })))
  }
}
