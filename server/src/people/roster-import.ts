import { sql, type Kysely } from 'kysely'
import { clientErrorFromDb } from '../http/db-errors.ts'
import { ApiError } from '../http/errors.ts'
import { dbStep } from '../analysis/hex-db.ts'
import { intArray } from '../auth/layer-access.ts'
import { OFFICER_ROLES, personKey, type CellDuty, type PersonRole } from './person-key.ts'
import type { RosterLine } from './roster-parse.ts'
import type { ImportProblem, ImportReport, RejectedRow } from '../contract/people.ts'

/** A roster's role column: the API's names, or the words a Chinese roster uses. */
const ROLE_WORDS: Record<string, PersonRole> = {
  社区民警: 'community_officer', 包村民警: 'community_officer', '社区（包村）民警': 'community_officer',
  辅警: 'auxiliary', 专职辅警: 'auxiliary', 治保会主任: 'auxiliary',
  网格员: 'grid_worker', 巡逻民警: 'patrol_officer', 交警: 'traffic_officer', 交通民警: 'traffic_officer', 领导: 'leader',
  民兵: 'militia_contact', 民兵联络员: 'militia_contact', 民兵组织联系人: 'militia_contact', 信息员: 'militia_contact',
  志愿队负责人: 'volunteer_lead', 志愿者负责人: 'volunteer_lead', 志愿队队长: 'volunteer_lead',
}
for (const r of [...OFFICER_ROLES, 'militia_contact', 'volunteer_lead'] as const) ROLE_WORDS[r] = r

/** The grid cell column that names a person of this role (none: the role answers for no cell). */
const DUTY_OF: Partial<Record<PersonRole, CellDuty>> = {
  community_officer: 'community_officer', auxiliary: 'auxiliary', grid_worker: 'grid_worker', militia_contact: 'militia',
}
const COLUMN_OF: Record<CellDuty, string> = { community_officer: 'officer_id', auxiliary: 'auxiliary_id', grid_worker: 'grid_worker_id', militia: 'militia_org_id' }
const OFFICER_COLUMNS = ['officer_id', 'auxiliary_id', 'grid_worker_id'] as const

const PHONE = /^[0-9+\-() ]{3,30}$/
const BADGE = /^[A-Za-z0-9-]{1,30}$/
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/

interface Unit {
  id: number
  code: string
  name: string
}

/** A checked roster line, with its references resolved. */
type Planned =
  | { row: number; kind: 'officer'; role: PersonRole; name: string; badge: string; unitId: number; phone: string | null; cells: number[] | null }
  | { row: number; kind: 'militia'; orgId: number; name: string; unitId: number | null; phone: string | null; cells: number[] | null }
  | { row: number; kind: 'volunteer'; orgId: number; name: string; phone: string | null }

/** A rejected row: its reasons in English words (`reason`), and each as a code with its values (`problems`). */
type Rejected = RejectedRow

interface References {
  units: Unit[]
  cells: Map<string, number>
  militia: Map<string, number[]>
  volunteerOrgs: Map<string, number>
}

async function loadReferences(db: Kysely<any>): Promise<References> {
  return dbStep('reading the units, cells and organisations a roster names', async () => {
    const [units, cells, militia, orgs] = await Promise.all([
      sql<Unit>`SELECT id, code, name FROM police_units ORDER BY id`.execute(db),
      sql<{ id: number; code: string }>`SELECT id, code FROM grid_cells`.execute(db),
      sql<{ id: number; name: string }>`SELECT id, name FROM militia_orgs ORDER BY id`.execute(db),
      sql<{ id: number; name: string }>`SELECT id, name FROM volunteer_orgs`.execute(db),
    ])
    const militiaByName = new Map<string, number[]>()
    for (const m of militia.rows) militiaByName.set(m.name, [...(militiaByName.get(m.name) ?? []), m.id])
    return {
      units: units.rows,
      cells: new Map(cells.rows.map((c) => [c.code, c.id])),
      militia: militiaByName,
      volunteerOrgs: new Map(orgs.rows.map((o) => [o.name, o.id])),
    }
  })
}

/**
 * Why a line cannot be imported: a code and its values (the page says it in its own language)
 * and the same in English words (`message`, as the feature imports' reasons are).
 */
type Problem = ImportProblem

const problem = (code: string, message: string, params?: Problem['params']): Problem => ({ code, message, ...(params ? { params } : {}) })
const cut = (s: string, n = 50) => (s.length > n ? `${s.slice(0, n)}…` : s)

/** A unit by code, by full name, or by the end of its name (向阳分局 → 辽源市公安局向阳分局) when that is unique. */
function findUnit(units: readonly Unit[], given: string): Unit | Problem {
  const exact = units.find((u) => u.code === given) ?? units.find((u) => u.name === given)
  if (exact) return exact
  const ending = given.length >= 2 ? units.filter((u) => u.name.endsWith(given)) : []
  if (ending.length === 1) return ending[0]!
  if (ending.length > 1) {
    const candidates = `${ending.slice(0, 3).map((u) => u.name).join(', ')}${ending.length > 3 ? ', …' : ''}`
    return problem('unit_ambiguous', `unit "${cut(given)}" could be ${candidates}; give its code`, { value: cut(given), candidates })
  }
  return problem('unit_unknown', `no police unit has the code or name "${cut(given)}"`, { value: cut(given) })
}

const isUnit = (u: Unit | Problem | null): u is Unit => u !== null && 'id' in u

/** One line checked: its plan, or every reason it cannot be imported. */
function planLine(line: RosterLine, refs: References): Planned | Problem[] {
  if (line.error) return [problem('unreadable_row', line.error, { message: line.error })]
  const v = line.values
  const problems: Problem[] = []
  for (const [column, value] of Object.entries(v)) if (value && CONTROL.test(value)) problems.push(problem('control_character', `${column} contains a control character`, { column }))
  const role = v.role ? ROLE_WORDS[v.role] : undefined
  if (!v.role) problems.push(problem('role_missing', 'role is missing'))
  else if (!role) problems.push(problem('role_unknown', `role "${cut(v.role, 30)}" is not one of ${Object.keys(ROLE_WORDS).filter((w) => /^[a-z_]+$/.test(w)).join(', ')}`, { value: cut(v.role, 30) }))
  const name = v.name ?? ''
  if (!name) problems.push(problem('name_missing', 'name is missing'))
  else if ([...name].length > 50) problems.push(problem('name_too_long', 'name is longer than 50 characters'))
  const phone = v.phone ?? null
  if (phone !== null && !PHONE.test(phone)) problems.push(problem('phone_invalid', `phone "${cut(phone, 30)}" is not a phone number`, { value: cut(phone, 30) }))
  if (!role) return problems

  let cells: number[] | null = null
  if (v.cells) {
    if (!DUTY_OF[role]) problems.push(problem('cells_not_allowed', `a ${role} answers for no grid cell; leave cells empty`, { role }))
    const codes = v.cells.split(/[\s,;，；、]+/).filter(Boolean)
    if (codes.length > 500) problems.push(problem('too_many_cells', 'at most 500 cells per person'))
    const unknown = codes.filter((c) => !refs.cells.has(c))
    if (unknown.length) {
      const list = `${unknown.slice(0, 5).map((c) => cut(c, 30)).join(', ')}${unknown.length > 5 ? ', …' : ''}`
      problems.push(problem('cells_unknown', `no grid cell has the code${unknown.length > 1 ? 's' : ''} ${list}`, { codes: list }))
    }
    cells = [...new Set(codes.flatMap((c) => refs.cells.get(c) ?? []))]
  }
  const unit = v.unit ? findUnit(refs.units, v.unit) : null
  if (unit && !isUnit(unit)) problems.push(unit)

  if ((OFFICER_ROLES as readonly string[]).includes(role)) {
    if (!v.badge) problems.push(problem('badge_missing', 'badge is missing (an officer is matched by badge)'))
    else if (!BADGE.test(v.badge)) problems.push(problem('badge_invalid', `badge "${cut(v.badge, 30)}" is not 1–30 letters, digits or -`, { value: cut(v.badge, 30) }))
    if (!v.unit) problems.push(problem('unit_missing', 'unit is missing'))
    if (v.org) problems.push(problem('org_not_allowed', `a ${role} has no organisation; leave org empty`, { role }))
    if (problems.length || !isUnit(unit)) return problems
    return { row: line.row, kind: 'officer', role, name, badge: v.badge!, unitId: unit.id, phone, cells }
  }
  if (v.badge) problems.push(problem('badge_not_allowed', `a ${role} has no badge; leave badge empty`, { role }))
  if (!v.org) problems.push(problem('org_missing', `org is missing (the ${role === 'militia_contact' ? 'militia' : 'volunteer'} organisation, by name)`, { role }))
  if (role === 'militia_contact') {
    const ids = v.org ? (refs.militia.get(v.org) ?? []) : []
    if (v.org && ids.length === 0) problems.push(problem('militia_unknown', `no militia organisation is named "${cut(v.org)}"`, { value: cut(v.org) }))
    if (ids.length > 1) problems.push(problem('militia_ambiguous', `${ids.length} militia organisations are named "${cut(v.org!)}"`, { value: cut(v.org!), n: ids.length }))
    if (problems.length) return problems
    return { row: line.row, kind: 'militia', orgId: ids[0]!, name, unitId: isUnit(unit) ? unit.id : null, phone, cells }
  }
  if (v.unit) problems.push(problem('unit_not_allowed', 'a volunteer lead belongs to their organisation\u2019s unit; leave unit empty'))
  const orgId = v.org ? refs.volunteerOrgs.get(v.org) : undefined
  if (v.org && orgId === undefined) problems.push(problem('volunteer_org_unknown', `no volunteer organisation is named "${cut(v.org)}"`, { value: cut(v.org) }))
  if (problems.length) return problems
  return { row: line.row, kind: 'volunteer', orgId: orgId!, name, phone }
}

/** Lines that contradict each other: one badge or organisation twice, one cell given to two people for one duty. */
function crossCheck(plans: readonly Planned[], refs: References): Array<{ row: number; problem: Problem }> {
  const codeOf = new Map([...refs.cells].map(([code, id]) => [id, code]))
  const out: Array<{ row: number; problem: Problem }> = []
  const seen = new Map<string, number>()
  const claim = (key: string, row: number, make: (first: number) => Problem) => {
    const first = seen.get(key)
    if (first === undefined) seen.set(key, row)
    else out.push({ row, problem: make(first) })
  }
  for (const p of plans) {
    if (p.kind === 'officer') claim(`badge:${p.badge}`, p.row, (first) => problem('badge_twice', `badge ${p.badge} is also on row ${first}`, { badge: p.badge, row: first }))
    else if (p.kind === 'militia') claim(`militia:${p.orgId}`, p.row, (first) => problem('militia_twice', `this militia organisation is also on row ${first}`, { row: first }))
    else claim(`volunteer:${p.orgId}`, p.row, (first) => problem('lead_twice', `this volunteer organisation\u2019s lead is also on row ${first}`, { row: first }))
    if (p.kind !== 'volunteer' && p.cells) {
      const duty = p.kind === 'militia' ? 'militia' : DUTY_OF[p.role]!
      for (const c of p.cells) {
        const code = codeOf.get(c)!
        claim(`cell:${duty}:${c}`, p.row, (first) => problem('cell_twice', `grid cell ${code} as ${duty} is also on row ${first}`, { code, duty, row: first }))
      }
    }
  }
  return out
}

export function rejectedError(rejected: Rejected[], total: number): ApiError {
  return new ApiError(422, 'import_rejected', `${rejected.length} of ${total} rows rejected; nothing was imported`, { rejected: rejected.sort((a, b) => a.row - b.row) })
}

/** Puts `cells` (ids) under the person in `column`, and takes every other cell of theirs in that column from them. */
async function assignCells(trx: Kysely<any>, column: string, personId: number, cells: readonly number[]): Promise<void> {
  const col = sql.ref(column)
  await sql`UPDATE grid_cells SET ${col} = NULL, version = version + 1, updated_at = now() WHERE ${col} = ${personId} AND NOT (id = ANY(${intArray(cells)}))`.execute(trx)
  await sql`UPDATE grid_cells SET ${col} = ${personId}, version = version + 1, updated_at = now() WHERE id = ANY(${intArray(cells)}) AND ${col} IS DISTINCT FROM ${personId}`.execute(trx)
}

async function audit(trx: Kysely<any>, actor: string, key: string, before: unknown, after: unknown): Promise<void> {
  await sql`INSERT INTO audit_log (actor, action, layer, feature_id, before, after)
    VALUES (${actor}, 'import', 'people', ${key}, ${before === undefined ? null : JSON.stringify(before)}::jsonb, ${JSON.stringify(after)}::jsonb)`.execute(trx)
}

/** Writes one checked line; says whether it made a new person. */
async function writeLine(trx: Kysely<any>, p: Planned, actor: string): Promise<{ key: string; created: boolean }> {
  if (p.kind === 'officer') {
    const before = (await sql<{ id: number }>`SELECT id, badge, name, role, unit_id, phone FROM officers WHERE badge = ${p.badge} FOR UPDATE`.execute(trx)).rows[0]
    const id = before
      ? (await sql<{ id: number }>`UPDATE officers SET name = ${p.name}, role = ${p.role}, unit_id = ${p.unitId}, phone = coalesce(${p.phone}, phone), updated_at = now()
          WHERE id = ${before.id} RETURNING id`.execute(trx)).rows[0]!.id
      : (await sql<{ id: number }>`INSERT INTO officers (badge, name, role, unit_id, phone) VALUES (${p.badge}, ${p.name}, ${p.role}, ${p.unitId}, ${p.phone}) RETURNING id`.execute(trx)).rows[0]!.id
    if (p.cells) {
      const duty = COLUMN_OF[DUTY_OF[p.role]!]
      // A person answers for cells in the column of their role only.
      for (const other of OFFICER_COLUMNS.filter((c) => c !== duty)) await assignCells(trx, other, id, [])
      await assignCells(trx, duty, id, p.cells)
    }
    await audit(trx, actor, personKey('officer', id), before, { badge: p.badge, name: p.name, role: p.role, unit_id: p.unitId, phone: p.phone, cells: p.cells })
    return { key: personKey('officer', id), created: !before }
  }
  if (p.kind === 'militia') {
    const before = (await sql`SELECT id, name, contact_name, contact_phone, liaison_unit_id FROM militia_orgs WHERE id = ${p.orgId} FOR UPDATE`.execute(trx)).rows[0]
    await sql`UPDATE militia_orgs SET contact_name = ${p.name}, contact_phone = coalesce(${p.phone}, contact_phone), liaison_unit_id = coalesce(${p.unitId}, liaison_unit_id)
      WHERE id = ${p.orgId}`.execute(trx)
    if (p.cells) await assignCells(trx, 'militia_org_id', p.orgId, p.cells)
    await audit(trx, actor, personKey('militia', p.orgId), before, { contact_name: p.name, contact_phone: p.phone, liaison_unit_id: p.unitId, cells: p.cells })
    return { key: personKey('militia', p.orgId), created: false }
  }
  // A volunteer lead: a member of the organisation by that name (the one with that phone, if several), else a new member.
  const member = (await sql<{ id: number; name: string; phone: string | null; lead: boolean }>`
    SELECT id, name, phone, lead FROM volunteers WHERE org_id = ${p.orgId} AND name = ${p.name}
    ORDER BY (phone IS NOT DISTINCT FROM ${p.phone}) DESC, id LIMIT 1 FOR UPDATE`.execute(trx)).rows[0]
  const id = member
    ? (await sql<{ id: number }>`UPDATE volunteers SET phone = coalesce(${p.phone}, phone) WHERE id = ${member.id} RETURNING id`.execute(trx)).rows[0]!.id
    : (await sql<{ id: number }>`INSERT INTO volunteers (org_id, name, phone, joined_on) VALUES (${p.orgId}, ${p.name}, ${p.phone}, (now() AT TIME ZONE 'Asia/Shanghai')::date) RETURNING id`.execute(trx)).rows[0]!.id
  await sql`UPDATE volunteers SET lead = false WHERE org_id = ${p.orgId} AND lead AND id <> ${id}`.execute(trx)
  await sql`UPDATE volunteers SET lead = true WHERE id = ${id} AND NOT lead`.execute(trx)
  await audit(trx, actor, personKey('volunteer', id), member, { org_id: p.orgId, name: p.name, phone: p.phone, lead: true })
  return { key: personKey('volunteer', id), created: !member }
}

export type { ImportReport } from '../contract/people.ts'

/**
 * A roster, all of it or nothing: every line is checked first (its role, name, badge, phone, and
 * that its unit, organisation and cells exist), then the lines against each other; any problem
 * and the answer is 422 listing every rejected row with its reasons, nothing written. Then the
 * lines are written in one transaction, each under a savepoint so that a refusal by the database
 * names its row; any such refusal rolls everything back. An empty cell leaves the stored value
 * as it is; cells, when given, are the person's cells for their role (others are taken away).
 */
export async function importRoster(db: Kysely<any>, lines: readonly RosterLine[], actor: string): Promise<ImportReport> {
  const refs = await loadReferences(db)
  const byRow = new Map<number, Problem[]>()
  const reject = (row: number, problems: Problem[]) => byRow.set(row, [...(byRow.get(row) ?? []), ...problems])
  const rejected = () => [...byRow].map(([row, problems]): Rejected => ({ row, reason: problems.map((p) => p.message).join('; '), problems }))
  const plans: Planned[] = []
  for (const line of lines) {
    const plan = planLine(line, refs)
    if (Array.isArray(plan)) reject(line.row, plan)
    else plans.push(plan)
  }
  for (const c of crossCheck(plans, refs)) reject(c.row, [c.problem])
  if (byRow.size) throw rejectedError(rejected(), lines.length)

  const trx = await db.startTransaction().execute()
  const written: Array<{ key: string; created: boolean }> = []
  try {
    for (const p of plans) {
      const sp = await trx.savepoint('roster_row').execute()
      try {
        written.push(await writeLine(sp, p, actor))
        await sp.releaseSavepoint('roster_row').execute()
      } catch (err) {
        const client = clientErrorFromDb(err, `row ${p.row}`)
        if (!(client instanceof ApiError)) throw err
        await sp.rollbackToSavepoint('roster_row').execute()
        reject(p.row, [problem('refused', client.message, { message: client.message })])
      }
    }
    if (byRow.size) throw rejectedError(rejected(), lines.length)
    await trx.commit().execute()
  } catch (err) {
    await trx.rollback().execute()
    throw err
  }
  const created = written.filter((w) => w.created).length
  return { imported: written.length, created, updated: written.length - created, people: written.map((w) => w.key) }
}
