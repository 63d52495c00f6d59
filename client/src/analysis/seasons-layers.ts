import type { ExpressionSpecification, GeoJSONSource } from 'maplibre-gl'
import type maplibregl from 'maplibre-gl'
import type { Feature, FeatureCollection } from 'geojson'
import { addToSlot } from '../map/slots.ts'
import type { SeasonalAnswer, SeasonalCell } from './analysis-api.ts'

const CELLS = 'analysis-seasons'
export const SEASONS_FILL = 'analysis-seasons-fill'
export const SEASONS_LINE = 'analysis-seasons-line'

/** A cell's class on the four-seasons map, strongest first. */
export const SEASON_CLASSES = ['visit', 'flagged', 'active'] as const
export type SeasonClass = (typeof SEASON_CLASSES)[number]
/** Red for the cells to visit first, amber for the recurring ones, a pale teal where this season has reports. */
export const SEASON_COLORS: Record<SeasonClass, string> = { visit: '#ef4444', flagged: '#f59e0b', active: '#5eead4' }

export function seasonClass(c: SeasonalCell): SeasonClass | null {
  if (c.focus.screen && c.focus.this_season_open > 0) return 'visit'
  if (c.focus.screen) return 'flagged'
  if (c.focus.this_season > 0) return 'active'
  return null
}

const empty: FeatureCollection = { type: 'FeatureCollection', features: [] }
const fillColor = ['match', ['get', 'class'], ...SEASON_CLASSES.flatMap((k) => [k, SEASON_COLORS[k]]), 'rgba(0, 0, 0, 0)'] as unknown as ExpressionSpecification

/** The four-seasons screen on the map: cells filled by class, outlined, the selected one in white. */
export class SeasonsLayers {
  private added = false
  private selected: number | null = null

  constructor(private readonly map: maplibregl.Map) {}

  private ensure(): void {
    if (this.added) return
    this.added = true
    const { map } = this
    map.addSource(CELLS, { type: 'geojson', data: empty })
    addToSlot(map, 'areas', { id: SEASONS_FILL, type: 'fill', source: CELLS, paint: { 'fill-color': fillColor, 'fill-opacity': ['case', ['==', ['get', 'class'], 'none'], 0, 0.62] } })
    addToSlot(map, 'lines', {
      id: SEASONS_LINE, type: 'line', source: CELLS,
      paint: {
        'line-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#ffffff', '#0b1220'],
        'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3.5, 0.5],
        'line-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, 0.6],
      },
    })
  }

  show(answer: SeasonalAnswer): void {
    this.ensure()
    const features: Feature[] = answer.cells
      .filter((c) => c.geometry)
      .map((c) => ({ type: 'Feature', id: c.grid_id, geometry: c.geometry!, properties: { id: c.grid_id, class: seasonClass(c) ?? 'none' } }))
    ;(this.map.getSource(CELLS) as GeoJSONSource).setData({ type: 'FeatureCollection', features })
    this.selected = null
    this.setVisible(true)
  }

  setVisible(visible: boolean): void {
    if (!this.added) return
    for (const id of [SEASONS_FILL, SEASONS_LINE]) this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none')
  }

  select(id: number | null): void {
    if (!this.added) return
    if (this.selected !== null) this.map.setFeatureState({ source: CELLS, id: this.selected }, { selected: false })
    this.selected = id
    if (id !== null) this.map.setFeatureState({ source: CELLS, id }, { selected: true })
  }
}
