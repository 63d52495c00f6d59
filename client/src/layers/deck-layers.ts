import { MapboxOverlay } from '@deck.gl/mapbox'
import type { Layer } from 'deck.gl'
import type maplibregl from 'maplibre-gl'

/**
 * The deck.gl overlay, interleaved with MapLibre's layers (deck layers name a `beforeId` and
 * sit in MapLibre's stack). deck.gl layers are immutable descriptions: each catalog layer
 * registers a factory, and every change re-creates the list (cheap: deck diffs by id).
 */
export class DeckLayers {
  readonly overlay: MapboxOverlay
  private readonly factories = new Map<string, () => Layer>()
  private scheduled = false

  constructor(map: maplibregl.Map) {
    this.overlay = new MapboxOverlay({ interleaved: true, layers: [] })
    map.addControl(this.overlay)
  }

  /** Adds or replaces the factory for one layer id and redraws. */
  set(id: string, factory: () => Layer): void {
    this.factories.set(id, factory)
    this.update()
  }

  /** Re-creates the layers on the next microtask (several changes, one update). */
  update(): void {
    if (this.scheduled) return
    this.scheduled = true
    queueMicrotask(() => {
      this.scheduled = false
      this.overlay.setProps({ layers: [...this.factories.values()].map((f) => f()) })
    })
  }
}
