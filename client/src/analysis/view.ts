import type maplibregl from 'maplibre-gl'
import type { MessageKey } from '../i18n.ts'
import type { Params } from './mode.ts'

export interface ViewContext {
  map: maplibregl.Map
  /** Stores the view's parameters (the URL hash follows). */
  setParams(params: Params): void
  /** Map padding that keeps a fitted area clear of the open panels. */
  padding(): maplibregl.PaddingOptions
}

/** An analysis mode: its panel content and its map layers. */
export interface AnalysisView {
  readonly titleKey: MessageKey
  /** Draws the panel into `body`, shows the layers and computes for `params` if not done yet. */
  activate(body: HTMLElement, params: Params): void
  /** Hides the layers and cancels a request in flight. */
  deactivate(): void
  /** Re-renders the panel in the current language. */
  render(): void
}
