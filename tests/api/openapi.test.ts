import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HAZARD_CATEGORIES, LAYERS } from '../../data/catalog/layers.ts'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb } from '../helpers/test-db.ts'

describe('GET /api/openapi.json', () => {
  let server: TestServer
  let doc: any
  beforeAll(async () => {
    server = await listen(createApp({ database: await getTestDb(), logger: createLogger('silent') }))
    const r = await apiClient(server.url).get('/api/openapi.json')
    expect(r.status).toBe(200)
    doc = r.body
  })
  afterAll(() => server.close())

  it('is a valid OpenAPI 3 document', async () => {
    const result = await new Validator().validate(doc)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
  })

  it('describes every endpoint of the app, and says which ones need no credentials', () => {
    const app = createApp({ database: { db: {} as never, backend: 'pglite', close: async () => {}, listen: async () => () => {} } as never, logger: createLogger('silent') })
    const documented = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)),
    )
    const missing = (app.locals.routes as Array<{ method: string; path: string }>)
      .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z_]\w*)/g, '{$1}')}`)
      // The docs viewer (/api/docs: its page and files) is not part of the API it shows.
      .filter((r) => !r.includes('/api/layers/{layer}') && !r.includes('/ogc/collections/{layer}') && !r.startsWith('GET /api/docs') && !documented.has(r))
    expect(missing).toEqual([])
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(doc.paths['/api/auth/login'].post.security).toEqual([])
    expect(doc.paths['/api/health'].get.security).toEqual([])
    expect(doc.paths['/api/analysis/coverage'].get.security).toBeUndefined()
  })

  it('describes every layer, and writes only for the editable ones', () => {
    for (const layer of LAYERS) {
      // Each layer's routes behind /api/layers/{layer} and /ogc/collections/{layer} are described one by one.
      for (const p of [`/ogc/collections/${layer.id}`, `/ogc/collections/${layer.id}/items`, `/ogc/collections/${layer.id}/items/{featureId}`]) expect(doc.paths[p]?.get, p).toBeDefined()
      const list = doc.paths[`/api/layers/${layer.id}/features`]
      expect(list.get, layer.id).toBeDefined()
      expect(Boolean(list.post), layer.id).toBe(Boolean(layer.editable))
    }
  })

  it('is generated from the validating schemas: the hazard form takes exactly the catalogued categories and no system fields', () => {
    const create = doc.components.schemas.HazardsCreate.properties.properties
    expect(create.properties.category.enum).toEqual([...HAZARD_CATEGORIES])
    expect(create.required).toEqual(['category', 'source'])
    expect(create.properties.status).toBeUndefined()
    expect(create.additionalProperties).toBe(false)
  })
})
