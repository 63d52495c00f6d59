import type { MultiPolygon, Polygon } from 'geojson'
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { geometrySchema, vertexLimitError } from '../features/geometry-schema.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { geometryProblems } from '../features/write-features.ts'
import { ApiError } from '../http/errors.ts'
import { dbStep } from './hex-db.ts'

/** The study area of an analysis: where bins are laid and which points count. */
export type AreaSpec =
  | { kind: 'city' }
  | { kind: 'admin'; code: string }
  | { kind: 'station'; id: number }
  | { kind: 'grid'; id: number }
  /** An officer's own cells: their study area when they name none (issue 15). */
  | { kind: 'grids'; ids: readonly number[] }
  | { kind: 'polygon'; geometry: Polygon | MultiPolygon }

export const AREA_FORMS = 'an admin code (district, town or village), station:<police unit id>, grid:<grid cell id>, or none for the whole city'

/** `area=` of a GET: the city when absent. */
export function parseAreaParam(value: string | undefined): AreaSpec {
  if (value === undefined || value === '' || value === 'city') return { kind: 'city' }
  if (/^[0-9]{4,12}$/.test(value)) return { kind: 'admin', code: value }
  const m = /^(station|grid):([1-9][0-9]{0,9})$/.exec(value)
  if (m && Number(m[2]) <= 2_147_483_647) return m[1] === 'station' ? { kind: 'station', id: Number(m[2]) } : { kind: 'grid', id: Number(m[2]) }
  throw new ApiError(400, 'invalid_query', `area: "${value.slice(0, 60)}" is not ${AREA_FORMS}`)
}

// Metric work is in UTM zone 51N; far outside it distances and areas are distorted.
const LON_MIN = 117
const LON_MAX = 129

/** A drawn area (POST body): a GeoJSON Polygon or MultiPolygon, bare or as a Feature's geometry. */
export async function parseAreaBody(db: Kysely<any>, body: unknown): Promise<AreaSpec> {
  const candidate = (body as { type?: unknown } | null)?.type === 'Feature' ? (body as { geometry?: unknown }).geometry : body
  const parsed = geometrySchema('MultiPolygon').safeParse(candidate)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ ...i, path: ['area', ...i.path] }))
    throw vertexLimitError(issues) ?? invalidQuery(issues)
  }
  const geometry = parsed.data as Polygon | MultiPolygon
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat()
  for (const ring of rings) {
    for (const [lon] of ring) {
      if (lon! < LON_MIN || lon! > LON_MAX) {
        throw new ApiError(400, 'invalid_query', `area: longitude ${lon} is outside ${LON_MIN}°E–${LON_MAX}°E; metric work is in EPSG:32651 (UTM zone 51N)`)
      }
    }
  }
  const [problem] = await dbStep('checking the drawn area', () => geometryProblems(db, [geometry]))
  if (problem) throw new ApiError(422, 'invalid_geometry', `area: ${problem}`)
  return { kind: 'polygon', geometry }
}

/**
 * The area as rows of `geom` (EPSG:4326 polygons). A station's area is the grid cells of the
 * unit and every unit under it, kept as separate rows: unioning cells that share edges is the
 * overlay that can fail in GEOS, and predicates over the rows (EXISTS … ST_Intersects) need none.
 */
export function areaRowsSql(spec: AreaSpec): RawBuilder<unknown> {
  switch (spec.kind) {
    case 'city':
      return sql`SELECT geom FROM admin_areas WHERE level = 'city'`
    case 'admin':
      return sql`SELECT geom FROM admin_areas WHERE code = ${spec.code}`
    case 'grid':
      return sql`SELECT geom FROM grid_cells WHERE id = ${spec.id}`
    case 'grids':
      return sql`SELECT geom FROM grid_cells WHERE id = ANY(${`{${spec.ids.join(',')}}`}::int[])`
    case 'station':
      return sql`
        WITH RECURSIVE units AS (
          SELECT id FROM police_units WHERE id = ${spec.id}
          UNION ALL SELECT u.id FROM police_units u JOIN units ON u.parent_id = units.id
        )
        SELECT g.geom FROM grid_cells g WHERE g.station_id IN (SELECT id FROM units)`
    case 'polygon':
      return sql`SELECT ST_Multi(ST_ForcePolygonCCW(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(spec.geometry)}), 4326))) AS geom`
    default:
      return spec satisfies never
  }
}

function nameSql(spec: AreaSpec): RawBuilder<string | null> {
  switch (spec.kind) {
    case 'city':
      return sql`(SELECT name FROM admin_areas WHERE level = 'city' LIMIT 1)`
    case 'admin':
      return sql`(SELECT name FROM admin_areas WHERE code = ${spec.code})`
    case 'grid':
      return sql`(SELECT name FROM grid_cells WHERE id = ${spec.id})`
    case 'grids':
      return sql`(SELECT string_agg(name, '、' ORDER BY id) FROM grid_cells WHERE id = ANY(${`{${spec.ids.join(',')}}`}::int[]))`
    case 'station':
      return sql`(SELECT name FROM police_units WHERE id = ${spec.id})`
    case 'polygon':
      return sql`NULL::text`
    default:
      return spec satisfies never
  }
}

export interface AreaInfo {
  spec: AreaSpec
  /** What the response echoes: kind, id and name (the drawn polygon is not echoed back). */
  label: { kind: AreaSpec['kind']; id: string | number | null; name: string | null; parts: number }
  /** Extent in EPSG:32651. */
  extent: { xmin: number; ymin: number; xmax: number; ymax: number }
  /** Sum of the parts' areas and the largest part's area, m² in EPSG:32651. */
  areaM2: number
  largestPartM2: number
}

/**
 * The study area for the caller: an officer who names no area studies their own cells (their
 * points are only those; a city-wide lattice around them would call their whole grid "hot" next
 * to the empty rest of the city).
 */
export function areaFor(principal: { role: string; gridIds: readonly number[] }, spec: AreaSpec): AreaSpec {
  return principal.role === 'officer' && spec.kind === 'city' && principal.gridIds.length ? { kind: 'grids', ids: principal.gridIds } : spec
}

/** Resolves the area: 404 when the named area does not exist or has no geometry. */
export async function describeArea(db: Kysely<any>, spec: AreaSpec): Promise<AreaInfo> {
  const r = await dbStep('resolving the analysis area', () =>
    sql<{ parts: number; name: string | null; xmin: number | null; ymin: number | null; xmax: number | null; ymax: number | null; area: number | null; largest: number | null }>`
      WITH a AS MATERIALIZED (SELECT ST_Transform(geom, 32651) AS g FROM (${areaRowsSql(spec)}) s)
      SELECT count(*)::int AS parts, ${nameSql(spec)} AS name,
        ST_XMin(ST_Extent(g)) AS xmin, ST_YMin(ST_Extent(g)) AS ymin, ST_XMax(ST_Extent(g)) AS xmax, ST_YMax(ST_Extent(g)) AS ymax,
        sum(ST_Area(g)) AS area, max(ST_Area(g)) AS largest
      FROM a`.execute(db),
  )
  const row = r.rows[0]
  if (!row) throw new Error('resolving the analysis area: no row returned (a swallowed database error?)')
  const id = spec.kind === 'admin' ? spec.code : spec.kind === 'station' || spec.kind === 'grid' ? spec.id : null
  if (row.parts === 0 || row.xmin === null) {
    const what = spec.kind === 'station' ? `police unit ${id} (or it has no grid cells)` : spec.kind === 'grid' ? `grid cell ${id}` : spec.kind === 'admin' ? `admin area ${id}` : spec.kind === 'grids' ? 'grid cells of yours' : 'city boundary'
    throw new ApiError(404, 'unknown_area', `area: no ${what}`)
  }
  return {
    spec,
    label: { kind: spec.kind, id, name: row.name, parts: row.parts },
    extent: { xmin: row.xmin, ymin: row.ymin!, xmax: row.xmax!, ymax: row.ymax! },
    areaM2: Number(row.area),
    largestPartM2: Number(row.largest),
  }
}

/**
 * The CTEs `area` (the area's parts, with their geometry in EPSG:32651 as geom_m) and `bounds`
 * (all parts collected, and their lon/lat envelope), opening a WITH list of the hexagon analyses.
 */
export function areaCtesSql(area: AreaSpec): RawBuilder<unknown> {
  return sql`area AS MATERIALIZED (
      SELECT geom, ST_Transform(geom, 32651) AS geom_m FROM (${areaRowsSql(area)}) a
    ),
    bounds AS MATERIALIZED (
      SELECT ST_Collect(geom_m) AS geom_m, ST_Envelope(ST_Collect(geom)) AS env FROM area
    )`
}

/**
 * The hexagons of the area (after `areaCtesSql`) with how many of `indexed`'s rows (columns i, j)
 * fall in each. Joins are planned from row estimates the set-returning functions cannot give (a
 * nested loop over thousands of bins each side); UNION ALL + GROUP BY needs no join at all. A
 * hexagon holding a point of the area intersects the area; only empty ones are tested.
 */
export function areaBinsSql(cell: number, indexed: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
      SELECT i, j, sum(n)::int AS n FROM (
        SELECT h.i, h.j, 0 AS n FROM bounds, ST_HexagonGrid(${cell}::float8, bounds.geom_m) AS h
        UNION ALL SELECT i, j, 1 FROM (${indexed}) k
      ) u
      GROUP BY i, j
      HAVING sum(n) > 0 OR EXISTS (SELECT 1 FROM area WHERE ST_Intersects(area.geom_m, ST_SetSRID(ST_Hexagon(${cell}::float8, i, j), 32651)))`
}
