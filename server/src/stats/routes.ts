import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql, type RawBuilder } from 'kysely'
import { findLayer, LAYERS } from '../../../data/catalog/layers.ts'
import { readScope, scopeCondition } from '../auth/layer-access.ts'
import { requirePrincipal } from '../auth/policy.ts'
import type { Principal, Role } from '../auth/principal.ts'
import type { DbHandle } from '../db/create-db.ts'
import type { FigureKey } from '../../../data/catalog/figures.ts'
import { handle } from '../http/errors.ts'
import type { StatsAnswer } from '../contract/admin.ts'
import { gridCellStatsRoutes } from './grid-cell-stats.ts'
import { monthlyCountsRoutes } from './monthly-counts.ts'
import { FIGURE_WHERE as W } from './figures.ts'

const DESK: readonly Role[] = ['admin', 'command', 'planner']
const STAFF: readonly Role[] = ['admin', 'command', 'planner', 'officer']

/**
 * A headline figure and where it comes from:
 * - `layer`: rows of a catalogued layer (optionally `where` on its table aliased `t`), counted
 *   within the caller's read scope of that layer, exactly as its feature list filters them
 *   (layer-access.ts scopeCondition): an officer's own cells, a volunteer's own reports; left out
 *   when the layer is closed to the role.
 * - `roles`: a figure of tables that are no layer (officers, militia, the volunteer programme,
 *   patrol units), given only to the roles whose endpoints show those tables.
 */
type Headline = { layer: string; where?: RawBuilder<unknown> } | { roles: readonly Role[]; count: RawBuilder<unknown> }

/** The story's headline figures, each one SQL count (names: data/catalog/figures.ts; shared conditions: figures.ts). */
const HEADLINES: Record<FigureKey, Headline> = {
  branches: { layer: 'police-units', where: W.branches('t') },
  stations: { layer: 'police-units', where: W.stations('t') },
  community_police_offices: { layer: 'police-units', where: W.community_police_offices('t') },
  // Officers' names and units are shown to staff by /api/analysis/responsible.
  community_officers: { roles: STAFF, count: sql`SELECT count(*) FROM officers o WHERE ${W.community_officers('o')}` },
  auxiliary_officers: { roles: STAFF, count: sql`SELECT count(*) FROM officers WHERE role = 'auxiliary'` },
  grid_workers: { roles: STAFF, count: sql`SELECT count(*) FROM officers WHERE role = 'grid_worker'` },
  militia_orgs: { roles: STAFF, count: sql`SELECT count(*) FROM militia_orgs` },
  militia_informants: { roles: STAFF, count: sql`SELECT coalesce(sum(informants), 0) FROM militia_orgs` },
  // The volunteer registry and the live units are the desk's (/api/volunteers, /api/live/units).
  volunteer_orgs: { roles: DESK, count: sql`SELECT count(*) FROM volunteer_orgs` },
  volunteers: { roles: DESK, count: sql`SELECT count(*) FROM volunteers` },
  points_activities: { roles: DESK, count: sql`SELECT count(*) FROM volunteer_activities` },
  volunteers_redeemed: { roles: DESK, count: sql`SELECT count(DISTINCT volunteer_id) FROM redemptions` },
  redemptions: { roles: DESK, count: sql`SELECT count(*) FROM redemptions` },
  points_redeemed: { roles: DESK, count: sql`SELECT coalesce(sum(points), 0) FROM redemptions` },
  mediation_rooms: { layer: 'mediation-rooms' },
  disputes: { layer: 'disputes' },
  disputes_resolved: { layer: 'disputes', where: W.disputes_resolved('t') },
  household_unit_disputes: { layer: 'disputes', where: W.household_unit_disputes('t') },
  // Every kind of ten-household report; the reports are read by the desk (/api/community/household-reports).
  household_unit_reports: { roles: DESK, count: sql`SELECT count(*) FROM household_reports` },
  hazards: { layer: 'hazards' },
  hazards_open: { layer: 'hazards', where: W.hazards_open('t') },
  hazards_eliminated: { layer: 'hazards', where: W.hazards_eliminated('t') },
  places_inspected: { layer: 'places', where: sql`t.last_inspected_at IS NOT NULL` },
  river_patrols: { layer: 'river-patrols' },
  patrol_ebikes: { roles: DESK, count: sql`SELECT count(*) FROM patrol_units WHERE kind = 'ebike'` },
  schools: { layer: 'schools' },
  guard_posts: { layer: 'guard-posts' },
  incidents: { layer: 'incidents' },
  mediation_cases: { roles: DESK, count: sql`SELECT count(*) FROM mediation_cases` },
  issues_resolved: { roles: DESK, count: sql`SELECT count(*) FROM coordination_issues WHERE resolved_in IS NOT NULL` },
}

/** A layer's rows the principal may read, counted (null when the layer is closed to the role). */
function scopedCount(p: Principal, layerId: string, where?: RawBuilder<unknown>): RawBuilder<unknown> | null {
  const layer = findLayer(layerId)
  if (!layer) throw new Error(`stats: no layer ${layerId}`)
  const scope = readScope(p, layer)
  if (scope === 'none') return null
  return sql`SELECT count(*) FROM ${sql.table(layer.table)} AS t WHERE ${scopeCondition(scope, p, layer, 't')}${where ? sql` AND ${where}` : sql``}`
}

export function statsRoutes(database: DbHandle): Router {
  const { db } = database
  const router = secureRouter('/api')
  router.use(gridCellStatsRoutes(database))
  router.use(monthlyCountsRoutes(database))
  router.get(
    '/stats',
    handle(async (req, res) => {
      // Every count is within the caller's scope: an officer's figures are those of their own
      // cells, a volunteer's their own reports; what the role may not read is left out.
      const p = requirePrincipal(req)
      const scopes = Object.fromEntries(LAYERS.map((l) => [l.id, readScope(p, l)]).filter(([, s]) => s !== 'none'))
      const layerCounts = LAYERS.flatMap((l) => {
        const q = scopedCount(p, l.id)
        return q ? [sql`SELECT ${l.id}::text AS key, (${q})::int AS n`] : []
      })
      const headlineCounts = Object.entries(HEADLINES).flatMap(([key, h]) => {
        const q = 'layer' in h ? scopedCount(p, h.layer, h.where) : h.roles.includes(p.role) ? h.count : null
        return q ? [sql`SELECT ${key}::text AS key, (${q})::int AS n`] : []
      })
      const [layers, headlines] = await Promise.all([
        sql<{ key: string; n: number }>`${sql.join(layerCounts, sql` UNION ALL `)}`.execute(db),
        sql<{ key: string; n: number }>`${sql.join(headlineCounts, sql` UNION ALL `)}`.execute(db),
      ])
      res.set('Cache-Control', 'private, no-store').json({
        layers: Object.fromEntries(layers.rows.map((r) => [r.key, r.n])),
        headlines: Object.fromEntries(headlines.rows.map((r) => [r.key, r.n])),
        // How each counted layer is scoped for this caller: all, grids (their cells), own (their reports).
        scope: scopes,
      } as StatsAnswer)
    }),
  )
  return router
}
