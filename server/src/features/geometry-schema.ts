import type { Geometry } from 'geojson'
import { z } from 'zod'
import type { GeometryKind } from '../../../data/catalog/layers.ts'
import { ApiError } from '../http/errors.ts'

/**
 * At most this many positions in one geometry. A drawn zone or route has hundreds; 50,000 kept
 * the workload preview busy for seconds (and a drawn route's coverage buffer for minutes) on
 * either database. Past the limit the answer is 413 `too_many_vertices`, naming the limit and
 * the count, before anything reaches SQL.
 *
 * A geometry over the limit is refused, never simplified here: what it is used for needs it as
 * given (a feature is stored as drawn; split and merge return geometry the client saves; a zone's
 * or an analysis area's counts depend on exactly which points it covers). The one place the answer
 * allows changing it is the coverage buffer of the routes drawn with a workload preview, which
 * works on them in pieces (planner/preview.ts, linePieces).
 */
export const MAX_VERTICES = 10_000

/** The issue code a geometry over MAX_VERTICES carries (in the zod issue's params). */
const TOO_MANY = 'too_many_vertices'

/**
 * Positions in a GeoJSON `coordinates` value, counted without parsing it (a position is an array
 * whose first element is a number); stops counting once past `stopAt`. Depth is bounded: a
 * MultiPolygon nests four levels, anything deeper is not walked (the schema then refuses it).
 */
export function countVertices(coordinates: unknown, stopAt = Number.POSITIVE_INFINITY): number {
  let count = 0
  const walk = (value: unknown, depth: number): void => {
    if (!Array.isArray(value) || count > stopAt) return
    if (typeof value[0] === 'number') {
      count++
      return
    }
    if (depth >= 4) return
    for (const item of value) {
      walk(item, depth + 1)
      if (count > stopAt) return
    }
  }
  walk(coordinates, 0)
  return count
}

/**
 * Several geometries of one request that are worked on together (the routes drawn with a zone)
 * share one budget of MAX_VERTICES: 413 `too_many_vertices` past it.
 */
export function assertVertexBudget(geometries: ReadonlyArray<{ coordinates: unknown }>, field: string): void {
  const count = geometries.reduce((n, g) => n + countVertices(g.coordinates), 0)
  if (count > MAX_VERTICES) {
    throw new ApiError(413, TOO_MANY, `${field}: ${count.toLocaleString('en')} vertices in all; together they may have at most ${MAX_VERTICES.toLocaleString('en')} (simplify them before sending)`, {
      limit: MAX_VERTICES,
      count,
      path: field,
    })
  }
}

const vertexMessage = (count: number) =>
  `${count.toLocaleString('en')} vertices; a geometry may have at most ${MAX_VERTICES.toLocaleString('en')} (simplify it before sending)`

/**
 * The 413 for a request whose geometry had too many vertices, if any of the validation issues
 * says so; the body parsers (parseJsonBody, parseBody, the analysis area) call it first.
 */
export function vertexLimitError(issues: readonly z.core.$ZodIssue[]): ApiError | null {
  const issue = issues.find((i) => i.code === 'custom' && (i as { params?: { code?: unknown } }).params?.code === TOO_MANY)
  if (!issue) return null
  const { count } = (issue as unknown as { params: { count: number } }).params
  const where = issue.path.length ? issue.path.join('.') : 'geometry'
  return new ApiError(413, TOO_MANY, `${where}: ${issue.message}`, { limit: MAX_VERTICES, count, path: where })
}

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
    // Counted before the positions are parsed one by one: the count is cheap, the parse is not.
    const count = countVertices((value as { coordinates?: unknown }).coordinates)
    if (count > MAX_VERTICES) {
      ctx.addIssue({ code: 'custom', message: vertexMessage(count), params: { code: TOO_MANY, count, limit: MAX_VERTICES } })
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
