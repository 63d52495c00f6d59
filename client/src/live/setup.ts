import type maplibregl from 'maplibre-gl'
import { hasRole } from '../auth/session.ts'
import type { DeckLayers } from '../layers/deck-layers.ts'
import { liveMode } from './live-mode.ts'
import { LiveView } from './live-view.ts'

/**
 * Adds the live toggle to the top bar (before the language button) and the live view behind it,
 * for the accounts that may follow unit positions and alerts (command staff, admins).
 */
export function setupLive(map: maplibregl.Map, deck: DeckLayers, initiallyOn: boolean): LiveView | null {
  if (!hasRole('command', 'admin')) return null
  const button = document.createElement('button')
  button.id = 'toggle-live'
  button.type = 'button'
  button.className = 'tb-btn'
  const actions = document.querySelector('.topbar .actions')
  actions?.insertBefore(button, document.getElementById('lang-toggle'))
  liveMode.set(initiallyOn)
  const view = new LiveView(map, deck, button)
  window.pinganLive = view
  return view
}
