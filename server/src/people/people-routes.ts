import type { Request, Router } from 'express'
import { sql } from 'kysely'
import { requirePrincipal } from '../auth/policy.ts'
import { secureRouter, XLSX_TYPE } from '../auth/route-guard.ts'
import type { DbHandle } from '../db/create-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { actorOf } from '../http/actor.ts'
import { ApiError, handle } from '../http/errors.ts'
import { peopleQuery } from '../contract/people.ts'
import { searchIndexOf } from '../search/search-index.ts'
import { hasHan, normaliseQuery } from '../search/search-keys.ts'
import { listPeople, readPerson } from './people-query.ts'
import { peopleViewer } from './people-scope.ts'
import { parsePersonKey, type PersonKey } from './person-key.ts'
import { importRoster } from './roster-import.ts'
import { rosterFromCsv, rosterFromJson, rosterFromXlsx, type RosterLine } from './roster-parse.ts'

/** A Latin query is matched by pinyin through the search index: at most this many people. */
const PINYIN_MATCHES = 2000

async function rosterOf(req: Request): Promise<RosterLine[]> {
  if (Buffer.isBuffer(req.body) && req.is(XLSX_TYPE)) return rosterFromXlsx(req.body)
  if (typeof req.body === 'string') return rosterFromCsv(req.body)
  return rosterFromJson(req.body)
}

/**
 * The people directory (issue 15): `GET /api/people?q=&role=&unit=&cell=&ids=&limit=&offset=`,
 * `GET /api/people/{kind:id}` (a person's card, their cells as GeoJSON), and
 * `POST /api/people/import` (a roster as CSV, XLSX or JSON rows; administrators). What each role
 * reads is decided in SQL (people-scope.ts): police roles everyone with phones, a volunteer the
 * people of their own area with their station's duty phone and never a personal phone.
 */
export function peopleRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')
  const index = searchIndexOf(db)

  router.get(
    '/people',
    handle(async (req, res) => {
      const parsed = peopleQuery.safeParse(req.query)
      if (!parsed.success) throw invalidQuery(parsed.error.issues)
      const { role, unit, cell, ids, limit, offset } = parsed.data
      const viewer = peopleViewer(requirePrincipal(req))
      if (unit !== undefined && !(await sql`SELECT 1 FROM police_units WHERE id = ${unit}`.execute(db)).rows.length) {
        throw new ApiError(404, 'unknown_unit', `no police unit ${unit}`)
      }
      if (cell !== undefined && !(await sql`SELECT 1 FROM grid_cells WHERE id = ${cell}`.execute(db)).rows.length) {
        throw new ApiError(404, 'unknown_cell', `no grid cell ${cell}`)
      }
      const q = normaliseQuery(parsed.data.q ?? '')
      let keys: PersonKey[] | undefined
      if (q && !hasHan(q)) {
        await index.refresh(['person'])
        keys = index.match(q, ['person'], PINYIN_MATCHES).map((m) => parsePersonKey(m.entry.ref)!)
      }
      if (ids) {
        const asked = ids.map((k) => parsePersonKey(k)!)
        const within = keys && new Set(keys.map((k) => `${k.kind}:${k.id}`))
        keys = within ? asked.filter((k) => within.has(`${k.kind}:${k.id}`)) : asked
      }
      const found = await listPeople(db, viewer, { ...(q && !keys ? { name: q } : {}), ...(keys ? { keys } : {}), ...(role ? { role } : {}), ...(unit !== undefined ? { unit } : {}), ...(cell !== undefined ? { cell } : {}), limit, offset })
      res.set('cache-control', 'no-store').json({ ...found, next: offset + limit < found.total ? offset + limit : null })
    }),
  )

  router.get(
    '/people/:id',
    handle(async (req, res) => {
      const key = parsePersonKey(req.params.id)
      if (!key) throw new ApiError(404, 'unknown_person', 'no such person: a person is officer:ID, militia:ID or volunteer:ID')
      // Someone the caller may not see is 404, as if there were no such person.
      const card = await readPerson(db, peopleViewer(requirePrincipal(req)), key)
      if (!card) throw new ApiError(404, 'unknown_person', `no person ${req.params.id}`)
      res.set('cache-control', 'no-store').json(card)
    }),
  )

  router.post(
    '/people/import',
    handle(async (req, res) => {
      const report = await importRoster(db, await rosterOf(req), actorOf(req))
      res.status(201).json(report)
    }),
  )
  return router
}
