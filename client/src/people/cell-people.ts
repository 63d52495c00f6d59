import { t } from '../i18n.ts'
import type { CellDuty, PersonRole } from './people-api.ts'
import { dutyLabel, roleLabel } from './person-card.ts'
import { personRef } from './person-ref.ts'

/** One person of an officer's cells (`people` of `GET /api/officer/my-grid`). */
export interface CellPerson {
  id: string
  name: string
  role: PersonRole
  phone: string | null
  cells: Array<{ id: number; code: string; name: string; duty: CellDuty }>
}

/**
 * The people who answer for an officer's cells beside them (一村（格）一警一连): each by name
 * (tap: their card), their role and cells, and a call button.
 */
export function cellPeopleSection(people: readonly CellPerson[]): HTMLElement {
  const box = document.createElement('section')
  box.className = 'og-people'
  const h = document.createElement('h3')
  h.textContent = t('people.mygrid.title')
  box.append(h)
  if (people.length === 0) {
    const p = document.createElement('p')
    p.className = 'og-empty'
    p.textContent = t('people.mygrid.empty')
    box.append(p)
    return box
  }
  const ul = document.createElement('ul')
  for (const p of people) {
    const li = document.createElement('li')
    li.dataset.person = p.id
    const who = document.createElement('div')
    who.className = 'og-person'
    const name = personRef(p.id, p.name)
    const role = document.createElement('span')
    role.className = 'person-ref-role'
    role.textContent = roleLabel(p.role)
    const line = document.createElement('span')
    line.append(name, role)
    const cells = document.createElement('span')
    cells.className = 'og-person-cells'
    cells.textContent = p.cells.map((c) => t('people.mygrid.cell', { name: c.name, duty: dutyLabel(c.duty) })).join(t('people.mygrid.sep'))
    cells.title = cells.textContent
    who.append(line, cells)
    li.append(who)
    if (p.phone) {
      const call = document.createElement('a')
      call.className = 'og-btn og-act'
      call.href = `tel:${p.phone.replace(/[^0-9+]/g, '')}`
      call.title = p.phone
      call.textContent = t('people.card.call')
      li.append(call)
    }
    ul.append(li)
  }
  box.append(ul)
  return box
}
