import type maplibregl from 'maplibre-gl'
import type { SessionInfo } from '../auth/session.ts'
import { onLangChange, t } from '../i18n.ts'
import { MyGridView } from './my-grid-view.ts'
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
  const button = document.createElement('button')
  button.id = 'toggle-mygrid'
  button.type = 'button'
  button.className = 'tb-btn active'
  const words = () => {
    // The short word on a phone keeps the top bar on one row.
    const full = document.createElement('span')
    full.className = 'og-toggle-full'
    full.textContent = t('officer.toggle')
    const short = document.createElement('span')
    short.className = 'og-toggle-short'
    short.textContent = t('officer.toggle.short')
    button.replaceChildren(full, short)
    button.setAttribute('aria-label', t('officer.toggle.label'))
  }
  words()
  onLangChange(words)
  const actions = document.querySelector('.topbar .actions')
  actions?.insertBefore(button, actions.firstElementChild?.nextElementSibling ?? null)
  const headlines = document.getElementById('headlines')
  const view = new MyGridView(map, session.user.id, (open) => {
    button.classList.toggle('active', open)
    button.setAttribute('aria-expanded', String(open))
    // Both sit at the same place (right; the bottom sheet on a phone): one at a time, the other
    // closed through its own button so its toggle follows.
    if (open && headlines?.dataset.open === 'true') headlines.querySelector<HTMLButtonElement>('.panel-close')?.click()
  })
  if (headlines) {
    new MutationObserver(() => {
      if (headlines.dataset.open === 'true' && view.open) view.setOpen(false)
    }).observe(headlines, { attributes: true, attributeFilter: ['data-open'] })
  }
  view.setOpen(true)
  button.setAttribute('aria-controls', view.panel.id)
  button.addEventListener('click', () => view.setOpen(!view.open))
  window.pinganMyGrid = view
  return view
}
