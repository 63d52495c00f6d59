import { z } from 'zod'
import * as analysis from './analysis.ts'
import * as requests from './analysis-requests.ts'
import * as planner from './planner.ts'
import { areaGeometry } from './geojson.ts'
import { jsonSchemaOf } from './json-schema.ts'

/**
 * The endpoints whose requests and answers are defined in this folder: the routes validate their
 * input with these schemas, tests/api/contract.test.ts checks every answer against them on both
 * databases, the OpenAPI document is generated from them, and the client infers its types from
 * them. Paths are written as the routers write them (`:id`).
 */
export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  summary: string
  query?: z.ZodObject
  body?: z.ZodType
  /** The answer by media type (several when `format=` chooses one). */
  answer: Record<string, z.ZodType | null>
  /** Error statuses the endpoint itself gives (besides 401/403 of the access check). */
  errors?: number[]
}

const GEOJSON = 'application/geo+json'
const JSON_TYPE = 'application/json'
const CSV = 'text/csv'

export const ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/api/analysis/coverage',
    summary: 'patrol coverage per grid cell (an officer: their own cells), with city and station totals; format=csv for the table',
    query: requests.coverageQuery,
    answer: { [GEOJSON]: analysis.coverageAnswer, [CSV]: null },
    errors: [400, 404],
  },
  {
    method: 'GET',
    path: '/api/analysis/hotspots',
    summary: 'hexagon bins with Getis-Ord Gi* over the points the caller may read (every bin of the area, zero counts included); format=bins for the compact form',
    query: requests.hotspotQuery,
    answer: { [GEOJSON]: analysis.hotspotAnswer, [JSON_TYPE]: analysis.hexagonBins },
    errors: [400],
  },
  {
    method: 'POST',
    path: '/api/analysis/hotspots',
    summary: 'the same over a drawn area (a GeoJSON Polygon, MultiPolygon or a Feature of one in the body)',
    query: requests.hotspotPostQuery,
    body: areaGeometry,
    answer: { [GEOJSON]: analysis.hotspotAnswer, [JSON_TYPE]: analysis.hexagonBins },
    errors: [400, 413],
  },
  {
    method: 'GET',
    path: '/api/analysis/emerging-hotspots',
    summary: "emerging hot spots (Esri's 17 categories): space-time Gi* over hexagon bins × weeks or months, Mann–Kendall on each bin's z series; format=bins for the compact form, csv for a table",
    query: requests.emergingQuery,
    answer: { [GEOJSON]: analysis.emergingAnswer, [JSON_TYPE]: analysis.emergingBins, [CSV]: null },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/api/analysis/dosage',
    summary: "patrol dosage in hot spots from the units' GPS reports: per hot spot and Beijing day the minutes of presence, visits, full visits, the longest gap and the units, worst first; each station's dosage ratio",
    query: requests.dosageQuery,
    answer: { [JSON_TYPE]: analysis.dosageAnswer },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/api/analysis/density',
    summary: 'quartic kernel density surface (points per km², grid points with density above zero)',
    query: requests.densityQuery,
    answer: { [GEOJSON]: analysis.densityAnswer },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/api/analysis/seasonal',
    summary: 'the four-seasons screen per grid cell: the focus category of the season, past seasons, cells flagged and ranked, per station',
    query: requests.seasonalQuery,
    answer: { [JSON_TYPE]: analysis.seasonalAnswer },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/api/stats/monthly',
    summary: 'counts per calendar month (Asia/Shanghai) for the hotspot filters, within the caller\'s read scope',
    query: requests.monthlyQuery,
    answer: { [JSON_TYPE]: analysis.monthlyAnswer },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/api/stats/grid-cells',
    summary: 'one row per grid cell (an officer: their own cells): households, open hazards, open and all disputes',
    query: z.strictObject({}),
    answer: { [JSON_TYPE]: analysis.gridCellStatsAnswer },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/api/analysis/workload',
    summary: 'per patrol zone: households, hazards, disputes, schools, guard posts, area, route length',
    query: requests.workloadQuery,
    answer: { [JSON_TYPE]: planner.workloadAnswer },
    errors: [400],
  },
  {
    method: 'POST',
    path: '/api/analysis/workload/preview',
    summary: "the workload of a zone as drawn (not saved): route length inside, coverage by the routes, overlaps with the station's or team's zones; 422 invalid_geometry with details {reason, location}",
    body: planner.previewBody,
    answer: { [JSON_TYPE]: planner.workloadPreviewAnswer },
    errors: [400, 413, 422],
  },
  {
    method: 'POST',
    path: '/api/planner/split',
    summary: 'a zone cut by a line → its parts (ST_Split; nothing written)',
    body: planner.splitBody,
    answer: { [JSON_TYPE]: planner.splitAnswer },
    errors: [400, 422],
  },
  {
    method: 'POST',
    path: '/api/planner/merge',
    summary: 'zones merged → one geometry (ST_UnaryUnion; 422 when they do not touch; nothing written)',
    body: planner.mergeBody,
    answer: { [JSON_TYPE]: planner.mergeAnswer },
    errors: [400, 422],
  },
  {
    method: 'GET',
    path: '/api/planner/:layer/:id/history',
    summary: 'every saved version of a patrol zone or route (the audit log, newest first)',
    answer: { [JSON_TYPE]: planner.historyAnswer },
    errors: [404],
  },
]

/** The endpoint declared for this method and router path, if any. */
export const endpointFor = (method: string, path: string) => ENDPOINTS.find((e) => e.method === method && e.path === path)

const errorRef = { $ref: '#/components/schemas/Error' }

/** The OpenAPI operation of an endpoint: every query parameter, the body and every answer. */
export function operationOf(e: Endpoint): Record<string, unknown> {
  const pathParams = [...e.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }))
  const queryParams = Object.entries(e.query?.shape ?? {}).map(([name, s]) => {
    const schema = jsonSchemaOf(s as z.ZodType, 'input')
    const { description, ...rest } = schema
    return { name, in: 'query', required: !(s as z.ZodType).safeParse(undefined).success, ...(description ? { description } : {}), schema: rest }
  })
  const params = [...pathParams, ...queryParams]
  const content = Object.fromEntries(Object.entries(e.answer).map(([type, s]) => [type, { schema: s ? jsonSchemaOf(s, 'output') : { type: 'string' } }]))
  return {
    summary: e.summary,
    ...(params.length ? { parameters: params } : {}),
    ...(e.body ? { requestBody: { required: true, content: { [JSON_TYPE]: { schema: jsonSchemaOf(e.body, 'input') } } } } : {}),
    responses: {
      200: { description: 'OK', content },
      ...Object.fromEntries([...(e.errors ?? []), 401, 403].map((c) => [String(c), { description: 'error', content: { [JSON_TYPE]: { schema: errorRef } } }])),
    },
  }
}
