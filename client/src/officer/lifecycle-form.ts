import { ApiError } from '../api/client.ts'
import { el } from '../analysis/dom.ts'
import { formatDateTime, t, valueLabel } from '../i18n.ts'
import { officerApi } from './officer-api.ts'

export interface LifecycleTarget {
  layer: 'hazards' | 'disputes'
  id: number
  code: string
  version: number
}

/**
 * Moves a hazard or dispute one step along its lifecycle with a note (the server's
 * `POST /api/layers/{layer}/features/{id}/transitions`): the allowed next statuses as big
 * buttons, the note required, a stale version said plainly. Needs the network (not queued:
 * a status change made offline could contradict one made meanwhile).
 */
export function renderLifecycleForm(target: LifecycleTarget, onDone: (message: string) => void, onCancel: () => void): HTMLElement {
  const box = el('form', 'og-form og-lifecycle')
  box.noValidate = true
  box.append(el('h3', 'og-form-title', t('officer.move.title', { code: target.code })))
  const body = el('div', 'og-lifecycle-body', t('officer.loading'))
  box.append(body)
  const cancel = el('button', 'og-btn og-btn-secondary', t('officer.form.cancel'))
  cancel.type = 'button'
  cancel.addEventListener('click', onCancel)

  officerApi
    .transitions(target.layer, target.id)
    .then((info) => {
      body.replaceChildren()
      body.append(el('p', 'og-current', t('officer.move.current', { status: valueLabel(target.layer, 'status', info.status) })))
      if (info.history.length) {
        const list = el('ul', 'og-history')
        for (const h of info.history) list.append(el('li', undefined, `${formatDateTime(h.at)} ${valueLabel(target.layer, 'status', h.from)} → ${valueLabel(target.layer, 'status', h.to)}${h.reason ? `：${h.reason}` : ''}`))
        body.append(el('span', 'og-label', t('officer.move.history')), list)
      }
      if (info.allowed.length === 0) {
        body.append(el('p', 'og-hint', t('officer.move.none')))
        box.append(cancel)
        return
      }
      const choices = el('div', 'og-choices')
      choices.setAttribute('role', 'radiogroup')
      choices.setAttribute('aria-label', t('officer.move.to'))
      let chosen: string | null = null
      for (const s of info.allowed) {
        const b = el('button', 'og-btn og-choice', valueLabel(target.layer, 'status', s))
        b.type = 'button'
        b.dataset.status = s
        b.setAttribute('role', 'radio')
        b.setAttribute('aria-checked', 'false')
        b.addEventListener('click', () => {
          chosen = s
          for (const c of choices.querySelectorAll('button')) c.setAttribute('aria-checked', String(c === b))
          choiceError.textContent = ''
        })
        choices.append(b)
      }
      const choiceError = el('span', 'og-error')
      const noteBox = el('label', 'og-field')
      const note = el('textarea', 'og-input og-textarea')
      note.name = 'reason'
      note.rows = 3
      const noteError = el('span', 'og-error')
      noteBox.append(el('span', 'og-label', t('officer.move.note')), note, noteError)
      note.addEventListener('input', () => (noteError.textContent = ''))
      const status = el('p', 'og-error')
      const buttons = el('div', 'og-form-buttons')
      const submit = el('button', 'og-btn og-btn-primary', t('officer.form.submit'))
      submit.type = 'submit'
      buttons.append(cancel, submit)
      body.append(el('span', 'og-label', t('officer.move.to')), choices, choiceError, noteBox, status)
      box.append(buttons)
      box.addEventListener('submit', (e) => {
        e.preventDefault()
        const reason = note.value.trim()
        choiceError.textContent = chosen ? '' : t('officer.error.required', { field: t('officer.move.to') })
        noteError.textContent = reason ? '' : t('officer.error.required', { field: t('officer.move.note') })
        note.setAttribute('aria-invalid', String(!reason))
        if (!chosen || !reason) return
        if (!navigator.onLine) {
          status.textContent = t('officer.move.needsNetwork')
          return
        }
        submit.disabled = true
        const to = chosen
        officerApi
          .transition(target.layer, target.id, { to, version: target.version, reason })
          .then(() => onDone(t('officer.move.done', { status: valueLabel(target.layer, 'status', to) })))
          .catch((err: unknown) => {
            submit.disabled = false
            status.textContent =
              err instanceof ApiError && err.status === 409 && /version/.test(err.message) ? t('officer.move.stale') : err instanceof TypeError ? t('officer.move.needsNetwork') : String((err as Error).message)
          })
      })
    })
    .catch((err: unknown) => {
      body.textContent = err instanceof TypeError ? t('officer.move.needsNetwork') : t('officer.failed', { message: (err as Error).message })
      box.append(cancel)
    })
  return box
}
