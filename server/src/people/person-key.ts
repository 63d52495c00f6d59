import { parseId } from '../http/ints.ts'

/**
 * The kinds of people in the directory (migration 0022's `people` view), each keyed by the row id
 * of its own table: `officer:125` (officers: community officers, auxiliaries, grid workers, …),
 * `militia:214` (a militia organisation's contact), `volunteer:9` (a volunteer organisation's lead).
 */
export const PERSON_KINDS = ['officer', 'militia', 'volunteer'] as const
export type PersonKind = (typeof PERSON_KINDS)[number]

/** Roles of the officers table, then the roles of the other kinds. */
export const OFFICER_ROLES = ['community_officer', 'auxiliary', 'grid_worker', 'patrol_officer', 'traffic_officer', 'leader'] as const
export const PERSON_ROLES = [...OFFICER_ROLES, 'militia_contact', 'volunteer_lead'] as const
export type PersonRole = (typeof PERSON_ROLES)[number]

/** What a person is to a grid cell (the cell's column naming them). */
export const CELL_DUTIES = ['community_officer', 'auxiliary', 'grid_worker', 'militia'] as const
export type CellDuty = (typeof CELL_DUTIES)[number]

export interface PersonKey {
  kind: PersonKind
  id: number
}

export const personKey = (kind: PersonKind, id: number): string => `${kind}:${id}`

/** `officer:125` → {kind, id}; null for anything else (the caller answers 404, never SQL). */
export function parsePersonKey(raw: unknown): PersonKey | null {
  if (typeof raw !== 'string') return null
  const m = /^(officer|militia|volunteer):(\d{1,10})$/.exec(raw)
  if (!m) return null
  const id = parseId(m[2])
  return id === null ? null : { kind: m[1] as PersonKind, id }
}
