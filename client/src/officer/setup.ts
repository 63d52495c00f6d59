import type maplibregl from 'maplibre-gl'
import type { SessionInfo } from '../auth/session.ts'
import { fieldPanelToggle } from '../field/panel-toggle.ts'
import { MyGridView } from './my-grid-view.ts'
import '../field/field.css'
import './officer.css'

declare global {
  interface Window {
    /** The officer's view, for the browser tests and the console. */
    pinganMyGrid?: MyGridView
  }
}

/**
 * "My grid" for officer accounts: opened on sign-in (an officer's home view), toggled from the
 * top bar. Other roles have no cells of their own and get nothing here.
 */
export function setupOfficer(map: maplibregl.Map, session: SessionInfo): MyGridView | null {
  if (session.user.role !== 'officer') return null
  const toggle = fieldPanelToggle('toggle-mygrid', { full: 'officer.toggle', short: 'officer.toggle.short', label: 'officer.toggle.label' })
  const view = new MyGridView(map, session.user.id, toggle.opened)
  toggle.attach(view)
  window.pinganMyGrid = view
  return view
}
