import type { Router } from 'express'
import { findLayer } from '../../../data/catalog/layers.ts'
import { readScope } from '../auth/layer-access.ts'
import { requirePrincipal } from '../auth/policy.ts'
import type { Principal } from '../auth/principal.ts'
import { secureRouter } from '../auth/route-guard.ts'
import type { DbHandle } from '../db/create-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { handle } from '../http/errors.ts'
import { searchQuery } from '../contract/people.ts'
import { peopleViewer } from '../people/people-scope.ts'
import { LAYER_OF, searchDetails, visiblePeople } from './search-details.ts'
import { byRank, SEARCH_KINDS, searchIndexOf, type Match, type SearchKind } from './search-index.ts'
import { normaliseQuery } from './search-keys.ts'

/** People candidates weighed before the scope check (a volunteer sees only some). */
const PEOPLE_CANDIDATES = 300

/** The kinds a principal may find: the layers their role reads, and people (the directory scopes them itself). */
function readableKinds(p: Principal, asked: readonly SearchKind[]): SearchKind[] {
  return asked.filter((k) => k === 'person' || readScope(p, findLayer(LAYER_OF[k])!) !== 'none')
}

/**
 * `GET /api/search?q=&limit=&kinds=`: places (admin areas), police units, grid cells (by name or
 * code), schools, mediation rooms and people, by Chinese, full pinyin ("xiancheng") or initials
 * ("xcfj"), best first. People only within what the caller may see of the directory.
 */
export function searchRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')
  const index = searchIndexOf(db)
  router.get(
    '/search',
    handle(async (req, res) => {
      const parsed = searchQuery.safeParse(req.query)
      if (!parsed.success) throw invalidQuery(parsed.error.issues)
      const { limit } = parsed.data
      const q = normaliseQuery(parsed.data.q)
      const principal = requirePrincipal(req)
      const viewer = peopleViewer(principal)
      const kinds = readableKinds(principal, parsed.data.kinds ?? SEARCH_KINDS)
      if (!q || kinds.length === 0) {
        res.json({ q: parsed.data.q, results: [] })
        return
      }
      await index.refresh(kinds)
      const matches = index.match(q, kinds, Math.max(limit, 1))
      const people = kinds.includes('person') ? index.match(q, ['person'], PEOPLE_CANDIDATES) : []
      const visible = new Set(await visiblePeople(db, viewer, people.map((m) => m.entry.ref)))
      const ranked: Match[] = [...matches.filter((m) => m.entry.kind !== 'person'), ...people.filter((m) => visible.has(m.entry.ref))].sort(byRank).slice(0, limit)
      const results = await searchDetails(db, viewer, ranked.map((m) => ({ kind: m.entry.kind, ref: m.entry.ref })))
      res.set('cache-control', 'no-store').json({ q: parsed.data.q, results })
    }),
  )
  return router
}
