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
  chip.append(who, role, out)
  host.prepend(chip)
  const render = () => {
    who.textContent = s.user.displayName
    const cells = s.user.role === 'officer' ? ` · ${t('auth.cells', { count: s.user.gridIds.length })}` : ''
    role.textContent = t(`auth.role.${s.user.role}` as MessageKey) + cells
    out.textContent = t('auth.signOut')
  }
  onLangChange(render)
  render()
  out.addEventListener('click', () => {
    void signOut(s.csrfToken).finally(() => window.location.reload())
  })
}
