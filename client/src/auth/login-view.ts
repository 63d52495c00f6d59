import { getLang, onLangChange, setLang, t, type MessageKey } from '../i18n.ts'
import { signIn, SignInError } from './auth-api.ts'
import type { SessionInfo } from './session.ts'

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v)
  if (text !== undefined) e.textContent = text
  return e
}

/**
 * The sign-in screen: shown over everything until the server accepts a username and password;
 * resolves with the session. Chinese first, English one click away; errors say what to do
 * without saying whether an account exists.
 */
export function showLogin(notice?: MessageKey): Promise<SessionInfo> {
  return new Promise((resolve) => {
    const root = el('div', { class: 'login', id: 'login', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'login-title' })
    const card = el('form', { class: 'login-card', novalidate: '' })
    const brand = el('div', { class: 'login-brand' })
    const badge = el('div', { class: 'login-badge', 'aria-hidden': 'true' }, '安')
    const titles = el('div')
    const h1 = el('h1', { id: 'login-title' })
    const sub = el('p', { class: 'login-sub' })
    titles.append(h1, sub)
    brand.append(badge, titles)
    const lang = el('button', { type: 'button', class: 'tb-btn lang login-lang', 'data-login-lang': '' })
    const userLabel = el('label', { for: 'login-username' })
    const user = el('input', { id: 'login-username', name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: '', maxlength: '100' })
    const passLabel = el('label', { for: 'login-password' })
    const pass = el('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: '', maxlength: '500' })
    const error = el('p', { class: 'login-error', role: 'alert', 'aria-live': 'assertive' })
    const submit = el('button', { type: 'submit', class: 'login-submit' })
    const foot = el('p', { class: 'login-foot' })
    card.append(lang, brand, userLabel, user, passLabel, pass, error, submit, foot)
    root.append(card)
    document.body.append(root)

    let errorKey: { key: MessageKey; params?: Record<string, string | number> } | null = notice ? { key: notice } : null
    let busy = false
    const render = () => {
      h1.textContent = t('brand')
      sub.textContent = t('auth.subtitle')
      lang.textContent = t('lang.switch')
      lang.setAttribute('aria-label', t('lang.switch.label'))
      userLabel.textContent = t('auth.username')
      passLabel.textContent = t('auth.password')
      submit.textContent = busy ? t('auth.submitting') : t('auth.submit')
      foot.textContent = t('auth.notice')
      error.textContent = errorKey ? t(errorKey.key, errorKey.params) : ''
      document.title = `${t('auth.title')} · ${t('brand')}`
    }
    const off = onLangChange(render)
    lang.addEventListener('click', () => setLang(getLang() === 'zh' ? 'en' : 'zh'))
    render()
    user.focus()

    card.addEventListener('submit', (ev) => {
      ev.preventDefault()
      if (busy) return
      if (!user.value.trim() || !pass.value) {
        errorKey = { key: 'auth.failed' }
        render()
        return
      }
      busy = true
      submit.disabled = true
      render()
      signIn(user.value.trim(), pass.value)
        .then((s) => {
          off()
          root.remove()
          document.title = t('app.title')
          resolve(s)
        })
        .catch((err: unknown) => {
          busy = false
          submit.disabled = false
          pass.value = ''
          if (err instanceof SignInError && err.status === 429) errorKey = { key: 'auth.locked', params: { minutes: Number(/(\d+) min/.exec(err.message)?.[1] ?? 15) } }
          else if (err instanceof SignInError && err.status === 401) errorKey = { key: 'auth.failed' }
          else errorKey = { key: 'auth.unavailable', params: { message: err instanceof Error ? err.message : String(err) } }
          render()
          pass.focus()
        })
    })
  })
}
