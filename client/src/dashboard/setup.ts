import { hasRole } from '../auth/session.ts'
import { onLangChange, t } from '../i18n.ts'
import { dashboardMode } from './dashboard-mode.ts'

declare global {
  interface Window {
    /** The open dashboard view, for the browser tests. */
    pinganDashboard?: import('./dashboard-view.ts').DashboardView
  }
}

/**
 * The dashboard button in the top bar, for the desk roles (admin, command, planner: the ones
 * the dashboard API serves). The view itself, with echarts, is loaded on first open, so the
 * map page's bundle does not carry it.
 */
export function setupDashboard(initiallyOpen: boolean): void {
  if (!hasRole('admin', 'command', 'planner')) return
  const button = document.createElement('button')
  button.id = 'toggle-dashboard'
  button.type = 'button'
  button.className = 'tb-btn'
  const label = () => {
    button.textContent = t('dash.toggle')
    button.title = t('dash.toggle.label')
    button.setAttribute('aria-label', t('dash.toggle.label'))
  }
  label()
  onLangChange(label)
  document.querySelector('.topbar .actions')?.insertBefore(button, document.getElementById('lang-toggle'))
  button.addEventListener('click', () => dashboardMode.set(!dashboardMode.on))

  let view: Promise<import('./dashboard-view.ts').DashboardView> | null = null
  const apply = (on: boolean) => {
    button.classList.toggle('active', on)
    button.setAttribute('aria-pressed', String(on))
    if (on) {
      view ??= import('./dashboard-view.ts').then((m) => (window.pinganDashboard = new m.DashboardView()))
      void view.then((v) => v.show())
    } else if (view) {
      void view.then((v) => v.hide())
    }
  }
  dashboardMode.onChange(apply)
  dashboardMode.set(initiallyOpen)
  apply(dashboardMode.on)
}
