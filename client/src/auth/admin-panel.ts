import { getJson } from '../api/client.ts'
import { onLangChange, t, type MessageKey } from '../i18n.ts'
import { setupPanel } from '../views/panels.ts'
import { personRef } from '../people/person-ref.ts'
import { rosterSection } from '../people/roster-panel.ts'
import { csrfHeaders, type Role } from './session.ts'
import type { NamedUser, UserPatchRequest, UsersAnswer } from '../../../server/src/contract/admin.ts'

/** An account as the admin API lists it: the API contract's (server/src/contract/admin.ts), as a type only. */
type UserRow = NamedUser

const ROLES: Role[] = ['admin', 'command', 'planner', 'officer', 'volunteer']

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v)
  if (text !== undefined) e.textContent = text
  return e
}

async function send(method: string, url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', accept: 'application/json', ...csrfHeaders() }, body: JSON.stringify(body) })
  const out = await res.json().catch(() => null)
  if (!res.ok) throw new Error(out?.error?.message ?? `${res.status}`)
  return out
}

/** A password an administrator hands over once: 14 characters without look-alikes. */
function newPassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'
  const bytes = crypto.getRandomValues(new Uint8Array(14))
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('')
}

/** Grid codes as typed: separated by commas, semicolons, 、 or spaces. */
const codeList = (s: string) => s.split(/[,，;；、\s]+/).filter(Boolean)

/**
 * Accounts, for administrators only: the list, a new account, and per account its role, grid
 * cells, a password reset (shown once) and disable/enable. Every change goes through the admin
 * API, which audits it.
 */
export function mountAdminPanel(actions: HTMLElement): void {
  const button = el('button', { type: 'button', class: 'tb-btn', id: 'toggle-admin' })
  actions.insertBefore(button, actions.querySelector('#lang-toggle'))
  const panel = el('aside', { id: 'admin-panel', class: 'panel panel-admin' })
  document.body.append(panel)
  setupPanel(panel, button, 'admin.title', false)
  const body = el('div', { class: 'panel-body' })
  panel.append(body)
  const status = el('p', { class: 'admin-status', role: 'status' })

  const form = el('form', { class: 'admin-new' })
  const fields = {
    username: el('input', { name: 'username', required: '', autocomplete: 'off', maxlength: '40' }),
    displayName: el('input', { name: 'displayName', maxlength: '80' }),
    role: el('select', { name: 'role' }),
    grids: el('input', { name: 'grids', autocomplete: 'off' }),
  }
  const add = el('button', { type: 'submit', class: 'tb-btn' })
  const labels: Record<string, HTMLLabelElement> = {}
  for (const [name, input] of Object.entries(fields)) {
    const label = el('label')
    labels[name] = label
    label.append(el('span'), input)
    form.append(label)
  }
  form.append(add)
  const table = el('table', { class: 'admin-users' })
  body.append(form, status, table, rosterSection())

  let users: UserRow[] = []
  let message: { key: MessageKey; params?: Record<string, string | number>; error?: boolean } | null = null
  const say = (key: MessageKey, params?: Record<string, string | number>, error = false) => {
    message = { key, ...(params ? { params } : {}), error }
    renderWords()
  }

  const renderWords = () => {
    button.textContent = t('admin.title')
    ;(labels.username!.firstChild as HTMLElement).textContent = t('auth.username')
    ;(labels.displayName!.firstChild as HTMLElement).textContent = t('admin.displayName')
    ;(labels.role!.firstChild as HTMLElement).textContent = t('admin.role')
    ;(labels.grids!.firstChild as HTMLElement).textContent = t('admin.grids')
    fields.grids.placeholder = t('people.admin.cellsHint')
    fields.role.replaceChildren(...ROLES.map((r) => el('option', { value: r }, t(`auth.role.${r}` as MessageKey))))
    add.textContent = t('admin.create')
    status.textContent = message ? t(message.key, message.params) : ''
    status.classList.toggle('error', !!message?.error)
    renderTable()
  }

  const renderTable = () => {
    const head = el('tr')
    for (const k of ['auth.username', 'admin.role', 'admin.grids', 'admin.actions'] as MessageKey[]) head.append(el('th', {}, t(k)))
    const rows = users.map((u) => {
      const tr = el('tr', { 'data-user': u.username })
      if (u.disabled) tr.classList.add('disabled')
      const name = el('td')
      name.append(el('strong', {}, u.username), el('br'), el('span', { class: 'muted' }, u.display_name))
      if (u.officer) name.append(el('br'), el('span', { class: 'muted' }, `${t('people.admin.officer')}：`), personRef(u.officer.id, u.officer.name))
      const role = el('td', {}, t(`auth.role.${u.role}` as MessageKey))
      const cells = el('td')
      if (u.role === 'officer') {
        const names = el('div', { class: 'admin-cells', 'data-cells': u.username })
        for (const g of u.grids) names.append(el('span', { class: 'admin-cell', title: g.code }, g.name))
        if (u.grids.length === 0) names.append(el('span', { class: 'muted' }, t('people.admin.noCells')))
        const input = el('input', { value: u.grids.map((g) => g.code).join(', '), 'data-grids': u.username, 'aria-label': t('admin.grids'), placeholder: t('people.admin.cellsHint') })
        cells.append(names)
        input.addEventListener('change', () => {
          void send('PATCH', `/api/admin/users/${u.id}`, { gridCodes: codeList(input.value) } satisfies UserPatchRequest)
            .then(() => say('admin.saved', { username: u.username }))
            .then(load)
            .catch((e: Error) => say('admin.failed', { message: e.message }, true))
        })
        cells.append(input)
      } else cells.textContent = '—'
      const acts = el('td', { class: 'admin-acts' })
      const reset = el('button', { type: 'button', class: 'tb-btn', 'data-reset': u.username }, t('admin.reset'))
      reset.addEventListener('click', () => {
        const password = newPassword()
        void send('PATCH', `/api/admin/users/${u.id}`, { password } satisfies UserPatchRequest)
          .then(() => say('admin.newPassword', { username: u.username, password }))
          .catch((e: Error) => say('admin.failed', { message: e.message }, true))
      })
      const toggle = el('button', { type: 'button', class: 'tb-btn', 'data-toggle': u.username }, t(u.disabled ? 'admin.enable' : 'admin.disable'))
      toggle.addEventListener('click', () => {
        void send('PATCH', `/api/admin/users/${u.id}`, { disabled: !u.disabled } satisfies UserPatchRequest)
          .then(() => say(u.disabled ? 'admin.enabled' : 'admin.disabled', { username: u.username }))
          .then(load)
          .catch((e: Error) => say('admin.failed', { message: e.message }, true))
      })
      acts.append(reset, toggle)
      tr.append(name, role, cells, acts)
      return tr
    })
    table.replaceChildren(el('thead'), el('tbody'))
    table.tHead!.append(head)
    table.tBodies[0]!.append(...rows)
  }

  const load = async () => {
    users = (await getJson<UsersAnswer>('/api/admin/users')).users
    renderTable()
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const password = newPassword()
    const grids = codeList(fields.grids.value)
    const input = {
      username: fields.username.value.trim(),
      role: fields.role.value,
      password,
      ...(fields.displayName.value.trim() ? { displayName: fields.displayName.value.trim() } : {}),
      ...(grids.length ? { gridCodes: grids } : {}),
    }
    void send('POST', '/api/admin/users', input)
      .then(() => {
        say('admin.newPassword', { username: input.username, password })
        form.reset()
      })
      .then(load)
      .catch((e: Error) => say('admin.failed', { message: e.message }, true))
  })

  onLangChange(renderWords)
  renderWords()
  button.addEventListener('click', () => void load().catch((e: Error) => say('admin.failed', { message: e.message }, true)))
}
