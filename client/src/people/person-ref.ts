import { t } from '../i18n.ts'
import { openPerson } from './open-events.ts'
import { personByKey } from './people-api.ts'

/** Properties that name a person of the directory by their row id, and the kind of that row. */
const PERSON_PROPS: Record<string, 'officer' | 'militia'> = {
  officer_id: 'officer',
  auxiliary_id: 'officer',
  grid_worker_id: 'officer',
  militia_org_id: 'militia',
}

/** The directory key a property value names (`officer_id` 125 → `officer:125`), or null. */
export function personKeyOf(prop: string, value: unknown): string | null {
  const kind = PERSON_PROPS[prop]
  return kind && (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) ? `${kind}:${value}` : null
}

/**
 * A person's name that opens their card: the name when the caller has it, else "…" until the
 * directory answers, then the name (a militia contact with their organisation); someone the
 * account may not see is said to be outside its area, never shown as a number.
 */
export function personRef(key: string, knownName?: string): HTMLElement {
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'person-ref'
  button.dataset.person = key
  button.textContent = knownName ?? t('people.ref.loading')
  button.addEventListener('click', (e) => {
    e.stopPropagation()
    openPerson(key)
  })
  if (knownName !== undefined) {
    button.setAttribute('aria-label', t('people.ref.open', { name: knownName }))
    return button
  }
  void personByKey(key).then((p) => {
    if (!p) {
      const hidden = document.createElement('span')
      hidden.className = 'person-hidden'
      hidden.dataset.person = key
      hidden.textContent = t('people.ref.hidden')
      button.replaceWith(hidden)
      return
    }
    button.textContent = p.kind === 'militia' && p.org ? `${p.org} · ${p.name}` : p.name
    button.setAttribute('aria-label', t('people.ref.open', { name: p.name }))
  })
  return button
}
