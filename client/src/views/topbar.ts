import { errorText } from '../api/error-text.ts'
import type { Health } from '../api/client.ts'
import { getLang, onLangChange, setLang, t, type MessageKey } from '../i18n.ts'

/** Fills every `[data-i18n]` element's text and `[data-i18n-label]` aria-label, now and on language change. */
export function translateStatic(root: ParentNode): void {
  const apply = () => {
    for (const e of root.querySelectorAll<HTMLElement>('[data-i18n]')) e.textContent = t(e.dataset.i18n as MessageKey)
    for (const e of root.querySelectorAll<HTMLElement>('[data-i18n-label]')) e.setAttribute('aria-label', t(e.dataset.i18nLabel as MessageKey))
    document.title = t('app.title')
  }
  apply()
  onLangChange(apply)
}

/** The language button shows the other language's name and switches to it. */
export function setupLangToggle(button: HTMLButtonElement): void {
  const words = () => {
    button.textContent = t('lang.switch')
    button.setAttribute('aria-label', t('lang.switch.label'))
    button.lang = getLang() === 'zh' ? 'en' : 'zh-CN'
  }
  words()
  onLangChange(words)
  button.addEventListener('click', () => setLang(getLang() === 'zh' ? 'en' : 'zh'))
}

/** The database line: which backend and PostGIS version, or why it is unavailable. */
export function setupStatus(el: HTMLElement, health: Promise<Health>): void {
  let state: { health?: Health; error?: string } = {}
  const words = () => {
    if (state.health) {
      const backend = t(state.health.database.backend === 'pglite' ? 'status.embedded' : 'status.postgres')
      el.textContent = `${backend} · PostGIS ${state.health.database.postgis}`
    } else if (state.error) el.textContent = t('status.unavailable', { message: state.error })
    else el.textContent = t('status.connecting')
    // A narrow desk shows only the dot (style.css): the words stay as its tooltip.
    el.title = el.textContent ?? ''
  }
  words()
  onLangChange(words)
  health
    .then((h) => {
      state = { health: h }
      el.classList.add('ok')
      words()
    })
    .catch((err: unknown) => {
      state = { error: errorText(err) }
      el.classList.add('error')
      words()
    })
}
