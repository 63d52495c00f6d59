import { Router } from 'express'
import { sql } from 'kysely'
import { LAYERS } from '../../../data/catalog/layers.ts'
import type { DbHandle } from '../db/create-db.ts'
import { handle } from '../http/errors.ts'
import { gridCellStatsRoutes } from './grid-cell-stats.ts'
import { monthlyCountsRoutes } from './monthly-counts.ts'

/** The story's headline figures, each one SQL count. */
const HEADLINES = {
  branches: sql`SELECT count(*) FROM police_units WHERE kind = 'branch'`,
  stations: sql`SELECT count(*) FROM police_units WHERE kind = 'station'`,
  community_police_offices: sql`SELECT count(*) FROM police_units WHERE kind = 'office'`,
  community_officers: sql`SELECT count(*) FROM officers WHERE role = 'community_officer'`,
  auxiliary_officers: sql`SELECT count(*) FROM officers WHERE role = 'auxiliary'`,
  grid_workers: sql`SELECT count(*) FROM officers WHERE role = 'grid_worker'`,
  militia_orgs: sql`SELECT count(*) FROM militia_orgs`,
  militia_informants: sql`SELECT coalesce(sum(informants), 0) FROM militia_orgs`,
  volunteer_orgs: sql`SELECT count(*) FROM volunteer_orgs`,
  volunteers: sql`SELECT count(*) FROM volunteers`,
  points_activities: sql`SELECT count(*) FROM volunteer_activities`,
  volunteers_redeemed: sql`SELECT count(DISTINCT volunteer_id) FROM redemptions`,
  mediation_rooms: sql`SELECT count(*) FROM mediation_rooms`,
  disputes: sql`SELECT count(*) FROM disputes`,
  disputes_resolved: sql`SELECT count(*) FROM disputes WHERE status = 'resolved'`,
  household_unit_reports: sql`SELECT count(*) FROM disputes WHERE source = 'household_unit'`,
  hazards: sql`SELECT count(*) FROM hazards`,
  hazards_open: sql`SELECT count(*) FROM hazards WHERE status IN ('reported', 'verified', 'rectifying')`,
  hazards_eliminated: sql`SELECT count(*) FROM hazards WHERE status = 'eliminated'`,
  places_inspected: sql`SELECT count(*) FROM places WHERE last_inspected_at IS NOT NULL`,
  river_patrols: sql`SELECT count(*) FROM river_patrols`,
  patrol_ebikes: sql`SELECT count(*) FROM patrol_units WHERE kind = 'ebike'`,
  schools: sql`SELECT count(*) FROM schools`,
  guard_posts: sql`SELECT count(*) FROM guard_posts`,
  incidents: sql`SELECT count(*) FROM incidents`,
} as const

export function statsRoutes(database: DbHandle): Router {
  const { db } = database
  const router = Router()
  router.use(gridCellStatsRoutes(database))
  router.use(monthlyCountsRoutes(database))
  router.get(
    '/stats',
    handle(async (_req, res) => {
      const layerCounts = LAYERS.map((l) => sql`SELECT ${l.id}::text AS key, count(*)::int AS n FROM ${sql.table(l.table)}`)
      const headlineCounts = Object.entries(HEADLINES).map(([key, q]) => sql`SELECT ${key}::text AS key, (${q})::int AS n`)
      const [layers, headlines] = await Promise.all([
        sql<{ key: string; n: number }>`${sql.join(layerCounts, sql` UNION ALL `)}`.execute(db),
        sql<{ key: string; n: number }>`${sql.join(headlineCounts, sql` UNION ALL `)}`.execute(db),
      ])
      res.json({
        layers: Object.fromEntries(layers.rows.map((r) => [r.key, r.n])),
        headlines: Object.fromEntries(headlines.rows.map((r) => [r.key, r.n])),
      })
    }),
  )
  return router
}
