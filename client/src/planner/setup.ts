import type maplibregl from 'maplibre-gl'
import { hasRole } from '../auth/session.ts'
import type { LayerController } from '../layers/layer-controller.ts'
import { planMode } from './plan-mode.ts'
import './planner.css'
import { PlannerView } from './planner-view.ts'

declare global {
  interface Window {
    /** The planner's mode, for the browser tests and the console. */
    pinganPlanner?: PlannerView
  }
}

/**
 * Adds the 规划 toggle to the top bar and the planner behind it, for the accounts that draw
 * zones and routes (planners, admins). Call before the feature popup is set up: a drawing
 * click must not open a popup.
 */
export function setupPlanner(map: maplibregl.Map, layers: LayerController, initiallyOn: boolean): PlannerView | null {
  if (!hasRole('planner', 'admin')) return null
  const button = document.createElement('button')
  button.id = 'toggle-plan'
  button.type = 'button'
  button.className = 'tb-btn'
  const actions = document.querySelector('.topbar .actions')
  actions?.insertBefore(button, document.getElementById('lang-toggle'))
  planMode.set(initiallyOn)
  const view = new PlannerView(map, layers, button)
  window.pinganPlanner = view
  return view
}
