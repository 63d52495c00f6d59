import type maplibregl from 'maplibre-gl'
import type { SessionInfo } from '../auth/session.ts'
import { fieldPanelToggle } from '../field/panel-toggle.ts'
import { VolunteerView } from './volunteer-view.ts'
import '../field/field.css'
import './volunteer.css'

declare global {
  interface Window {
    /** The volunteer's view, for the browser tests and the console. */
    pinganVolunteer?: VolunteerView
  }
}

/**
 * The volunteer's day for volunteer accounts: opened on sign-in (a volunteer's home view), toggled
 * from the top bar. Other roles report through their own views and get nothing here.
 */
export function setupVolunteer(map: maplibregl.Map, session: SessionInfo): VolunteerView | null {
  if (session.user.role !== 'volunteer') return null
  const toggle = fieldPanelToggle('toggle-myday', { full: 'volunteer.toggle', short: 'volunteer.toggle.short', label: 'volunteer.toggle.label' })
  const view = new VolunteerView(map, session.user.id, toggle.opened)
  toggle.attach(view)
  window.pinganVolunteer = view
  return view
}
