import type { Request } from 'express'
import { ApiError } from '../http/errors.ts'
import { principalOf, type Role } from './principal.ts'

/**
 * Who may call an endpoint, before any handler runs:
 * - `public`: anyone (the page, health, login, the offline basemap)
 * - `signed-in`: any account; the handler then applies the layer's read/write scope
 * - a list of roles
 * - `device`: a unit's device token, checked by the ingest handler itself
 */
export type Allow = 'public' | 'signed-in' | 'device' | readonly Role[]

export type Mount = '/api' | '/ogc' | '/tiles'

export interface RoutePolicy {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  /** Express path pattern, mount prefix included, exactly as the route registers it. */
  path: string
  allow: Allow
  /** `import`: a GeoJSON, CSV or XLSX body up to the import limit (other writes: JSON up to the body limit). */
  body?: 'import'
}

const ALL: readonly Role[] = ['admin', 'command', 'planner', 'officer', 'volunteer']
const STAFF: readonly Role[] = ['admin', 'command', 'planner', 'officer']
const DESK: readonly Role[] = ['admin', 'command', 'planner']

/**
 * Every endpoint and who may call it: the one table access is decided from. A route is
 * registered through `secureRouter` (route-guard.ts), which takes its declaration from here by
 * method and pattern and puts the declaration's guard first on the route; a route with no entry
 * cannot be registered, and an entry with no route stops start-up.
 */
export const ROUTE_POLICIES: readonly RoutePolicy[] = [
  { method: 'GET', path: '/api/health', allow: 'public' },
  { method: 'GET', path: '/api/config', allow: 'public' },
  { method: 'GET', path: '/api/openapi.json', allow: 'public' },
  // The API docs page (`/api/docs` or `/api/docs/`) and its listed files (server/src/api-docs/routes.ts).
  { method: 'GET', path: '/api/docs{/}', allow: 'public' },
  { method: 'GET', path: '/api/docs/assets/:file', allow: 'public' },
  { method: 'POST', path: '/api/auth/login', allow: 'public' },
  { method: 'POST', path: '/api/auth/logout', allow: 'public' },
  { method: 'GET', path: '/api/auth/me', allow: 'public' },
  { method: 'GET', path: '/api/auth/tokens', allow: 'signed-in' },
  { method: 'POST', path: '/api/auth/tokens', allow: 'signed-in' },
  { method: 'DELETE', path: '/api/auth/tokens/:id', allow: 'signed-in' },
  { method: 'POST', path: '/api/auth/password', allow: 'signed-in' },
  { method: 'GET', path: '/api/admin/users', allow: ['admin'] },
  { method: 'POST', path: '/api/admin/users', allow: ['admin'] },
  { method: 'PATCH', path: '/api/admin/users/:id', allow: ['admin'] },
  { method: 'POST', path: '/api/admin/users/:id/tokens', allow: ['admin'] },
  { method: 'GET', path: '/api/stats', allow: 'signed-in' },
  { method: 'GET', path: '/api/stats/grid-cells', allow: STAFF },
  // Officers: the points of their own cells (the handler scopes the query), as the hotspots beside it.
  { method: 'GET', path: '/api/stats/monthly', allow: STAFF },
  { method: 'GET', path: '/api/layers', allow: 'signed-in' },
  { method: 'GET', path: '/api/layers/:layer/features', allow: 'signed-in' },
  { method: 'GET', path: '/api/layers/:layer/features/:id', allow: 'signed-in' },
  { method: 'POST', path: '/api/layers/:layer/features', allow: 'signed-in' },
  { method: 'PATCH', path: '/api/layers/:layer/features/:id', allow: 'signed-in' },
  { method: 'DELETE', path: '/api/layers/:layer/features/:id', allow: 'signed-in' },
  { method: 'GET', path: '/api/layers/:layer/features/:id/transitions', allow: 'signed-in' },
  { method: 'POST', path: '/api/layers/:layer/features/:id/transitions', allow: 'signed-in' },
  { method: 'POST', path: '/api/layers/:layer/import', allow: 'signed-in', body: 'import' },
  // A report's photo (hazards, disputes): whoever may change the feature, or the volunteer who reported it (the handler scopes it).
  { method: 'PUT', path: '/api/layers/:layer/features/:id/photo', allow: ['admin', 'officer', 'volunteer'] },
  { method: 'GET', path: '/api/layers/:layer/features/:id/photo', allow: 'signed-in' },
  { method: 'GET', path: '/api/audit', allow: ['admin', 'command'] },
  { method: 'GET', path: '/api/stations', allow: STAFF },
  { method: 'GET', path: '/api/analysis/hotspots', allow: STAFF },
  { method: 'POST', path: '/api/analysis/hotspots', allow: STAFF },
  { method: 'GET', path: '/api/analysis/density', allow: STAFF },
  { method: 'GET', path: '/api/analysis/emerging-hotspots', allow: STAFF },
  { method: 'GET', path: '/api/analysis/dosage', allow: STAFF },
  { method: 'GET', path: '/api/analysis/seasonal', allow: STAFF },
  { method: 'GET', path: '/api/analysis/coverage', allow: STAFF },
  { method: 'GET', path: '/api/analysis/responsible', allow: STAFF },
  { method: 'GET', path: '/api/analysis/workload', allow: DESK },
  { method: 'POST', path: '/api/analysis/workload/preview', allow: DESK },
  { method: 'POST', path: '/api/planner/split', allow: ['admin', 'planner'] },
  { method: 'POST', path: '/api/planner/merge', allow: ['admin', 'planner'] },
  { method: 'GET', path: '/api/planner/:layer/:id/history', allow: DESK },
  { method: 'POST', path: '/api/planner/:layer/:id/restore', allow: ['admin', 'planner'] },
  { method: 'POST', path: '/api/live/positions', allow: 'device' },
  { method: 'GET', path: '/api/live/stream', allow: STAFF },
  { method: 'GET', path: '/api/live/units', allow: DESK },
  { method: 'GET', path: '/api/live/tracks', allow: DESK },
  { method: 'GET', path: '/api/alerts', allow: DESK },
  { method: 'POST', path: '/api/alerts/:id/acknowledge', allow: ['admin', 'command'] },
  { method: 'GET', path: '/api/alert-rules', allow: DESK },
  { method: 'GET', path: '/api/metrics', allow: ['admin', 'command'] },
  // Volunteers read only their own account (the handler answers 404 for another's).
  { method: 'GET', path: '/api/volunteers', allow: DESK },
  { method: 'GET', path: '/api/volunteers/:id', allow: [...DESK, 'volunteer'] },
  { method: 'POST', path: '/api/volunteers/:id/activities', allow: ['admin', 'command'] },
  { method: 'GET', path: '/api/volunteer-orgs/:id/leaderboard', allow: DESK },
  // A volunteer account's own reports, points and the shop (issue 15).
  { method: 'GET', path: '/api/volunteer/my-day', allow: ['volunteer'] },
  { method: 'GET', path: '/api/point-rules', allow: 'signed-in' },
  { method: 'PATCH', path: '/api/point-rules/:kind', allow: ['admin'] },
  { method: 'GET', path: '/api/shop/items', allow: 'signed-in' },
  { method: 'POST', path: '/api/shop/items', allow: ['admin'] },
  { method: 'POST', path: '/api/shop/redemptions', allow: ['admin', 'command'] },
  { method: 'GET', path: '/api/community/dashboard', allow: DESK },
  // Unit reports, mediation cases, daily contacts: officers in their own cells (the handlers put that in the SQL).
  { method: 'GET', path: '/api/household-units/:id/reports', allow: STAFF },
  { method: 'POST', path: '/api/household-units/:id/reports', allow: ['admin', 'officer'] },
  { method: 'GET', path: '/api/household-reports/counts', allow: STAFF },
  { method: 'GET', path: '/api/mediation-cases', allow: STAFF },
  { method: 'POST', path: '/api/mediation-cases', allow: ['admin', 'officer'] },
  { method: 'POST', path: '/api/mediation-cases/:id/close', allow: ['admin', 'officer'] },
  { method: 'POST', path: '/api/mediation-cases/:id/participants', allow: ['admin', 'officer'] },
  { method: 'GET', path: '/api/coordination/meetings', allow: STAFF },
  { method: 'POST', path: '/api/coordination/meetings', allow: ['admin', 'command', 'officer'] },
  { method: 'GET', path: '/api/coordination/issues', allow: STAFF },
  { method: 'PATCH', path: '/api/alert-rules/:id', allow: ['admin', 'planner'] },
  // The officer's own cells (issue 8); other roles have no cells of their own.
  { method: 'GET', path: '/api/officer/my-grid', allow: ['officer'] },
  { method: 'PUT', path: '/api/officer/hazards/:id/photo', allow: ['admin', 'officer'] },
  { method: 'GET', path: '/api/officer/hazards/:id/photo', allow: STAFF },
  // The people directory and search: any account, within what its role may see (the handlers put that in the SQL).
  { method: 'GET', path: '/api/people', allow: 'signed-in' },
  { method: 'GET', path: '/api/people/:id', allow: 'signed-in' },
  { method: 'POST', path: '/api/people/import', allow: ['admin'], body: 'import' },
  { method: 'GET', path: '/api/search', allow: 'signed-in' },
  { method: 'GET', path: '/ogc', allow: 'public' },
  { method: 'GET', path: '/ogc/api', allow: 'public' },
  { method: 'GET', path: '/ogc/conformance', allow: 'public' },
  { method: 'GET', path: '/ogc/collections', allow: 'signed-in' },
  { method: 'GET', path: '/ogc/collections/:layer', allow: 'signed-in' },
  { method: 'GET', path: '/ogc/collections/:layer/items', allow: 'signed-in' },
  { method: 'GET', path: '/ogc/collections/:layer/items/:id', allow: 'signed-in' },
  { method: 'GET', path: '/tiles/basemap.json', allow: 'public' },
  { method: 'GET', path: '/tiles/basemap/:z/:x/:y.mvt', allow: 'public' },
  { method: 'GET', path: '/tiles/:layer.json', allow: 'signed-in' },
  { method: 'GET', path: '/tiles/:layer/:z/:x/:y.mvt', allow: 'signed-in' },
]

export { ALL as ALL_ROLES }

const byRoute = new Map<string, RoutePolicy>()
for (const p of ROUTE_POLICIES) {
  const key = `${p.method} ${p.path}`
  if (byRoute.has(key)) throw new Error(`ROUTE_POLICIES declares ${key} twice`)
  byRoute.set(key, p)
}

/** The declaration of a route, by its method and full pattern exactly as registered (never a URL). */
export function declaredPolicy(method: RoutePolicy['method'], pattern: string): RoutePolicy | undefined {
  return byRoute.get(`${method} ${pattern}`)
}

/** For handlers behind a `signed-in` policy: the principal, which the route guard guaranteed. */
export function requirePrincipal(req: Request) {
  const p = req.res ? principalOf(req.res) : null
  if (!p) throw new ApiError(401, 'unauthenticated', 'sign in first')
  return p
}
