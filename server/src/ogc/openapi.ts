import { LAYERS, type LayerDef } from '../../../data/catalog/layers.ts'
import { DEFAULT_LIMIT, MAX_LIMIT } from './items-query.ts'
import { GEOJSON_TYPE, JSON_TYPE } from './links.ts'

/**
 * The OGC API – Features part of the API definition: every collection's items path with the
 * parameters Core requires (limit with its default and maximum, bbox, datetime) and the ones this
 * server adds (after: keyset paging; offset; the collection's properties as equality filters), so
 * a client such as GDAL (OAPIF) or QGIS knows what it may ask. Paths are relative to `prefix`
 * (`''` for the document served at /ogc/api, whose server is /ogc; `/ogc` inside the whole API's).
 */
export function ogcPaths(prefix: string, layers: readonly LayerDef[] = LAYERS): Record<string, Record<string, unknown>> {
  const ok = (type: string, description: string) => ({ 200: { description, content: { [type]: { schema: { type: 'object' } } } } })
  const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: 'error', content: { [JSON_TYPE]: { schema: { $ref: '#/components/schemas/Error' } } } }]))
  const f = { name: 'f', in: 'query', required: false, description: 'the encoding: json (the only one served)', schema: { type: 'string', enum: ['json', 'geojson', 'application/json', 'application/geo+json'] } }
  const paths: Record<string, Record<string, unknown>> = {
    [prefix || '/']: { get: { summary: 'landing page', security: [], parameters: [f], responses: { ...ok(JSON_TYPE, 'links to the API definition, conformance and the collections') } } },
    [`${prefix}/conformance`]: { get: { summary: 'conformance classes', security: [], parameters: [f], responses: { ...ok(JSON_TYPE, 'conformsTo') } } },
    [`${prefix}/collections`]: { get: { summary: 'the layers the caller may read', parameters: [f], responses: { ...ok(JSON_TYPE, 'collections'), ...errors(401) } } },
  }
  for (const layer of layers) {
    const base = `${prefix}/collections/${layer.id}`
    const title = `${layer.title.en} (${layer.title.zh})`
    paths[base] = { get: { summary: `${title}: the collection`, parameters: [f], responses: { ...ok(JSON_TYPE, 'collection'), ...errors(401, 403) } } }
    paths[`${base}/items`] = {
      get: {
        summary: `${title}: features, in id order`,
        description: `Pages of at most \`limit\` features (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}; a larger limit is lowered to it). Follow the \`next\` link: it continues after the page's last id. numberMatched is given on the first page.`,
        parameters: [
          { name: 'limit', in: 'query', required: false, style: 'form', explode: false, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
          { name: 'bbox', in: 'query', required: false, style: 'form', explode: false, description: 'minLon,minLat,maxLon,maxLat (CRS84)', schema: { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } } },
          ...(layer.timeColumn
            ? [{ name: 'datetime', in: 'query', required: false, style: 'form', explode: false, description: `an RFC 3339 instant or interval (a/b, ../b, a/..) on ${layer.timeColumn}`, schema: { type: 'string' } }]
            : []),
          { name: 'after', in: 'query', required: false, description: 'keyset paging: features whose id is greater (the next link sets it)', schema: { type: 'integer', minimum: 0 } },
          { name: 'offset', in: 'query', required: false, description: 'skip this many features (prefer the next link)', schema: { type: 'integer', minimum: 0 } },
          ...layer.properties.map((p) => ({ name: p.name, in: 'query', required: false, style: 'form', explode: false, description: `equals (${p.label.en} · ${p.label.zh})`, schema: { type: 'string' } })),
          f,
        ],
        responses: { ...ok(GEOJSON_TYPE, 'FeatureCollection with links (self, collection, next)'), ...errors(400, 401, 403, 404, 406) },
      },
    }
    paths[`${base}/items/{featureId}`] = {
      get: {
        summary: `${title}: one feature`,
        parameters: [{ name: 'featureId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }, f],
        responses: { ...ok(GEOJSON_TYPE, 'Feature with links'), ...errors(401, 403, 404) },
      },
    }
  }
  return paths
}

/** The API definition of the OGC API at /ogc (its `service-desc`), for OGC clients. */
export function ogcOpenApiDocument(root: string): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: { title: "Ping'an Grid 平安网格: OGC API – Features", version: '1.0.0', description: 'The layers of the map as OGC API – Features (Core, GeoJSON, OpenAPI 3.0). Send an API token as Authorization: Bearer.' },
    servers: [{ url: root }],
    security: [{ bearer: [] }],
    paths: ogcPaths(''),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API token from POST /api/auth/tokens or npm run user -- token' } },
      schemas: { Error: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } } } },
    },
  }
}
