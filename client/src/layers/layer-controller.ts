import { LAYERS as CATALOG, type LayerDef } from '../../../data/catalog/layers.ts'
import { canRead } from '../auth/session.ts'
import type { CatalogLayer, LayerContext } from './catalog-layer.ts'
import type { Measure } from './choropleth.ts'
import type { GridCellsLayer } from './grid-cells-layer.ts'
import { buildCatalogLayer } from './registry.ts'

/** Shown when nothing else is asked for: the frame of every officer's day. */
export const DEFAULT_LAYERS = ['admin-areas', 'grid-cells', 'police-units', 'schools', 'hazards'] as const

/** The catalog layers this account may read (the server refuses the others anyway). */
let LAYERS: readonly LayerDef[] = CATALOG

export interface LayerState {
  visible: boolean
  opacity: number
}

/** Every catalog layer on the map, its visibility and opacity, and the grid-cell measure. */
export class LayerController {
  private readonly layers = new Map<string, CatalogLayer>()
  private readonly state = new Map<string, LayerState>()
  private readonly listeners = new Set<() => void>()
  private readonly deckLoads = new Map<string, Array<() => void>>()
  private readonly deckSeen = new Set<string>()
  private measureValue: Measure = 'none'

  constructor(
    private readonly ctx: LayerContext,
    visible: readonly string[],
    measure: Measure,
  ) {
    LAYERS = CATALOG.filter((d) => canRead(d.id))
    const on = new Set(visible)
    for (const def of LAYERS) {
      const layer = buildCatalogLayer(def, ctx, (id) => this.deckViewportLoaded(id))
      this.layers.set(def.id, layer)
      this.state.set(def.id, { visible: on.has(def.id), opacity: 1 })
      layer.setOpacity(1)
      layer.setVisible(on.has(def.id))
    }
    this.setMeasure(measure)
  }

  get defs(): readonly LayerDef[] {
    return LAYERS
  }

  get(id: string): CatalogLayer | undefined {
    return this.layers.get(id)
  }

  stateOf(id: string): LayerState {
    return this.state.get(id) ?? { visible: false, opacity: 1 }
  }

  visibleIds(): string[] {
    return LAYERS.filter((d) => this.stateOf(d.id).visible).map((d) => d.id)
  }

  setVisible(id: string, visible: boolean): void {
    const layer = this.layers.get(id)
    const s = this.state.get(id)
    if (!layer || !s || s.visible === visible) return
    s.visible = visible
    layer.setVisible(visible)
    this.changed()
  }

  /** Shows exactly these layers (unknown ids are ignored). */
  showOnly(ids: readonly string[]): void {
    const on = new Set(ids)
    for (const def of LAYERS) this.setVisible(def.id, on.has(def.id))
  }

  setOpacity(id: string, opacity: number): void {
    const layer = this.layers.get(id)
    const s = this.state.get(id)
    if (!layer || !s) return
    s.opacity = Math.min(1, Math.max(0, opacity))
    layer.setOpacity(s.opacity)
    this.changed()
  }

  get measure(): Measure {
    return this.measureValue
  }

  setMeasure(measure: Measure): void {
    this.measureValue = measure
    ;(this.layers.get('grid-cells') as GridCellsLayer | undefined)?.setMeasure(measure)
    this.changed()
  }

  /** The visible MapLibre layers a click may pick from (queryRenderedFeatures orders the hits). */
  clickableLayerIds(): string[] {
    return LAYERS.filter((d) => this.stateOf(d.id).visible)
      .flatMap((d) => this.layers.get(d.id)?.clickableLayerIds ?? [])
      .filter((id) => this.ctx.map.getLayer(id))
  }

  onChange(cb: () => void): () => void {
    this.listeners.add(cb)
    return () => this.listeners.delete(cb)
  }

  /**
   * Resolves when the visible deck.gl layers in their zoom range have loaded the tiles of the
   * current view (MapLibre's own `idle` does not wait for them).
   */
  deckLoaded(zoom: number): Promise<void> {
    const waiting = LAYERS.filter(
      (d) => this.layers.get(d.id)?.deckLayerId && this.stateOf(d.id).visible && zoom >= d.minzoom && !this.deckSeen.has(d.id),
    )
    return Promise.all(waiting.map((d) => new Promise<void>((resolve) => this.deckLoads.set(d.id, [...(this.deckLoads.get(d.id) ?? []), resolve])))).then(() => undefined)
  }

  private deckViewportLoaded(id: string): void {
    this.deckSeen.add(id)
    const waiting = this.deckLoads.get(id) ?? []
    this.deckLoads.delete(id)
    for (const resolve of waiting) resolve()
  }

  private changed(): void {
    for (const cb of this.listeners) cb()
  }
}
