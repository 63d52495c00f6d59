import type { ExpressionSpecification, GeoJSONSource } from 'maplibre-gl'
import type maplibregl from 'maplibre-gl'
import type { FeatureCollection } from 'geojson'
import { addToSlot } from '../map/slots.ts'
import { EMERGING_CATEGORIES, type EmergingAnswer, type EmergingCategory } from './analysis-api.ts'

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
const fillColor = ['match', ['get', 'category'], ...EMERGING_CATEGORIES.flatMap((c) => [c, EMERGING_COLORS[c]]), 'rgba(0, 0, 0, 0)'] as unknown as ExpressionSpecification

/** The emerging hot spots on the map: bins filled by category, the selected one outlined in white. */
export class EmergingLayers {
  private added = false
  private selected: string | null = null

  constructor(private readonly map: maplibregl.Map) {}

  private ensure(): void {
    if (this.added) return
    this.added = true
    const { map } = this
    // promoteId: the bins' ids are "i:j" strings, which feature-state needs as a property.
    map.addSource(SOURCE, { type: 'geojson', data: empty, promoteId: 'key' })
    addToSlot(map, 'areas', { id: EMERGING_FILL, type: 'fill', source: SOURCE, paint: { 'fill-color': fillColor, 'fill-opacity': ['case', ['==', ['get', 'category'], 'no-pattern'], 0, 0.7] } })
    addToSlot(map, 'lines', {
      id: EMERGING_LINE, type: 'line', source: SOURCE,
      paint: {
        'line-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#ffffff', '#0b1220'],
        'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 0.4],
        // Bins without a pattern are not outlined unless selected (a filter cannot read feature-state).
        'line-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, ['==', ['get', 'category'], 'no-pattern'], 0, 0.5],
      },
    })
  }

  show(answer: EmergingAnswer): void {
    this.ensure()
    const features = answer.features.map((f) => ({ ...f, properties: { key: `${f.properties.i}:${f.properties.j}`, category: f.properties.category } }))
    ;(this.map.getSource(SOURCE) as GeoJSONSource).setData({ type: 'FeatureCollection', features })
    this.selected = null
    this.setVisible(true)
  }

  setVisible(visible: boolean): void {
    if (!this.added) return
    for (const id of [EMERGING_FILL, EMERGING_LINE]) this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none')
  }

  select(key: string | null): void {
    if (!this.added) return
    if (this.selected !== null) this.map.setFeatureState({ source: SOURCE, id: this.selected }, { selected: false })
    this.selected = key
    if (key !== null) this.map.setFeatureState({ source: SOURCE, id: key }, { selected: true })
  }
}
