import type { LineString, Polygon } from 'geojson'
import { z } from 'zod'
import { geometryShapeSchema, geometrySchema } from '../features/geometry-schema.ts'
import { bodyId } from '../http/ints.ts'
import { documentedAs } from './json-schema.ts'
import { areaGeometry, lineStringGeometry, multiPolygonGeometry, polygonGeometry } from './geojson.ts'

/**
 * The planner's requests and answers (server/src/planner/routes.ts, the workload in
 * server/src/analysis/coverage-routes.ts); the client's planner-api.ts takes its types from here.
 */

/** Validated with messages that name the problem; documented as the GeoJSON shape it accepts. */
const polygon = documentedAs(geometrySchema('Polygon') as unknown as z.ZodType<Polygon>, geometryShapeSchema('Polygon'))
const line = documentedAs(geometrySchema('LineString') as unknown as z.ZodType<LineString>, geometryShapeSchema('LineString'))

export const previewBody = z
  .strictObject({
    geometry: polygon.describe('the zone as drawn (not yet saved, or an edit of a saved one)'),
    routes: z.array(line).max(200).default([]).describe('routes drawn with it and not saved yet'),
    exclude_routes: z.array(bodyId()).max(1000).default([]).describe('saved routes left out (their edited form comes in routes)'),
    zone_id: bodyId().optional().describe('the saved zone this drawing edits: left out of the overlap check'),
    station_id: bodyId().optional().describe('overlaps are reported with the zones of this station'),
    team: z.string().min(1).max(100).optional().describe('… or of this team'),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    buffer: z.number().positive('buffer must be more than 0 m').max(5000, 'buffer is at most 5000 m').default(200).describe('coverage buffer around the routes, metres'),
  })
  .refine((b) => !b.from || !b.to || b.from <= b.to, 'from must not be after to')

export const splitBody = z.strictObject({ geometry: polygon, line })
export const mergeBody = z.strictObject({ geometries: z.array(polygon).min(2, 'give at least two zones').max(20) })
export const restoreBody = z.strictObject({ version: bodyId(), entry: bodyId() })

const count = z.number().int().nonnegative()

export const previewOverlap = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  team: z.string(),
  station_id: z.number().int(),
  area_m2: z.number(),
  geometry: areaGeometry,
})
/** What a zone holds, for a saved zone and a drawn one alike. */
const zoneCounts = {
  households: count,
  household_units: count,
  hazards_open: count,
  disputes: count,
  schools: count,
  guard_posts: count,
}
export const workloadPreviewAnswer = z.strictObject({
  parameters: z.strictObject({ buffer: z.number(), from: z.string().nullable(), to: z.string().nullable(), station_id: z.number().int().nullable(), team: z.string().nullable() }),
  ...zoneCounts,
  area_m2: z.number(),
  route_m: z.number().describe('length of the routes (saved ones crossing the zone, and the drawn ones) inside the zone'),
  covered_m2: z.number().describe('area of the zone within buffer m of those routes'),
  covered_share: z.number(),
  route_ids: z.array(z.number().int()).describe('saved routes counted'),
  overlaps: z.array(previewOverlap),
})
export const splitAnswer = z.strictObject({ parts: z.array(polygonGeometry) })
export const mergeAnswer = z.strictObject({ geometry: areaGeometry })

export const zoneWorkload = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  team: z.string(),
  priority: z.number().int(),
  station_id: z.number().int(),
  station_name: z.string(),
  ...zoneCounts,
  area_km2: z.number(),
  route_km: z.number(),
})
export const workloadAnswer = z.strictObject({ parameters: z.looseObject({}), zones: z.array(zoneWorkload) })

const auditedFeature = z.looseObject({ properties: z.record(z.string(), z.unknown()), geometry: z.discriminatedUnion('type', [polygonGeometry, multiPolygonGeometry, lineStringGeometry]) })
export const historyEntry = z.strictObject({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  reason: z.string().nullable(),
  after: auditedFeature.nullable().describe('the feature after this change (null for a delete)'),
  before: auditedFeature.nullable(),
})
export const historyAnswer = z.strictObject({ layer: z.string(), id: z.number().int(), entries: z.array(historyEntry) })

export type PreviewRequest = z.input<typeof previewBody>
export type PreviewOverlap = z.output<typeof previewOverlap>
export type WorkloadPreview = z.output<typeof workloadPreviewAnswer>
export type ZoneWorkload = z.output<typeof zoneWorkload>
export type HistoryEntry = z.output<typeof historyEntry>
