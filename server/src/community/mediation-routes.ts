import type { Router, Request } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql, type Kysely } from 'kysely'
import { findLayer } from '../../../data/catalog/layers.ts'
import { requirePrincipal } from '../auth/policy.ts'
import type { DbHandle } from '../db/create-db.ts'
import { updateFeature, type WriteAccess } from '../features/write-features.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { actorOf } from '../http/actor.ts'
import { ApiError, handle } from '../http/errors.ts'
import { parseCommunityBody, pathId } from './input.ts'
import { auditRecord, cellScope, cellWriteScope } from './scope.ts'
import { closeCaseBody, mediationCasesQuery, mediationParticipant, openCaseBody, type MediationCase, type MediationCasesAnswer, type MediationParticipant } from '../contract/community.ts'

/** The agencies that sit on a case and a case's outcomes (the contract's). */
export { AGENCIES, OUTCOMES } from '../contract/community.ts'
/** The joint mechanism (公安+法院+司法+信访): the police and at least one of court, justice bureau, petition office. */
export const JOINT_AGENCIES = ['court', 'justice', 'petition'] as const

const disputes = findLayer('disputes')!

/** Whether the participants make a joint case: `police present AND any of court/justice/petition`. */
const jointSql = sql<boolean>`(EXISTS (SELECT 1 FROM mediation_participants p WHERE p.case_id = c.id AND p.agency = 'police')
  AND EXISTS (SELECT 1 FROM mediation_participants p WHERE p.case_id = c.id AND p.agency IN ('court', 'justice', 'petition')))`

async function readCase(db: Kysely<any>, id: number): Promise<MediationCase> {
  const r = await sql<MediationCase>`
    SELECT c.id, c.dispute_id, d.code AS dispute_code, d.status AS dispute_status, d.category, d.grid_id, c.room_id, m.name AS room_name,
           c.opened_at, c.closed_at, c.outcome, c.sessions, c.note, c.opened_by, c.closed_by,
           round((extract(epoch FROM c.closed_at - c.opened_at) / 3600)::numeric, 1)::float8 AS duration_hours, ${jointSql} AS joint,
           (SELECT coalesce(json_agg(json_build_object('agency', p.agency, 'name', p.name, 'role', p.role) ORDER BY p.id), '[]'::json)
              FROM mediation_participants p WHERE p.case_id = c.id) AS participants
    FROM mediation_cases c JOIN disputes d ON d.id = c.dispute_id JOIN mediation_rooms m ON m.id = c.room_id WHERE c.id = ${id}`.execute(db)
  return r.rows[0]!
}

/** An officer's writes to a dispute stay inside their cells, as on the layer API. */
function disputeAccess(req: Request): WriteAccess {
  const p = requirePrincipal(req)
  return { createdBy: p.userId, ...(p.role === 'officer' ? { scope: cellWriteScope(req, 't.grid_id') } : {}) }
}

/**
 * Mediation (矛盾纠纷调解): a case hears a dispute in a room. Opening one moves the dispute to
 * `mediating` in that room, closing it moves the dispute on (agreement → resolved, otherwise
 * escalated): the dispute lifecycle's own transitions, versioned and audited.
 */
export function mediationRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')

  router.get(
    '/mediation-cases',
    handle(async (req, res) => {
      const q = mediationCasesQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const f = q.data
      const where = sql`${cellScope(req, 'd.grid_id')}
        AND (${f.status ?? null}::text IS NULL OR (c.closed_at IS NULL) = (${f.status ?? null}::text = 'open'))
        AND (${f.room ?? null}::int IS NULL OR c.room_id = ${f.room ?? null}::int)
        AND (${f.dispute ?? null}::int IS NULL OR c.dispute_id = ${f.dispute ?? null}::int)
        AND (${f.station ?? null}::int IS NULL OR d.station_id = ${f.station ?? null}::int)
        AND (${f.from ?? null}::timestamptz IS NULL OR c.opened_at >= ${f.from ?? null}::timestamptz)
        AND (${f.to ?? null}::timestamptz IS NULL OR c.opened_at < ${f.to ?? null}::timestamptz)`
      const [summary, ids] = await Promise.all([
        sql<MediationCasesAnswer['summary']>`
          SELECT count(*)::int AS cases, count(*) FILTER (WHERE c.closed_at IS NULL)::int AS open,
                 count(*) FILTER (WHERE c.outcome = 'agreement')::int AS agreement, count(*) FILTER (WHERE c.outcome = 'no_agreement')::int AS no_agreement,
                 count(*) FILTER (WHERE c.outcome = 'referred')::int AS referred, count(*) FILTER (WHERE ${jointSql})::int AS joint,
                 round((avg(extract(epoch FROM c.closed_at - c.opened_at)) / 86400)::numeric, 1)::float8 AS avg_days_closed
          FROM mediation_cases c JOIN disputes d ON d.id = c.dispute_id WHERE ${where}`.execute(db),
        sql<{ id: number }>`SELECT c.id FROM mediation_cases c JOIN disputes d ON d.id = c.dispute_id
          WHERE ${where} AND c.id > ${f.after} ORDER BY c.id LIMIT ${f.limit + 1}`.execute(db),
      ])
      const page = ids.rows.slice(0, f.limit)
      const cases = []
      for (const { id } of page) cases.push(await readCase(db, id))
      res.json({ summary: summary.rows[0]!, cases, next: ids.rows.length > f.limit ? page[page.length - 1]!.id : null } satisfies MediationCasesAnswer)
    }),
  )

  router.post(
    '/mediation-cases',
    handle(async (req, res) => {
      const scope = cellWriteScope(req, 'd.grid_id')
      const body = parseCommunityBody(openCaseBody, req.body)
      const actor = actorOf(req)
      const out = await db.transaction().execute(async (trx) => {
        const d = (await sql<{ id: number; status: string; version: number; mediation_room_id: number | null }>`
          SELECT d.id, d.status, d.version, d.mediation_room_id FROM disputes d WHERE d.id = ${body.disputeId} AND ${scope} FOR UPDATE OF d`.execute(trx)).rows[0]
        if (!d) throw new ApiError(404, 'unknown_dispute', `no dispute ${body.disputeId}`)
        if (d.status === 'resolved') throw new ApiError(409, 'dispute_resolved', `dispute ${d.id} is resolved; nothing to mediate`)
        const open = await sql`SELECT id FROM mediation_cases WHERE dispute_id = ${d.id} AND closed_at IS NULL`.execute(trx)
        if (open.rows.length) throw new ApiError(409, 'case_open', `dispute ${d.id} already has an open mediation case`)
        if (body.roomId !== undefined && !(await sql`SELECT 1 FROM mediation_rooms WHERE id = ${body.roomId}`.execute(trx)).rows.length) {
          throw new ApiError(400, 'unknown_room', `no mediation room ${body.roomId}`)
        }
        // The room named, else the dispute's own, else the nearest one.
        const room = body.roomId ?? d.mediation_room_id ?? (await sql<{ id: number }>`
          SELECT m.id FROM mediation_rooms m, disputes x WHERE x.id = ${d.id} ORDER BY m.geom <-> x.geom LIMIT 1`.execute(trx)).rows[0]?.id
        if (room === undefined) throw new ApiError(409, 'no_room', 'there is no mediation room to hear the case')
        const version = body.version ?? d.version
        if (d.status !== 'mediating') {
          await updateFeature(trx, disputes, d.id, { version, properties: {}, set: { status: 'mediating', mediation_room_id: room } }, actor, 'transition', 'mediation case opened', disputeAccess(req))
        } else if (room !== d.mediation_room_id || body.version !== undefined) {
          await updateFeature(trx, disputes, d.id, { version, properties: {}, set: { mediation_room_id: room } }, actor, 'update', 'mediation case opened', disputeAccess(req))
        }
        const c = (await sql<{ id: number }>`
          INSERT INTO mediation_cases (dispute_id, room_id, note, opened_by) VALUES (${d.id}, ${room}, ${body.note ?? ''}, ${actor}) RETURNING id`.execute(trx)).rows[0]!
        for (const p of body.participants ?? []) await addParticipant(trx, c.id, p)
        const created = await readCase(trx, c.id)
        await auditRecord(trx, { actor, action: 'create', layer: 'mediation_cases', id: c.id, after: created })
        return created
      })
      res.status(201).json(out)
    }),
  )

  router.post(
    '/mediation-cases/:id/close',
    handle(async (req, res) => {
      const id = pathId(req.params.id, 'mediation_case')
      const scope = cellWriteScope(req, 'd.grid_id')
      const body = parseCommunityBody(closeCaseBody, req.body)
      const actor = actorOf(req)
      const out = await db.transaction().execute(async (trx) => {
        const c = await lockCase(trx, id, scope)
        const closedAt = body.closedAt ? new Date(body.closedAt).toISOString() : new Date().toISOString()
        if (Date.parse(closedAt) < Date.parse(c.opened_at)) throw new ApiError(400, 'invalid_body', `closedAt is before the case was opened (${new Date(c.opened_at).toISOString()})`)
        const before = await readCase(trx, id)
        const to = body.outcome === 'agreement' ? 'resolved' : 'escalated'
        if (c.dispute_status !== 'mediating') {
          throw new ApiError(409, 'illegal_transition', `dispute ${c.dispute_id} is ${c.dispute_status}, not mediating; the case cannot move it to ${to}`)
        }
        await updateFeature(trx, disputes, c.dispute_id, { version: c.dispute_version, properties: {}, set: to === 'resolved' ? { status: to, resolved_at: closedAt } : { status: to } },
          actor, 'transition', `mediation case ${id}: ${body.outcome}`, disputeAccess(req))
        await sql`UPDATE mediation_cases SET closed_at = ${closedAt}::timestamptz, outcome = ${body.outcome}, closed_by = ${actor},
            sessions = coalesce(${body.sessions ?? null}::int, sessions), note = coalesce(${body.note ?? null}::text, note) WHERE id = ${id}`.execute(trx)
        const after = await readCase(trx, id)
        await auditRecord(trx, { actor, action: 'update', layer: 'mediation_cases', id, before, after, reason: body.outcome })
        return after
      })
      res.json(out)
    }),
  )

  router.post(
    '/mediation-cases/:id/participants',
    handle(async (req, res) => {
      const id = pathId(req.params.id, 'mediation_case')
      const scope = cellWriteScope(req, 'd.grid_id')
      const body = parseCommunityBody(mediationParticipant, req.body)
      const actor = actorOf(req)
      const out = await db.transaction().execute(async (trx) => {
        await lockCase(trx, id, scope)
        const before = await readCase(trx, id)
        await addParticipant(trx, id, body)
        const after = await readCase(trx, id)
        await auditRecord(trx, { actor, action: 'update', layer: 'mediation_cases', id, before, after, reason: `participant ${body.agency}` })
        return after
      })
      res.status(201).json(out)
    }),
  )

  return router
}

/** Locks an open case in the writer's scope (404 unknown or out of scope, 409 closed). */
async function lockCase(trx: Kysely<any>, id: number, scope: ReturnType<typeof cellWriteScope>) {
  const c = (await sql<{ id: number; dispute_id: number; opened_at: string; closed_at: string | null; dispute_status: string; dispute_version: number }>`
    SELECT c.id, c.dispute_id, c.opened_at, c.closed_at, d.status AS dispute_status, d.version AS dispute_version
    FROM mediation_cases c JOIN disputes d ON d.id = c.dispute_id WHERE c.id = ${id} AND ${scope} FOR UPDATE OF c`.execute(trx)).rows[0]
  if (!c) throw new ApiError(404, 'unknown_mediation_case', `no mediation case ${id}`)
  if (c.closed_at) throw new ApiError(409, 'case_closed', `mediation case ${id} was closed on ${new Date(c.closed_at).toISOString()}`)
  return c
}

async function addParticipant(trx: Kysely<any>, caseId: number, p: MediationParticipant): Promise<void> {
  const r = await sql`INSERT INTO mediation_participants (case_id, agency, name, role) VALUES (${caseId}, ${p.agency}, ${p.name}, ${p.role ?? ''})
    ON CONFLICT (district_code, case_id, agency, name) DO NOTHING RETURNING id`.execute(trx)
  if (!r.rows.length) throw new ApiError(409, 'duplicate_participant', `${p.name} (${p.agency}) already sits on this case`)
}
