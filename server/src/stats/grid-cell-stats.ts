import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import type { DbHandle } from '../db/create-db.ts'
import { dbStep } from '../analysis/hex-db.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { handle } from '../http/errors.ts'
import { analysisGrids } from '../auth/request-scope.ts'
import { intArray } from '../auth/layer-access.ts'

/** Hazards not yet eliminated or rejected, and disputes still being worked on. */
export const OPEN_HAZARD_STATUSES = ['reported', 'verified', 'rectifying'] as const
export const OPEN_DISPUTE_STATUSES = ['reported', 'mediating'] as const

export interface GridCellStat {
  id: number
  households: number
  open_hazards: number
  disputes_open: number
  disputes_total: number
}

/**
 * Per grid cell, the counts the grid-cell tiles do not carry (they change with every report),
 * by the cell each point was assigned to (`grid_id`, migration 0009), in one statement:
 *
 * ```sql
 * WITH hz AS (SELECT grid_id, count(*) FROM hazards WHERE status IN (…open) GROUP BY grid_id),
 *      ds AS (SELECT grid_id, count(*) FILTER (WHERE status IN (…open)), count(*) FROM disputes GROUP BY grid_id)
 * SELECT g.id, g.households, … FROM grid_cells g LEFT JOIN hz … LEFT JOIN ds … ORDER BY g.id
 * ```
 */
export async function gridCellStats(db: Kysely<any>, grids?: readonly number[]): Promise<GridCellStat[]> {
  const r = await sql<GridCellStat>`
    WITH hz AS (
      SELECT grid_id, count(*)::int AS n FROM hazards
      WHERE grid_id IS NOT NULL AND status IN (${sql.join(OPEN_HAZARD_STATUSES)}) GROUP BY grid_id
    ),
    ds AS (
      SELECT grid_id, count(*) FILTER (WHERE status IN (${sql.join(OPEN_DISPUTE_STATUSES)}))::int AS open, count(*)::int AS total
      FROM disputes WHERE grid_id IS NOT NULL GROUP BY grid_id
    )
    SELECT g.id, coalesce(g.households, 0)::int AS households, coalesce(hz.n, 0)::int AS open_hazards,
           coalesce(ds.open, 0)::int AS disputes_open, coalesce(ds.total, 0)::int AS disputes_total
    FROM grid_cells g LEFT JOIN hz ON hz.grid_id = g.id LEFT JOIN ds ON ds.grid_id = g.id
    ${grids ? sql`WHERE g.id = ANY(${intArray(grids)})` : sql``}
    ORDER BY g.id`.execute(db)
  return r.rows
}

/** `GET /api/stats/grid-cells`: one row per grid cell (an officer's: their own cells), for colouring cells by a measure. */
export function gridCellStatsRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')
  router.get(
    '/stats/grid-cells',
    handle(async (req, res) => {
      const q = z.strictObject({}).safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      // An officer gets the rows of their own cells (whose hazards and disputes they may read), nobody else's.
      const grids = analysisGrids(req, undefined)
      const cells = await dbStep('counting hazards and disputes per grid cell', () => gridCellStats(db, grids))
      res.json({
        definitions: {
          households: 'grid_cells.households',
          open_hazards: `hazards with status ${OPEN_HAZARD_STATUSES.join(', ')} assigned to the cell`,
          disputes_open: `disputes with status ${OPEN_DISPUTE_STATUSES.join(', ')} assigned to the cell`,
          disputes_total: 'every dispute assigned to the cell',
        },
        cells,
      })
    }),
  )
  return router
}
