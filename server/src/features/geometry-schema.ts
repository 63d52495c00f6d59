import type { Geometry } from 'geojson'
import { z } from 'zod'
import type { GeometryKind } from '../../../data/catalog/layers.ts'

/** [lon, lat] in range; a third (height) value is accepted and dropped. */
const position = z
  .array(z.number({ error: 'coordinates must be finite numbers' }), { error: 'a position is an array of numbers' })
  .min(2, 'a position needs lon and lat')
  .max(3, 'a position has at most lon, lat, height')
  .superRefine((p, ctx) => {
    const [lon, lat] = p as unknown as [unknown, unknown]
    if (typeof lon !== 'number' || typeof lat !== 'number') return
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) ctx.addIssue({ code: 'custom', message: 'coordinates must be finite' })
    else if (lon < -180 || lon > 180 || lat < -90 || lat > 90)
      ctx.addIssue({ code: 'custom', message: `position [${lon}, ${lat}] is outside lon −180…180 / lat −90…90 (lon first, as GeoJSON requires)` })
  })
  .transform((p) => [p[0]!, p[1]!])

const lineCoords = z.array(position).min(2, 'a line needs at least 2 positions')
const ring = z
  .array(position)
  .min(4, 'a polygon ring needs at least 4 positions')
  .superRefine((r, ctx) => {
    // Refinements run even when elements failed; only compare two real positions.
    const first = r[0]
    const last = r[r.length - 1]
    if (r.length < 4 || !Array.isArray(first) || !Array.isArray(last)) return
    if (first[0] !== last[0] || first[1] !== last[1]) ctx.addIssue({ code: 'custom', message: 'a polygon ring must be closed (first position = last)' })
  })
const polygonCoords = z.array(ring).min(1, 'a polygon needs an exterior ring')

const schemas = {
  Point: z.object({ type: z.literal('Point'), coordinates: position }).strict(),
  LineString: z.object({ type: z.literal('LineString'), coordinates: lineCoords }).strict(),
  MultiLineString: z.object({ type: z.literal('MultiLineString'), coordinates: z.array(lineCoords).min(1) }).strict(),
  Polygon: z.object({ type: z.literal('Polygon'), coordinates: polygonCoords }).strict(),
  MultiPolygon: z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygonCoords).min(1) }).strict(),
} as const

/** Geometry types a layer accepts: its own, and the single form of a multi layer (promoted on write). */
export function acceptedTypes(kind: GeometryKind): GeometryKind[] {
  switch (kind) {
    case 'MultiPolygon':
      return ['MultiPolygon', 'Polygon']
    case 'MultiLineString':
      return ['MultiLineString', 'LineString']
    case 'Point':
    case 'LineString':
    case 'Polygon':
      return [kind]
    default:
      return kind satisfies never
  }
}

/** The GeoJSON geometry shapes a layer accepts (also what the OpenAPI document shows). */
export function geometryShapeSchema(kind: GeometryKind) {
  const [first, ...rest] = acceptedTypes(kind).map((t) => schemas[t])
  return rest.length ? z.union([first!, ...rest]) : first!
}

/**
 * Validates the GeoJSON geometry for a layer with messages that name the problem ("must be a
 * Polygon, given Point") rather than a union's "invalid input"; returns the cleaned geometry.
 */
export function geometrySchema(kind: GeometryKind) {
  const accepted = acceptedTypes(kind)
  return z.unknown().transform((value, ctx): Geometry => {
    const type = (value as { type?: unknown } | null)?.type
    if (typeof value !== 'object' || value === null || typeof type !== 'string') {
      ctx.addIssue({ code: 'custom', message: 'geometry must be a GeoJSON geometry object' })
      return z.NEVER
    }
    if (!accepted.includes(type as GeometryKind)) {
      ctx.addIssue({ code: 'custom', message: `geometry must be a ${accepted.join(' or ')}, given ${type}` })
      return z.NEVER
    }
    const parsed = schemas[type as GeometryKind].safeParse(value)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path })
      return z.NEVER
    }
    return parsed.data as Geometry
  })
}
