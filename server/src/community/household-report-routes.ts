import type { Geometry } from 'geojson'
import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { sql } from 'kysely'
import { findLayer, type LayerDef } from '../../../data/catalog/layers.ts'
import { requirePrincipal } from '../auth/policy.ts'
import type { DbHandle } from '../db/create-db.ts'
import { insertFeature } from '../features/write-features.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { actorOf } from '../http/actor.ts'
import { ApiError, handle } from '../http/errors.ts'
import { parseCommunityBody, pathId } from './input.ts'
import { auditRecord, cellScope, cellWriteScope } from './scope.ts'
import { householdReportBody, householdReportCountsQuery, type HouseholdReportCounts, type HouseholdReportCreated, type HouseholdUnitReports } from '../contract/community.ts'

/** The kinds of suspicious activity a unit reports (the contract's). */
export { SUSPICIOUS_CATEGORIES } from '../contract/community.ts'

const layer = (id: string): LayerDef => findLayer(id)!

/** What a report row looks like in answers: its kind, and the category and status of what it became. */
const reportColumns = sql`r.id, r.code, r.household_unit_id, r.kind, r.dispute_id, r.hazard_id, r.grid_id, r.description, r.reported_at, r.recorded_by,
  coalesce(d.category, h.category, r.suspicious_category) AS category, coalesce(d.status, h.status, r.suspicious_status) AS status`

/**
 * Ten-household units' reports (十户联防): a dispute or hazard report becomes a dispute or hazard
 * feature (the same lifecycle, audit and live events as any other) linked to the unit; a report of
 * suspicious activity stays a report. Counts per unit and per grid cell.
 */
export function householdReportRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')

  router.post(
    '/household-units/:id/reports',
    handle(async (req, res) => {
      const id = pathId(req.params.id, 'household_unit')
      const scope = cellWriteScope(req, 'u.grid_id')
      const body = parseCommunityBody(householdReportBody, req.body)
      const principal = requirePrincipal(req)
      const actor = actorOf(req)
      const out = await db.transaction().execute(async (trx) => {
        const unit = (await sql<{ id: number; grid_id: number | null; geometry: string }>`
          SELECT u.id, u.grid_id, ST_AsGeoJSON(u.geom) AS geometry FROM household_units u WHERE u.id = ${id} AND ${scope} FOR UPDATE OF u`.execute(trx)).rows[0]
        if (!unit) throw new ApiError(404, 'unknown_household_unit', `no ten-household unit ${id}`)
        const geometry = JSON.parse(unit.geometry) as Geometry
        const reportedAt = body.reportedAt ? new Date(body.reportedAt).toISOString() : undefined
        // The feature is written as the reporting account would write it: same scope, same audit.
        const access = { createdBy: principal.userId, ...(principal.role === 'officer' ? { scope: cellWriteScope(req, 't.grid_id') } : {}) }
        let featureId: number | null = null
        let feature: HouseholdReportCreated['feature'] = null
        if (body.kind === 'dispute') {
          const properties = { category: body.category, source: 'household_unit', parties: body.parties, description: body.description ?? '', household_unit_id: id, reported_at: reportedAt }
          const created = await insertFeature(trx, layer('disputes'), { properties, geometry }, actor, 'create', access)
          ;[featureId, feature] = [created.id, JSON.parse(created.feature)]
        } else if (body.kind === 'hazard') {
          const properties = { category: body.category, source: 'offline', description: body.description ?? '', reported_at: reportedAt }
          const created = await insertFeature(trx, layer('hazards'), { properties, geometry }, actor, 'create', access)
          ;[featureId, feature] = [created.id, JSON.parse(created.feature)]
        }
        const report = (await sql<HouseholdReportCreated['report']>`
          INSERT INTO household_reports (household_unit_id, kind, dispute_id, hazard_id, suspicious_category, suspicious_status, description, grid_id, reported_at, recorded_by)
          VALUES (${id}, ${body.kind}, ${body.kind === 'dispute' ? featureId : null}, ${body.kind === 'hazard' ? featureId : null},
                  ${body.kind === 'suspicious' ? body.category : null}, ${body.kind === 'suspicious' ? 'open' : null},
                  ${body.description ?? ''}, ${unit.grid_id}, coalesce(${reportedAt ?? null}::timestamptz, now()), ${actor})
          -- A dispute's report row is already there (migration 0019 links the unit's disputes): this one completes it.
          ON CONFLICT (district_code, dispute_id) DO UPDATE SET description = excluded.description, reported_at = excluded.reported_at, recorded_by = excluded.recorded_by
          RETURNING *`.execute(trx)).rows[0]!
        await auditRecord(trx, { actor, action: 'create', layer: 'household_reports', id: report.id, after: report })
        return { report, feature } satisfies HouseholdReportCreated
      })
      res.status(201).json(out)
    }),
  )

  router.get(
    '/household-units/:id/reports',
    handle(async (req, res) => {
      const id = pathId(req.params.id, 'household_unit')
      const unit = (await sql<HouseholdUnitReports['unit']>`
        SELECT u.id, u.code, u.name, u.lead_name, u.households, u.grid_id, u.reports FROM household_units u
        WHERE u.id = ${id} AND ${cellScope(req, 'u.grid_id')}`.execute(db)).rows[0]
      if (!unit) throw new ApiError(404, 'unknown_household_unit', `no ten-household unit ${id}`)
      const r = await sql<HouseholdUnitReports['reports'][number]>`
        SELECT ${reportColumns} FROM household_reports r LEFT JOIN disputes d ON d.id = r.dispute_id LEFT JOIN hazards h ON h.id = r.hazard_id
        WHERE r.household_unit_id = ${id} ORDER BY r.reported_at DESC, r.id DESC`.execute(db)
      res.json({ unit, reports: r.rows } satisfies HouseholdUnitReports)
    }),
  )

  router.get(
    '/household-reports/counts',
    handle(async (req, res) => {
      const q = householdReportCountsQuery.safeParse(req.query)
      if (!q.success) throw invalidQuery(q.error.issues)
      const f = q.data
      const where = sql`${cellScope(req, 'g.id')}
        AND (${f.grid ?? null}::int IS NULL OR g.id = ${f.grid ?? null}::int) AND (${f.station ?? null}::int IS NULL OR g.station_id = ${f.station ?? null}::int)`
      const inPeriod = sql`(${f.from ?? null}::timestamptz IS NULL OR r.reported_at >= ${f.from ?? null}::timestamptz)
        AND (${f.to ?? null}::timestamptz IS NULL OR r.reported_at < ${f.to ?? null}::timestamptz)`
      const tally = sql`count(*) FILTER (WHERE r.kind = 'dispute')::int AS dispute, count(*) FILTER (WHERE r.kind = 'hazard')::int AS hazard,
        count(*) FILTER (WHERE r.kind = 'suspicious')::int AS suspicious, count(r.id)::int AS total`
      // Every cell in scope (zeros included); units only when they reported, most first.
      const rows = f.by === 'grid'
        ? await sql<HouseholdReportCounts['rows'][number]>`
            SELECT g.id AS grid_id, g.code, g.name, g.station_id, ${tally}
            FROM grid_cells g LEFT JOIN household_reports r ON r.grid_id = g.id AND ${inPeriod}
            WHERE ${where} GROUP BY g.id ORDER BY total DESC, g.id LIMIT ${f.limit}`.execute(db)
        : await sql<HouseholdReportCounts['rows'][number]>`
            SELECT u.id AS household_unit_id, u.code, u.name, u.lead_name, r.grid_id, ${tally}
            FROM household_reports r JOIN household_units u ON u.id = r.household_unit_id
            JOIN grid_cells g ON g.id = r.grid_id
            WHERE ${where} AND ${inPeriod} GROUP BY u.id, r.grid_id ORDER BY total DESC, u.id LIMIT ${f.limit}`.execute(db)
      const totals = (await sql<HouseholdReportCounts['totals']>`
        SELECT ${tally}, count(DISTINCT r.household_unit_id)::int AS units
        FROM household_reports r JOIN grid_cells g ON g.id = r.grid_id WHERE ${where} AND ${inPeriod}`.execute(db)).rows[0]
      res.json({ by: f.by, totals: totals!, rows: rows.rows } satisfies HouseholdReportCounts)
    }),
  )

  return router
}
