import { onLangChange, t, type MessageKey } from '../i18n.ts'
import { signOut } from './auth-api.ts'
import type { SessionInfo } from './session.ts'

/** The signed-in account in the top bar: name, role, the officer's cell count, and sign-out. */
export function mountAccountChip(host: HTMLElement, s: SessionInfo): void {
  const chip = document.createElement('span')
  chip.className = 'account'
  chip.id = 'account'
  const who = document.createElement('span')
  who.className = 'account-who'
  const role = document.createElement('span')
  role.className = 'account-role'
  const out = document.createElement('button')
  out.type = 'button'
  out.className = 'tb-btn'
  out.dataset.signOut = ''
  const label = document.createElement('span')
  label.className = 'account-out-text'
  // On a phone the button is an icon (a door with an arrow), its words kept for screen readers.
  const icon = document.createElementNS('http://www.w3.org/2000/svg', 'svg')
  icon.setAttribute('viewBox', '0 0 20 20')
  icon.setAttribute('aria-hidden', 'true')
  icon.classList.add('account-out-icon')
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path')
  path.setAttribute('d', 'M8 3H4v14h4M12 6l4 4-4 4M16 10H8')
  path.setAttribute('fill', 'none')
  path.setAttribute('stroke', 'currentColor')
  path.setAttribute('stroke-width', '1.8')
  path.setAttribute('stroke-linecap', 'round')
  path.setAttribute('stroke-linejoin', 'round')
  icon.append(path)
  out.append(icon, label)
  chip.append(who, role, out)
  host.prepend(chip)
  const render = () => {
    who.textContent = s.user.displayName
    const cells = s.user.role === 'officer' ? ` · ${t('auth.cells', { count: s.user.gridIds.length })}` : ''
    role.textContent = t(`auth.role.${s.user.role}` as MessageKey) + cells
    // A narrow desk hides the role (style.css): the name's tooltip says it.
    who.title = `${s.user.displayName} · ${role.textContent}`
    label.textContent = t('auth.signOut')
    out.setAttribute('aria-label', t('auth.signOut'))
    out.title = t('auth.signOut')
  }
  onLangChange(render)
  render()
  out.addEventListener('click', () => {
    void signOut(s.csrfToken).finally(() => window.location.reload())
  })
}
