import { onLangChange, t, type MessageKey } from '../i18n.ts'

/** Narrow screens start with side panels closed so the map is seen first. */
export const isPhone = () => window.matchMedia('(max-width: 720px)').matches

export interface Panel {
  readonly open: boolean
  setOpen(open: boolean): void
}

/**
 * A collapsible panel: a header with its title and a close button, toggled from a top-bar
 * button too (aria-expanded on both). Its content goes into `.panel-body`.
 */
export function setupPanel(panel: HTMLElement, button: HTMLButtonElement, titleKey: MessageKey, open: boolean): Panel {
  const header = document.createElement('header')
  header.className = 'panel-header'
  const title = document.createElement('h2')
  const close = document.createElement('button')
  close.type = 'button'
  close.className = 'panel-close'
  close.textContent = '×'
  header.append(title, close)
  panel.prepend(header)
  button.setAttribute('aria-controls', panel.id)

  let isOpen = open
  const apply = () => {
    panel.dataset.open = String(isOpen)
    button.setAttribute('aria-expanded', String(isOpen))
    button.classList.toggle('active', isOpen)
    close.setAttribute('aria-label', t(isOpen ? 'panel.collapse' : 'panel.expand'))
  }
  const words = () => {
    title.textContent = t(titleKey)
    panel.setAttribute('aria-label', t(titleKey))
    close.setAttribute('aria-label', t('panel.collapse'))
  }
  const api: Panel = {
    get open() {
      return isOpen
    },
    setOpen(o) {
      isOpen = o
      apply()
    },
  }
  button.addEventListener('click', () => api.setOpen(!isOpen))
  close.addEventListener('click', () => api.setOpen(false))
  words()
  apply()
  onLangChange(words)
  return api
}
