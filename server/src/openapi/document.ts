import { z } from 'zod'
import { LAYERS, type LayerDef } from '../../../data/catalog/layers.ts'
import { featureQuerySchema } from '../features/query-schema.ts'
import { geometryShapeSchema } from '../features/geometry-schema.ts'
import { propertiesShapeSchema } from '../features/property-schema.ts'
import { transitionSchema } from '../features/write-schema.ts'
import { PHOTO_TABLES } from '../features/photos.ts'
import { ROUTE_POLICIES, type RoutePolicy } from '../auth/policy.ts'
import { ogcPaths } from '../ogc/openapi.ts'
import { ENDPOINTS, operationOf, type Endpoint } from '../contract/endpoints.ts'

/** JSON Schema (OpenAPI 3.0 dialect) of the input a zod schema accepts. */
const schemaOf = (s: z.ZodType) => z.toJSONSchema(s, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>

const json = (schema: unknown, type = 'application/json') => ({ content: { [type]: { schema } } })
const ok = (schema: unknown, type?: string) => ({ description: 'OK', ...json(schema, type) })
const errorRef = { $ref: '#/components/schemas/Error' }
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: 'error', ...json(errorRef) }]))
const pascal = (id: string) => id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())

function layerPaths(layer: LayerDef): Record<string, unknown> {
  const base = `/api/layers/${layer.id}`
  const name = pascal(layer.id)
  const feature = { $ref: `#/components/schemas/${name}Feature` }
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
  const queryShape = featureQuerySchema.shape
  const listParams = [
    ...Object.entries(queryShape).map(([n, s]) => ({ name: n, in: 'query', required: false, schema: schemaOf(s as z.ZodType) })),
    ...layer.properties.map((p) => ({ name: p.name, in: 'query', required: false, description: `equals (${p.label.en})`, schema: { type: 'string' } })),
  ]
  const paths: Record<string, Record<string, unknown>> = {
    [`${base}/features`]: {
      get: { summary: `${layer.title.zh} · ${layer.title.en}: list, filter, page, export`, parameters: listParams, responses: { 200: { description: 'FeatureCollection (or CSV with format=csv)', ...json({ type: 'object' }, 'application/geo+json') }, ...errors(400, 404) } },
    },
    [`${base}/features/{id}`]: { get: { parameters: [idParam], responses: { 200: ok(feature, 'application/geo+json'), ...errors(404) } } },
  }
  if (!layer.editable) return paths
  paths[`${base}/features`]!.post = {
    summary: `create a ${layer.title.en} feature`,
    requestBody: { required: true, ...json({ $ref: `#/components/schemas/${name}Create` }) },
    responses: { 201: ok(feature, 'application/geo+json'), ...errors(400, 413, 422) },
  }
  paths[`${base}/features/{id}`]!.patch = {
    requestBody: { required: true, ...json({ $ref: `#/components/schemas/${name}Patch` }) },
    parameters: [idParam],
    responses: { 200: ok(feature, 'application/geo+json'), ...errors(404, 409, 422) },
  }
  paths[`${base}/features/{id}`]!.delete = {
    parameters: [idParam, { name: 'version', in: 'query', required: true, schema: { type: 'integer', minimum: 1 } }],
    responses: { 204: { description: 'deleted' }, ...errors(400, 404, 409) },
  }
  paths[`${base}/import`] = {
    post: {
      summary: 'import GeoJSON or CSV: all rows or none',
      requestBody: { required: true, content: { 'application/geo+json': { schema: { type: 'object' } }, 'text/csv': { schema: { type: 'string' } } } },
      responses: { 201: ok({ type: 'object', properties: { imported: { type: 'integer' }, ids: { type: 'array', items: { type: 'integer' } } } }), ...errors(400, 413, 422) },
    },
  }
  if (PHOTO_TABLES[layer.id]) {
    paths[`${base}/features/{id}/photo`] = {
      put: {
        summary: `the photo of a ${layer.title.en} feature {"content_type","data" (base64)}: one per feature, replaced when sent again, at most 1.5 MB (officers in their cells, administrators, and the volunteer who reported it; audited)`,
        parameters: [idParam],
        requestBody: { required: true, ...json({ type: 'object', required: ['content_type', 'data'], properties: { content_type: { type: 'string', enum: ['image/jpeg', 'image/png', 'image/webp'] }, data: { type: 'string', format: 'byte' } } }) },
        responses: { 200: ok({ type: 'object' }), ...errors(403, 404, 413, 422) },
      },
      get: { summary: 'the photo itself (the image), within your scope of the layer', parameters: [idParam], responses: { 200: { description: 'the image', content: { 'image/jpeg': {}, 'image/png': {}, 'image/webp': {} } }, ...errors(404) } },
    }
  }
  if (layer.lifecycle) {
    paths[`${base}/features/{id}/transitions`] = {
      get: { parameters: [idParam], responses: { 200: ok({ type: 'object' }), ...errors(404) } },
      post: { parameters: [idParam], requestBody: { required: true, ...json({ $ref: '#/components/schemas/Transition' }) }, responses: { 200: ok(feature, 'application/geo+json'), ...errors(404, 409, 422) } },
    }
  }
  return paths
}

function layerSchemas(layer: LayerDef): Record<string, unknown> {
  const name = pascal(layer.id)
  const geometry = schemaOf(geometryShapeSchema(layer.geometry))
  const out: Record<string, unknown> = {
    [`${name}Feature`]: { type: 'object', properties: { type: { type: 'string', enum: ['Feature'] }, id: { type: 'integer' }, geometry, properties: { type: 'object' } } },
  }
  if (layer.editable) {
    out[`${name}Create`] = { type: 'object', required: ['geometry'], properties: { type: { type: 'string', enum: ['Feature'] }, geometry, properties: schemaOf(propertiesShapeSchema(layer, 'create')) } }
    out[`${name}Patch`] = { type: 'object', required: ['version'], properties: { version: { type: 'integer', minimum: 1 }, geometry, properties: schemaOf(propertiesShapeSchema(layer, 'update')) } }
  }
  return out
}

/** What the routes without a hand-written entry do, in a line. */
const SUMMARIES: Record<string, string> = {
  'POST /api/live/positions': 'unit positions (device unit token as Bearer)',
  'GET /api/live/stream': 'Server-Sent Events: positions, incidents, hazard/dispute changes, alerts',
  'GET /api/metrics': 'Prometheus metrics of this process (requests, latency, pool, SSE clients, ingest, tile cache)',
  'PUT /api/officer/hazards/{id}/photo': 'the photo of a hazard {"content_type","data" (base64)}: one per hazard, replaced when sent again, at most 1.5 MB',
  'GET /ogc/api': 'the API definition of the OGC API – Features alone (its service-desc), with /ogc as its server',
}

/** `:param` path segments as OpenAPI `{param}`. */
const openApiPath = (p: string) => p.replace(/:([A-Za-z_]\w*)/g, '{$1}')

/**
 * Every endpoint of the route policy table that has no hand-written entry, with its path
 * parameters and who may call it (public ones need no credentials).
 */
function policyPaths(described: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {}
  for (const policy of ROUTE_POLICIES as readonly RoutePolicy[]) {
    const path = openApiPath(policy.path)
    const method = policy.method.toLowerCase()
    // The docs viewer's own page and files are not part of the API.
    if (described[path]?.[method] || path.startsWith('/api/layers/') || path.startsWith('/ogc/collections/{layer}') || path.startsWith('/api/docs')) continue
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }))
    const isPublic = policy.allow === 'public' || policy.allow === 'device'
    const who = typeof policy.allow === 'string' ? policy.allow : policy.allow.join(', ')
    out[path] ??= {}
    out[path]![method] = {
      summary: SUMMARIES[`${policy.method} ${path}`] ?? `${policy.method} ${path}`,
      description: `Allowed: ${who}.`,
      ...(params.length ? { parameters: params } : {}),
      ...(policy.allow === 'public' ? { security: [] } : policy.allow === 'device' ? { security: [{ bearer: [] }] } : {}),
      responses: { 200: ok({ type: 'object' }), ...(isPublic && policy.allow === 'public' ? {} : errors(401, 403)) },
    }
  }
  return out
}

/** A contract endpoint the policy makes public (signing in, who am I) needs no credentials, and the access check's 401/403 are not its answers. */
function publicAsPolicySays(e: Endpoint, op: Record<string, unknown>): Record<string, unknown> {
  const policy = (ROUTE_POLICIES as readonly RoutePolicy[]).find((p) => p.method === e.method && p.path === e.path)
  if (policy?.allow !== 'public') return op
  const responses = Object.fromEntries(Object.entries(op.responses as Record<string, unknown>).filter(([c]) => !['401', '403'].includes(c) || (e.errors ?? []).includes(Number(c))))
  return { ...op, security: [], responses }
}

let cached: Record<string, unknown> | undefined

/** The OpenAPI 3.0 document, generated from the catalog and the zod schemas that validate requests. */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached
  const described: Record<string, Record<string, unknown>> = {
      '/api/health': { get: { security: [], responses: { 200: ok({ type: 'object' }), 503: ok({ type: 'object' }) } } },
      ...Object.assign({}, ...LAYERS.map(layerPaths)),
      // OGC API – Features, with every collection's parameters (also served alone at /ogc/api).
      ...ogcPaths('/ogc'),
  }
  // The endpoints of the contract (server/src/contract): parameters, body and answers from their schemas.
  for (const e of ENDPOINTS) (described[openApiPath(e.path)] ??= {})[e.method.toLowerCase()] = publicAsPolicySays(e, operationOf(e))
  // The policy's other methods join a path's described ones (a path the contract gives GET may have a PUT that only the policy lists).
  const paths: Record<string, Record<string, unknown>> = { ...described }
  for (const [path, ops] of Object.entries(policyPaths(described))) paths[path] = { ...paths[path], ...ops }
  cached = {
    openapi: '3.0.3',
    info: {
      title: "Ping'an Grid API (平安网格)",
      version: '0.1.0',
      description: 'Community policing map and grid management. GeoJSON is RFC 7946 (lon/lat, WGS84). Sign in (session cookie; writes send X-CSRF-Token) or send an API token as Authorization: Bearer.',
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an API token from POST /api/auth/tokens or npm run user -- token' },
        session: { type: 'apiKey', in: 'cookie', name: 'pingan_session', description: 'set by POST /api/auth/login' },
      },
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } } },
        Transition: schemaOf(transitionSchema),
        ...Object.assign({}, ...LAYERS.map(layerSchemas)),
      },
    },
  }
  return cached
}
