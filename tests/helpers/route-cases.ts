import { sql } from 'kysely'
import { expect } from 'vitest'
import type { DbHandle } from '../../server/src/db/create-db.ts'
import { scalar } from './test-db.ts'

/**
 * One example request per route of the app, with the status each caller gets: the authorization
 * matrix written out by hand, independent of the server's policy table. Shared by the matrix
 * test, the path-spelling test and the fuzz test, so a route added to the app without an entry
 * here fails all three.
 */
export const WHO = ['anon', 'volunteer', 'officer', 'planner', 'command', 'admin'] as const
export type Who = (typeof WHO)[number]
export type Status = number | readonly number[]
export type Row = readonly [Status, Status, Status, Status, Status, Status]

export interface RouteCase {
  /** The route as Express defines it: `METHOD /full/path/:param`. */
  route: string
  path: string
  body?: unknown
  expect: Row
}

const all = (s: Status): Row => [s, s, s, s, s, s]
const signedIn = (s: Status): Row => [401, s, s, s, s, s]
const TILE_OK = [200, 204] as const

/** The cases, with ids from the seeded test city; `cleanup` removes the two hazards made for them. */
/** The seeded rows the cases name (for tests that build further requests on them). */
export interface CaseIds {
  ownCell: number
  otherCell: number
  /** A point inside the test officer's first cell. */
  lon: number
  lat: number
  /** Hazards made for the cases, in the test officer's cell and in another officer's. */
  ownHazard: number
  otherHazard: number
  zone: number
  rule: number
  volunteerUser: number
  ownUnit: number
  someCase: number
  someVolunteer: number
  someOrg: number
  /** `z/x/y` of a z12 tile in the city centre. */
  tile: string
}

export async function buildRouteCases(db: DbHandle['db']): Promise<{ cases: RouteCase[]; ids: CaseIds; cleanup: () => Promise<void> }> {
  const t = { db }
  const cellOf = (who: string) => sql`(SELECT min(u.grid_id) FROM user_grid_cells u JOIN users x ON x.id = u.user_id WHERE x.username = ${who})`
  const ownCell = await scalar<number>(t.db, cellOf('test-officer'))
  const otherCell = await scalar<number>(t.db, cellOf('test-officer2'))
  const pointIn = async (cell: number) => JSON.parse(await scalar<string>(t.db, sql`SELECT json_build_array(ST_X(p), ST_Y(p))::text FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid_cells WHERE id = ${cell}) x`)) as [number, number]
  const [lon, lat] = await pointIn(ownCell)
  // One hazard in each officer's cell, written by SQL (the assignment trigger sets grid_id).
  const mk = async (cell: number) => {
    const [x, y] = await pointIn(cell)
    const r = await sql<{ id: number }>`INSERT INTO hazards (category, source, description, geom) VALUES ('fire', 'offline', 'MATRIX-TEST', ST_SetSRID(ST_MakePoint(${x}, ${y}), 4326)) RETURNING id`.execute(t.db)
    return r.rows[0]!.id
  }
  const own = await mk(ownCell)
  const other = await mk(otherCell)
  expect(await scalar<number>(t.db, sql`SELECT grid_id FROM hazards WHERE id = ${own}`)).toBe(ownCell)
  const zone = await scalar<number>(t.db, sql`SELECT min(id) FROM patrol_zones`)
  const rule = await scalar<number>(t.db, sql`SELECT min(id) FROM alert_rules`)
  const volunteerId = await scalar<number>(t.db, sql`SELECT id FROM users WHERE username = 'test-volunteer'`)
  const ownUnit = await scalar<number>(t.db, sql`SELECT min(id) FROM household_units WHERE grid_id = ${ownCell}`)
  const otherUnit = await scalar<number>(t.db, sql`SELECT min(id) FROM household_units WHERE grid_id = ${otherCell}`)
  const someCase = await scalar<number>(t.db, sql`SELECT min(id) FROM mediation_cases`)
  const someVolunteer = await scalar<number>(t.db, sql`SELECT min(id) FROM volunteers`)
  const someOrg = await scalar<number>(t.db, sql`SELECT min(id) FROM volunteer_orgs`)
  const ownOfficer = await scalar<number>(t.db, sql`SELECT officer_id FROM grid_cells WHERE id = ${ownCell}`)
  const z12 = { z: 12, x: Math.floor(((125.14 + 180) / 360) * 4096), y: Math.floor(((1 - Math.log(Math.tan((42.9 * Math.PI) / 180) + 1 / Math.cos((42.9 * Math.PI) / 180)) / Math.PI) / 2) * 4096) }
  const tile = `${z12.z}/${z12.x}/${z12.y}`

  const cases: RouteCase[] = [
    { route: 'GET /api/health', path: '/api/health', expect: all(200) },
    { route: 'GET /api/config', path: '/api/config', expect: all(200) },
    { route: 'GET /api/openapi.json', path: '/api/openapi.json', expect: all(200) },
    // The API docs page (one route with an optional trailing slash) and its listed files; another name is 404.
    { route: 'GET /api/docs{/}', path: '/api/docs', expect: all(200) },
    { route: 'GET /api/docs{/}', path: '/api/docs/', expect: all(200) },
    { route: 'GET /api/docs/assets/:file', path: '/api/docs/assets/api-docs-init.js', expect: all(200) },
    { route: 'GET /api/docs/assets/:file', path: '/api/docs/assets/index.html', expect: all(404) },
    { route: 'POST /api/auth/login', path: '/api/auth/login', body: {}, expect: all(400) },
    { route: 'POST /api/auth/logout', path: '/api/auth/logout', body: {}, expect: all(204) },
    { route: 'GET /api/auth/me', path: '/api/auth/me', expect: all(200) },
    { route: 'GET /api/auth/tokens', path: '/api/auth/tokens', expect: signedIn(200) },
    { route: 'POST /api/auth/tokens', path: '/api/auth/tokens', body: {}, expect: signedIn(400) },
    { route: 'DELETE /api/auth/tokens/:id', path: '/api/auth/tokens/999999', expect: signedIn(404) },
    { route: 'POST /api/auth/password', path: '/api/auth/password', body: {}, expect: signedIn(400) },
    { route: 'GET /api/admin/users', path: '/api/admin/users', expect: [401, 403, 403, 403, 403, 200] },
    { route: 'POST /api/admin/users', path: '/api/admin/users', body: {}, expect: [401, 403, 403, 403, 403, 400] },
    { route: 'PATCH /api/admin/users/:id', path: `/api/admin/users/${volunteerId}`, body: {}, expect: [401, 403, 403, 403, 403, 400] },
    { route: 'POST /api/admin/users/:id/tokens', path: `/api/admin/users/${volunteerId}/tokens`, body: {}, expect: [401, 403, 403, 403, 403, 400] },
    { route: 'GET /api/stats', path: '/api/stats', expect: signedIn(200) },
    { route: 'GET /api/stats/grid-cells', path: '/api/stats/grid-cells', expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/stats/monthly', path: `/api/stats/monthly?layer=incidents&area=grid:${ownCell}`, expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/stations', path: `/api/stations?at=${lon},${lat}`, expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/layers', path: '/api/layers', expect: signedIn(200) },
    { route: 'GET /api/layers/:layer/features', path: '/api/layers/hazards/features?limit=1', expect: signedIn(200) },
    { route: 'GET /api/layers/:layer/features', path: '/api/layers/incidents/features?limit=1', expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/layers/:layer/features', path: '/api/layers/unit-positions/features?limit=1', expect: [401, 403, 403, 200, 200, 200] },
    { route: 'GET /api/layers/:layer/features/:id', path: `/api/layers/hazards/features/${own}`, expect: [401, 404, 200, 200, 200, 200] },
    { route: 'GET /api/layers/:layer/features/:id', path: `/api/layers/hazards/features/${other}`, expect: [401, 404, 404, 200, 200, 200] },
    { route: 'POST /api/layers/:layer/features', path: '/api/layers/hazards/features', body: {}, expect: [401, 422, 422, 403, 403, 422] },
    { route: 'POST /api/layers/:layer/features', path: '/api/layers/patrol-zones/features', body: {}, expect: [401, 403, 403, 422, 403, 422] },
    { route: 'POST /api/layers/:layer/features', path: '/api/layers/schools/features', body: {}, expect: [401, 405, 405, 405, 405, 405] },
    { route: 'PATCH /api/layers/:layer/features/:id', path: `/api/layers/hazards/features/${own}`, body: {}, expect: [401, 403, 422, 403, 403, 422] },
    { route: 'PATCH /api/layers/:layer/features/:id', path: `/api/layers/patrol-zones/features/${zone}`, body: {}, expect: [401, 403, 403, 422, 403, 422] },
    { route: 'DELETE /api/layers/:layer/features/:id', path: `/api/layers/hazards/features/${own}`, expect: [401, 403, 403, 403, 403, 400] },
    { route: 'GET /api/layers/:layer/features/:id/transitions', path: `/api/layers/hazards/features/${own}/transitions`, expect: [401, 404, 200, 200, 200, 200] },
    { route: 'GET /api/layers/:layer/features/:id/transitions', path: `/api/layers/hazards/features/${other}/transitions`, expect: [401, 404, 404, 200, 200, 200] },
    { route: 'POST /api/layers/:layer/features/:id/transitions', path: `/api/layers/hazards/features/${own}/transitions`, body: {}, expect: [401, 403, 422, 403, 403, 422] },
    { route: 'POST /api/layers/:layer/import', path: '/api/layers/hazards/import', body: { type: 'FeatureCollection', features: [{}] }, expect: [401, 403, 403, 403, 403, 422] },
    { route: 'POST /api/layers/:layer/import', path: '/api/layers/patrol-zones/import', body: { type: 'FeatureCollection', features: [{}] }, expect: [401, 403, 403, 422, 403, 422] },
    // A report's photo: the body is checked before the row is looked up (the volunteer's 422 says nothing of whose it is).
    { route: 'PUT /api/layers/:layer/features/:id/photo', path: `/api/layers/hazards/features/${own}/photo`, body: {}, expect: [401, 422, 422, 403, 403, 422] },
    { route: 'PUT /api/layers/:layer/features/:id/photo', path: `/api/layers/schools/features/1/photo`, body: {}, expect: [401, 404, 404, 403, 403, 404] },
    { route: 'GET /api/layers/:layer/features/:id/photo', path: `/api/layers/hazards/features/${own}/photo`, expect: [401, 404, 404, 404, 404, 404] },
    { route: 'GET /api/layers/:layer/features/:id/photo', path: `/api/layers/incidents/features/1/photo`, expect: [401, 404, 404, 404, 404, 404] },
    { route: 'GET /api/audit', path: '/api/audit?layer=hazards', expect: [401, 403, 403, 403, 200, 200] },
    { route: 'GET /api/analysis/hotspots', path: `/api/analysis/hotspots?layer=incidents&area=grid:${ownCell}`, expect: [401, 403, 200, 200, 200, 200] },
    { route: 'POST /api/analysis/hotspots', path: '/api/analysis/hotspots?layer=incidents', body: {}, expect: [401, 403, 400, 400, 400, 400] },
    { route: 'GET /api/analysis/density', path: `/api/analysis/density?layer=incidents&area=grid:${ownCell}`, expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/analysis/dosage', path: `/api/analysis/dosage?area=grid:${ownCell}&from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z`, expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/analysis/emerging-hotspots', path: `/api/analysis/emerging-hotspots?layer=incidents&area=grid:${ownCell}&step=month`, expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/analysis/seasonal', path: `/api/analysis/seasonal?grid=${ownCell}`, expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/analysis/seasonal', path: `/api/analysis/seasonal?grid=${otherCell}`, expect: [401, 403, 403, 200, 200, 200] },
    { route: 'GET /api/analysis/coverage', path: `/api/analysis/coverage?grid=${ownCell}`, expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/analysis/coverage', path: `/api/analysis/coverage?grid=${otherCell}`, expect: [401, 403, 403, 200, 200, 200] },
    { route: 'GET /api/analysis/responsible', path: `/api/analysis/responsible?lon=${lon}&lat=${lat}`, expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/analysis/workload', path: '/api/analysis/workload', expect: [401, 403, 403, 200, 200, 200] },
    { route: 'POST /api/analysis/workload/preview', path: '/api/analysis/workload/preview', body: {}, expect: [401, 403, 403, 400, 400, 400] },
    { route: 'POST /api/planner/split', path: '/api/planner/split', body: {}, expect: [401, 403, 403, 400, 403, 400] },
    { route: 'POST /api/planner/merge', path: '/api/planner/merge', body: {}, expect: [401, 403, 403, 400, 403, 400] },
    { route: 'GET /api/planner/:layer/:id/history', path: `/api/planner/patrol-zones/${zone}/history`, expect: [401, 403, 403, 200, 200, 200] },
    { route: 'POST /api/planner/:layer/:id/restore', path: `/api/planner/patrol-zones/${zone}/restore`, body: {}, expect: [401, 403, 403, 400, 403, 400] },
    // Device ingest takes only unit tokens: a person's token is not one.
    { route: 'POST /api/live/positions', path: '/api/live/positions', body: [], expect: all(401) },
    { route: 'GET /api/live/stream', path: '/api/live/stream?layers=hazards', expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/live/stream', path: '/api/live/stream?layers=positions', expect: [401, 403, 403, 200, 200, 200] },
    { route: 'GET /api/live/units', path: '/api/live/units', expect: [401, 403, 403, 200, 200, 200] },
    { route: 'GET /api/live/tracks', path: '/api/live/tracks', expect: [401, 403, 403, 400, 400, 400] },
    { route: 'GET /api/alerts', path: '/api/alerts', expect: [401, 403, 403, 200, 200, 200] },
    { route: 'POST /api/alerts/:id/acknowledge', path: '/api/alerts/999999/acknowledge', body: {}, expect: [401, 403, 403, 403, 404, 404] },
    { route: 'GET /api/alert-rules', path: '/api/alert-rules', expect: [401, 403, 403, 200, 200, 200] },
    { route: 'PATCH /api/alert-rules/:id', path: `/api/alert-rules/${rule}`, body: {}, expect: [401, 403, 403, 422, 403, 422] },
    { route: 'GET /api/metrics', path: '/api/metrics', expect: [401, 403, 403, 403, 200, 200] },
    { route: 'GET /api/volunteers', path: '/api/volunteers?limit=1', expect: [401, 403, 403, 200, 200, 200] },
    // The test volunteer account is linked to no volunteer: another's account is 404 to it.
    { route: 'GET /api/volunteers/:id', path: `/api/volunteers/${someVolunteer}`, expect: [401, 404, 403, 200, 200, 200] },
    { route: 'POST /api/volunteers/:id/activities', path: `/api/volunteers/${someVolunteer}/activities`, body: {}, expect: [401, 403, 403, 403, 400, 400] },
    { route: 'GET /api/volunteer-orgs/:id/leaderboard', path: `/api/volunteer-orgs/${someOrg}/leaderboard`, expect: [401, 403, 403, 200, 200, 200] },
    // The test volunteer account is linked to no volunteer: its day still answers (no points, a clear null).
    { route: 'GET /api/volunteer/my-day', path: '/api/volunteer/my-day', expect: [401, 200, 403, 403, 403, 403] },
    { route: 'GET /api/point-rules', path: '/api/point-rules', expect: signedIn(200) },
    { route: 'PATCH /api/point-rules/:kind', path: '/api/point-rules/patrol', body: {}, expect: [401, 403, 403, 403, 403, 400] },
    { route: 'GET /api/shop/items', path: '/api/shop/items', expect: signedIn(200) },
    { route: 'POST /api/shop/items', path: '/api/shop/items', body: {}, expect: [401, 403, 403, 403, 403, 400] },
    { route: 'POST /api/shop/redemptions', path: '/api/shop/redemptions', body: {}, expect: [401, 403, 403, 403, 400, 400] },
    { route: 'GET /api/community/dashboard', path: '/api/community/dashboard', expect: [401, 403, 403, 200, 200, 200] },
    { route: 'GET /api/household-units/:id/reports', path: `/api/household-units/${ownUnit}/reports`, expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/household-units/:id/reports', path: `/api/household-units/${otherUnit}/reports`, expect: [401, 403, 404, 200, 200, 200] },
    { route: 'POST /api/household-units/:id/reports', path: `/api/household-units/${ownUnit}/reports`, body: {}, expect: [401, 403, 400, 403, 403, 400] },
    { route: 'GET /api/household-reports/counts', path: '/api/household-reports/counts?limit=1', expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/mediation-cases', path: '/api/mediation-cases?limit=1', expect: [401, 403, 200, 200, 200, 200] },
    { route: 'POST /api/mediation-cases', path: '/api/mediation-cases', body: {}, expect: [401, 403, 400, 403, 403, 400] },
    { route: 'POST /api/mediation-cases/:id/close', path: `/api/mediation-cases/${someCase}/close`, body: {}, expect: [401, 403, 400, 403, 403, 400] },
    { route: 'POST /api/mediation-cases/:id/participants', path: `/api/mediation-cases/${someCase}/participants`, body: {}, expect: [401, 403, 400, 403, 403, 400] },
    { route: 'GET /api/coordination/meetings', path: '/api/coordination/meetings?limit=1', expect: [401, 403, 200, 200, 200, 200] },
    { route: 'POST /api/coordination/meetings', path: '/api/coordination/meetings', body: {}, expect: [401, 403, 400, 403, 400, 400] },
    { route: 'GET /api/coordination/issues', path: '/api/coordination/issues', expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /api/officer/my-grid', path: '/api/officer/my-grid', expect: [401, 403, 200, 403, 403, 403] },
    { route: 'PUT /api/officer/hazards/:id/photo', path: `/api/officer/hazards/${own}/photo`, body: {}, expect: [401, 403, 422, 403, 403, 422] },
    { route: 'GET /api/officer/hazards/:id/photo', path: `/api/officer/hazards/${own}/photo`, expect: [401, 403, 404, 404, 404, 404] },
    // The people directory: police roles everyone; the test volunteer account has no area (linked to no volunteer), so nobody.
    { route: 'GET /api/people', path: '/api/people?limit=1', expect: signedIn(200) },
    { route: 'GET /api/people/:id', path: `/api/people/officer:${ownOfficer}`, expect: [401, 404, 200, 200, 200, 200] },
    { route: 'POST /api/people/import', path: '/api/people/import', body: {}, expect: [401, 403, 403, 403, 403, 400] },
    { route: 'GET /api/search', path: '/api/search?q=x', expect: signedIn(200) },
    { route: 'GET /ogc', path: '/ogc', expect: all(200) },
    { route: 'GET /ogc/api', path: '/ogc/api', expect: all(200) },
    { route: 'GET /ogc/conformance', path: '/ogc/conformance', expect: all(200) },
    { route: 'GET /ogc/collections', path: '/ogc/collections', expect: signedIn(200) },
    { route: 'GET /ogc/collections/:layer', path: '/ogc/collections/incidents', expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /ogc/collections/:layer/items', path: '/ogc/collections/incidents/items?limit=1', expect: [401, 403, 200, 200, 200, 200] },
    { route: 'GET /ogc/collections/:layer/items/:id', path: `/ogc/collections/hazards/items/${other}`, expect: [401, 404, 404, 200, 200, 200] },
    { route: 'GET /tiles/basemap.json', path: '/tiles/basemap.json', expect: all(200) },
    { route: 'GET /tiles/basemap/:z/:x/:y.mvt', path: `/tiles/basemap/${tile}.mvt`, expect: all(200) },
    { route: 'GET /tiles/:layer.json', path: '/tiles/unit-positions.json', expect: [401, 403, 403, 200, 200, 200] },
    { route: 'GET /tiles/:layer/:z/:x/:y.mvt', path: `/tiles/hazards/${tile}.mvt`, expect: [401, TILE_OK, TILE_OK, 200, 200, 200] },
    { route: 'GET /tiles/:layer/:z/:x/:y.mvt', path: `/tiles/incidents/${tile}.mvt`, expect: [401, 403, TILE_OK, 200, 200, 200] },
  ]
  const cleanup = async () => {
    await sql`DELETE FROM hazards WHERE description = 'MATRIX-TEST'`.execute(db)
  }
  const ids: CaseIds = { ownCell, otherCell, lon, lat, ownHazard: own, otherHazard: other, zone, rule, volunteerUser: volunteerId, ownUnit, someCase, someVolunteer, someOrg, tile }
  return { cases, ids, cleanup }
}

/** Whether a status is one of the expected. */
export const statusMatches = (want: Status, got: number) => (Array.isArray(want) ? (want as readonly number[]).includes(got) : got === want)
