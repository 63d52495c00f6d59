import type { Polygon } from 'geojson'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { ENDPOINTS } from '../../server/src/contract/endpoints.ts'
import { ANALYSIS_ENDPOINTS } from '../../server/src/contract/analysis-endpoints.ts'
import { PLANNER_ENDPOINTS } from '../../server/src/contract/planner-endpoints.ts'
import { ROUTE_POLICIES, type RoutePolicy } from '../../server/src/auth/policy.ts'
import { openApiDocument } from '../../server/src/openapi/document.ts'
import { callAs, expectAnswersTrue, expectDocumented, expectSamplesFor, type ContractSample } from '../helpers/contract-check.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

/**
 * The contract (server/src/contract) is true: every endpoint it declares answers, for each way of
 * asking it (formats, roles), with a body its schema accepts, strictly (a member the schema does
 * not name fails), in a media type it declares. The client's types are inferred from the same
 * schemas, so a drifting answer fails here instead of on a screen.
 */
const MARK = 'CONTRACT-TEST'

describe('the API contract', () => {
  let t: TestDb
  let server: TestServer
  let zoneId = 0
  const utmSquare = async (x: number, y: number, side: number): Promise<Polygon> =>
    JSON.parse(await scalar<string>(t.db, sql`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(${x - side / 2}, ${y - side / 2}, ${x + side / 2}, ${y + side / 2}, 32651), 4326), 9)`))
  const call = (method: string, s: ContractSample) => callAs(server.url, method, s)

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
    // A zone with a history of two versions (seeded zones have none).
    const station = await scalar<number>(t.db, sql`SELECT station_id FROM patrol_zones ORDER BY id LIMIT 1`)
    const created = await call('POST', { path: '/api/layers/patrol-zones/features', body: { geometry: await utmSquare(903_000, 4_757_000, 800), properties: { name: `${MARK} v1`, station_id: station, team: MARK } } })
    zoneId = (JSON.parse(created.text) as { id: number }).id
    await call('PATCH', { path: `/api/layers/patrol-zones/features/${zoneId}`, body: { version: 1, properties: { name: `${MARK} v2` } } })
  })
  afterAll(async () => {
    await sql`DELETE FROM patrol_zones WHERE team = ${MARK}`.execute(t.db)
    await server.close()
  })

  /** Every way each endpoint is asked here; a new endpoint without one fails the first test. */
  const samples = async (): Promise<Record<string, ContractSample[]>> => {
    const zone = await utmSquare(900_000, 4_760_000, 2000)
    const east = await utmSquare(901_500, 4_760_000, 1000)
    const west = await utmSquare(900_500, 4_760_000, 1000)
    const cut = JSON.parse(await scalar<string>(t.db, sql`SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_MakeLine(ST_MakePoint(900000, 4758000), ST_MakePoint(900000, 4762000)), 32651), 4326), 9)`))
    const station = await scalar<number>(t.db, sql`SELECT station_id FROM patrol_zones ORDER BY id LIMIT 1`)
    return {
      'GET /api/analysis/coverage': [{ path: '/api/analysis/coverage' }, { path: '/api/analysis/coverage?format=csv' }, { who: 'officer', path: '/api/analysis/coverage?buffer=300' }],
      'GET /api/analysis/hotspots': [
        { path: '/api/analysis/hotspots?layer=incidents&cell=1000' },
        { path: '/api/analysis/hotspots?layer=incidents&cell=1000&fdr=true&format=bins' },
        { who: 'officer', path: '/api/analysis/hotspots?layer=disputes&cell=500&format=bins' },
      ],
      'POST /api/analysis/hotspots': [{ path: '/api/analysis/hotspots?layer=incidents&cell=250', body: zone }, { path: '/api/analysis/hotspots?layer=incidents&cell=250&format=bins', body: { type: 'Feature', geometry: zone, properties: {} } }],
      'GET /api/analysis/emerging-hotspots': [
        { path: '/api/analysis/emerging-hotspots?layer=incidents&cell=1000&step=month' },
        { path: '/api/analysis/emerging-hotspots?layer=incidents&cell=1000&step=month&format=bins' },
        { path: '/api/analysis/emerging-hotspots?layer=incidents&cell=2000&step=month&format=csv' },
      ],
      'GET /api/analysis/dosage': [{ path: '/api/analysis/dosage?cell=500' }, { who: 'officer', path: '/api/analysis/dosage?hotspots=emerging' }],
      'GET /api/analysis/density': [{ path: '/api/analysis/density?layer=hazards&cell=500' }, { who: 'officer', path: '/api/analysis/density?layer=incidents&cell=250&format=grid' }],
      'GET /api/analysis/seasonal': [{ path: '/api/analysis/seasonal?geometry=1' }, { who: 'officer', path: '/api/analysis/seasonal' }],
      'GET /api/stats/monthly': [{ path: '/api/stats/monthly?layer=disputes' }],
      'GET /api/stats/grid-cells': [{ path: '/api/stats/grid-cells' }, { who: 'officer', path: '/api/stats/grid-cells' }],
      'GET /api/analysis/workload': [{ path: `/api/analysis/workload?station=${station}` }],
      'POST /api/analysis/workload/preview': [{ who: 'planner', path: '/api/analysis/workload/preview', body: { geometry: zone, station_id: station } }],
      'POST /api/planner/split': [{ who: 'planner', path: '/api/planner/split', body: { geometry: zone, line: cut } }],
      'POST /api/planner/merge': [{ who: 'planner', path: '/api/planner/merge', body: { geometries: [east, west] } }],
      'GET /api/planner/:layer/:id/history': [{ who: 'planner', path: `/api/planner/patrol-zones/${zoneId}/history` }],
    }
  }

  it('asks every declared endpoint of the analysis and planner areas', async () => {
    expectSamplesFor([...ANALYSIS_ENDPOINTS, ...PLANNER_ENDPOINTS], await samples())
  })

  it('gets answers that the schemas accept, strictly, in the declared media types', { timeout: 120_000 }, async () => {
    await expectAnswersTrue(server.url, [...ANALYSIS_ENDPOINTS, ...PLANNER_ENDPOINTS], await samples())
  })

  it('generates the OpenAPI operations from the same schemas: every parameter, the body and the answers\' members', () => {
    expectDocumented(ENDPOINTS)
    // Spot check: a member deep in an answer is documented with its type.
    const doc = openApiDocument() as any
    const coverage = doc.paths['/api/analysis/coverage'].get.responses['200'].content['application/geo+json'].schema
    expect(coverage.properties.features.items.properties.properties.properties.covered_share).toMatchObject({ type: 'number', minimum: 0, maximum: 1 })
  })

  it('declares each endpoint once, on a route the access policy knows', () => {
    const keys = ENDPOINTS.map((e) => `${e.method} ${e.path}`)
    expect(new Set(keys).size).toBe(keys.length)
    const routes = new Set((ROUTE_POLICIES as readonly RoutePolicy[]).map((p) => `${p.method} ${p.path}`))
    expect(keys.filter((k) => !routes.has(k))).toEqual([])
  })
})
