import { onLangChange, t, type MessageKey } from '../i18n.ts'

/** A field view's panel as its top-bar toggle sees it. */
export interface FieldPanel {
  readonly panel: HTMLElement
  readonly open: boolean
  setOpen(open: boolean): void
}

/**
 * The top-bar button of a field view (the officer's "my grid", the volunteer's day): a full word,
 * a short one on a phone, pressed while the panel is open. The panel and the figures panel sit at
 * the same place (right; the bottom sheet on a phone): one at a time, the other closed through its
 * own button so its toggle follows. `opened` is the view's open-change callback; `attach` opens
 * the view (a field account's home view) and wires the button to it.
 */
export function fieldPanelToggle(id: string, words: { full: MessageKey; short: MessageKey; label: MessageKey }) {
  const button = document.createElement('button')
  button.id = id
  button.type = 'button'
  button.className = 'tb-btn active'
  const say = () => {
    const full = document.createElement('span')
    full.className = 'og-toggle-full'
    full.textContent = t(words.full)
    const short = document.createElement('span')
    short.className = 'og-toggle-short'
    short.textContent = t(words.short)
    button.replaceChildren(full, short)
    button.setAttribute('aria-label', t(words.label))
  }
  say()
  onLangChange(say)
  const actions = document.querySelector('.topbar .actions')
  actions?.insertBefore(button, actions.firstElementChild?.nextElementSibling ?? null)
  const headlines = document.getElementById('headlines')
  return {
    button,
    opened(open: boolean): void {
      button.classList.toggle('active', open)
      button.setAttribute('aria-expanded', String(open))
      if (open && headlines?.dataset.open === 'true') headlines.querySelector<HTMLButtonElement>('.panel-close')?.click()
    },
    attach(view: FieldPanel): void {
      if (headlines) {
        new MutationObserver(() => {
          if (headlines.dataset.open === 'true' && view.open) view.setOpen(false)
        }).observe(headlines, { attributes: true, attributeFilter: ['data-open'] })
      }
      view.setOpen(true)
      button.setAttribute('aria-controls', view.panel.id)
      button.addEventListener('click', () => view.setOpen(!view.open))
    },
  }
}
