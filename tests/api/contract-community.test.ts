import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { FIELD_ENDPOINTS } from '../../server/src/contract/field-endpoints.ts'
import { OFFICER_ENDPOINTS } from '../../server/src/contract/officer-endpoints.ts'
import { VOLUNTEER_ENDPOINTS } from '../../server/src/contract/volunteer-endpoints.ts'
import { myDayAnswer } from '../../server/src/contract/volunteer.ts'
import { openApiDocument } from '../../server/src/openapi/document.ts'
import type { TestAccount } from '../helpers/accounts.ts'
import { callAs, expectAnswersTrue, expectDocumented, expectSamplesFor, type ContractSample } from '../helpers/contract-check.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

/**
 * The officer's, the volunteer's and the field-entry areas of the contract (server/src/contract:
 * officer*.ts, volunteer*.ts, field*.ts) are true: each endpoint, asked by the roles whose phones
 * use it and in every media type it declares, answers with a body its schema accepts strictly.
 * The client's officer-api.ts, volunteer-api.ts and entry-api.ts take their types from them.
 */
const MARK = 'CONTRACT-COMMUNITY'
const ENDPOINTS = [...OFFICER_ENDPOINTS, ...VOLUNTEER_ENDPOINTS, ...FIELD_ENDPOINTS]
/** The smallest heads of each image type the server's type check accepts, base64. */
const IMAGES = {
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]).toString('base64'),
  'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64'),
  'image/webp': Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1').toString('base64'),
} as const
type ImageType = keyof typeof IMAGES

describe('the API contract: officer, volunteer and field entry', () => {
  let t: TestDb
  let server: TestServer
  let volunteerId = 0
  let point: [number, number] = [0, 0]
  /** Entries made in beforeAll: the body sent (to send again) and the stored id. */
  const made: Record<'volHazard' | 'offHazard' | 'offPatrol' | 'adminHazard' | 'adminDispute', { layer: string; body: unknown; id: number }> = {} as never
  const call = (method: string, s: ContractSample) => callAs(server.url, method, s)

  const create = async (who: TestAccount, layer: string, geometry: unknown, properties: Record<string, unknown>) => {
    const body = { type: 'Feature', geometry, properties: { ...properties, client_ref: randomUUID() } }
    const r = await call('POST', { who, path: `/api/layers/${layer}/features`, body })
    expect(r.status, r.text).toBe(201)
    return { layer, body, id: (JSON.parse(r.text) as { id: number }).id }
  }
  const putPhoto = async (who: TestAccount, layer: string, id: number, type: ImageType) => {
    const r = await call('PUT', { who, path: `/api/layers/${layer}/features/${id}/photo`, body: { content_type: type, data: IMAGES[type] } })
    expect(r.status, r.text).toBe(200)
  }

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } }))
    // The volunteer account linked to a seeded volunteer who earned and redeemed points (unlinked again after).
    volunteerId = await scalar<number>(t.db, sql`SELECT min(volunteer_id) FROM points_ledger WHERE kind = 'redemption'`)
    await sql`UPDATE users SET volunteer_id = ${volunteerId} WHERE username = 'test-volunteer'`.execute(t.db)
    // A point in the test officer's first cell: the officer may move the volunteer's reports along.
    const cell = await scalar<number>(t.db, sql`SELECT min(u.grid_id) FROM user_grid_cells u JOIN users x ON x.id = u.user_id WHERE x.username = 'test-officer'`)
    point = JSON.parse(await scalar<string>(t.db, sql`SELECT json_build_array(ST_X(p), ST_Y(p))::text FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid_cells WHERE id = ${cell}) x`))
    const at = { type: 'Point', coordinates: point }
    const line = { type: 'LineString', coordinates: [point, [point[0] + 0.0005, point[1] + 0.0005]] }
    made.volHazard = await create('volunteer', 'hazards', at, { category: 'manhole', source: 'online', description: `${MARK} 井盖松动` })
    made.offHazard = await create('officer', 'hazards', at, { category: 'fire', source: 'offline', description: `${MARK} 楼道堆物` })
    made.offPatrol = await create('officer', 'patrols', line, { kind: 'foot', started_at: '2026-11-01T08:00:00+08:00', ended_at: '2026-11-01T08:30:00+08:00', notes: `${MARK} 步巡` })
    made.adminHazard = await create('admin', 'hazards', at, { category: 'electric', source: 'offline', description: `${MARK} 私拉电线` })
    made.adminDispute = await create('admin', 'disputes', at, { category: 'neighbour', source: 'patrol', parties: 2, description: `${MARK} 邻里` })
    // A photo of each type, under each role that sends them.
    await putPhoto('volunteer', 'hazards', made.volHazard.id, 'image/jpeg')
    await putPhoto('officer', 'hazards', made.offHazard.id, 'image/png')
    await putPhoto('admin', 'hazards', made.adminHazard.id, 'image/webp')
    await putPhoto('admin', 'disputes', made.adminDispute.id, 'image/webp')
    // The volunteer's hazard moved once: a history in its transitions and in the volunteer's day.
    const moved = await call('POST', { who: 'officer', path: `/api/layers/hazards/features/${made.volHazard.id}/transitions`, body: { to: 'verified', version: 1, reason: `${MARK} 已核实` } })
    expect(moved.status, moved.text).toBe(200)
  })

  afterAll(async () => {
    await sql`UPDATE users SET volunteer_id = NULL WHERE username = 'test-volunteer'`.execute(t.db)
    await sql`DELETE FROM hazards WHERE description LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM disputes WHERE description LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM patrols WHERE notes LIKE ${MARK + '%'}`.execute(t.db)
    await server.close()
  })

  /** Every way each endpoint is asked here; a new endpoint of these areas without one fails the first test. */
  const samples = async (): Promise<Record<string, ContractSample[]>> => {
    const org = await scalar<number>(t.db, sql`SELECT org_id FROM volunteers WHERE id = ${volunteerId}`)
    const { volHazard, offHazard, offPatrol, adminHazard, adminDispute } = made
    const photo = (layer: string, id: number) => `/api/layers/${layer}/features/${id}/photo`
    const transitions = (layer: string, id: number) => `/api/layers/${layer}/features/${id}/transitions`
    const resend = (who: TestAccount, e: (typeof made)[keyof typeof made]): ContractSample => ({ who, path: `/api/layers/${e.layer}/features`, body: e.body })
    return {
      // Officer
      'GET /api/officer/my-grid': [{ who: 'officer', path: '/api/officer/my-grid' }, { who: 'officer2', path: '/api/officer/my-grid' }, { who: 'officer', path: '/api/officer/my-grid?at=2026-11-02T09%3A00%3A00%2B08%3A00' }],
      'GET /api/officer/hazards/:id/photo': [
        { who: 'officer', path: `/api/officer/hazards/${offHazard.id}/photo` },
        { who: 'officer', path: `/api/officer/hazards/${volHazard.id}/photo` },
        { path: `/api/officer/hazards/${adminHazard.id}/photo` },
      ],
      'GET /api/layers/:layer/features/:id/transitions': [
        { who: 'officer', path: transitions('hazards', volHazard.id) },
        { who: 'volunteer', path: transitions('hazards', volHazard.id) },
        { path: transitions('disputes', adminDispute.id) },
      ],
      'POST /api/layers/:layer/features/:id/transitions': [
        { who: 'officer', path: transitions('hazards', offHazard.id), body: { to: 'verified', version: 1, reason: `${MARK} 现场核实` } },
        { path: transitions('disputes', adminDispute.id), body: { to: 'mediating', version: 1, reason: `${MARK} 进入调解` } },
      ],
      // Volunteer and community programmes
      'GET /api/volunteer/my-day': [{ who: 'volunteer', path: '/api/volunteer/my-day' }],
      'GET /api/volunteers': [{ path: '/api/volunteers' }, { who: 'command', path: `/api/volunteers?org=${org}&limit=5` }, { who: 'planner', path: '/api/volunteers?q=%E5%BC%A0' }],
      'GET /api/volunteers/:id': [{ path: `/api/volunteers/${volunteerId}` }, { who: 'volunteer', path: `/api/volunteers/${volunteerId}` }],
      'GET /api/point-rules': [{ path: '/api/point-rules' }, { who: 'officer', path: '/api/point-rules' }, { who: 'volunteer', path: '/api/point-rules' }],
      'GET /api/shop/items': [{ path: '/api/shop/items' }, { who: 'volunteer', path: '/api/shop/items' }],
      // Field entry: each entry sent again (the phone's outbox after a lost answer) answers 200 with the stored feature, a new one 201.
      'POST /api/layers/:layer/features': [
        resend('volunteer', volHazard), resend('officer', offHazard), resend('officer', offPatrol), resend('admin', adminDispute),
        // A new entry: 201.
        { who: 'volunteer', path: '/api/layers/hazards/features', body: { ...(volHazard.body as object), properties: { ...(volHazard.body as { properties: object }).properties, client_ref: randomUUID() } } },
      ],
      'PUT /api/layers/:layer/features/:id/photo': [
        { who: 'volunteer', path: photo('hazards', volHazard.id), body: { content_type: 'image/jpeg', data: IMAGES['image/jpeg'] } },
        { who: 'officer', path: photo('hazards', offHazard.id), body: { content_type: 'image/png', data: IMAGES['image/png'] } },
        { path: photo('disputes', adminDispute.id), body: { content_type: 'image/webp', data: IMAGES['image/webp'] } },
      ],
      'GET /api/layers/:layer/features/:id/photo': [
        { who: 'volunteer', path: photo('hazards', volHazard.id) },
        { who: 'officer', path: photo('hazards', offHazard.id) },
        { path: photo('disputes', adminDispute.id) },
      ],
    }
  }

  it('asks every declared endpoint of the officer, volunteer and field-entry areas', async () => {
    expectSamplesFor(ENDPOINTS, await samples())
  })

  it('gets answers that the schemas accept, strictly, in the declared media types', { timeout: 120_000 }, async () => {
    await expectAnswersTrue(server.url, ENDPOINTS, await samples())
  })

  it("an unlinked volunteer account's day (volunteer: null) is true to the schema too", async () => {
    await sql`UPDATE users SET volunteer_id = NULL WHERE username = 'test-volunteer'`.execute(t.db)
    try {
      const r = await call('GET', { who: 'volunteer', path: '/api/volunteer/my-day' })
      expect(r.status, r.text).toBe(200)
      const day = myDayAnswer.parse(JSON.parse(r.text))
      expect(day.volunteer).toBeNull()
      expect(day.shop.every((i) => !i.affordable)).toBe(true)
    } finally {
      await sql`UPDATE users SET volunteer_id = ${volunteerId} WHERE username = 'test-volunteer'`.execute(t.db)
    }
  })

  it('keeps the routes\' refusals: the contract\'s query and body schemas validate with the same messages', async () => {
    const badAt = await call('GET', { who: 'officer', path: '/api/officer/my-grid?at=yesterday' })
    expect(badAt.status).toBe(400)
    const extra = await call('GET', { who: 'volunteer', path: '/api/volunteer/my-day?x=1' })
    expect(extra.status).toBe(400)
    const limit = await call('GET', { path: '/api/volunteers?limit=0' })
    expect(limit.status).toBe(400)
    const noReason = await call('POST', { who: 'officer', path: `/api/layers/hazards/features/${made.offHazard.id}/transitions`, body: { to: 'rectifying', version: 2, reason: '  ' } })
    expect([noReason.status, JSON.parse(noReason.text).error.message]).toEqual([422, 'reason: say why'])
    const empty = await call('PUT', { who: 'officer', path: `/api/layers/hazards/features/${made.offHazard.id}/photo`, body: { content_type: 'image/png', data: '' } })
    expect([empty.status, JSON.parse(empty.text).error.message]).toEqual([422, 'data: data is empty'])
    const stray = await call('POST', { who: 'officer', path: '/api/layers/hazards/features', body: { type: 'Feature', geometry: { type: 'Point', coordinates: point }, properties: { category: 'fire', source: 'offline' }, extra: 1 } })
    expect(stray.status).toBe(422)
  })

  it("generates the OpenAPI operations from the same schemas: every parameter, the body and the answers' members", () => {
    expectDocumented(ENDPOINTS)
    const doc = openApiDocument() as any
    const myGrid = doc.paths['/api/officer/my-grid'].get
    expect(myGrid.summary).toMatch(/^an officer's own cells/)
    expect(myGrid.parameters.map((p: { name: string }) => p.name)).toEqual(['at'])
    expect(myGrid.responses['200'].content['application/json'].schema.properties.hazards.items.properties.age_days).toMatchObject({ type: 'number' })
    expect(Object.keys(doc.paths['/api/layers/{layer}/features/{id}/photo'].get.responses['200'].content).sort()).toEqual(['image/jpeg', 'image/png', 'image/webp'])
    expect(doc.paths['/api/volunteers'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['after', 'limit', 'org', 'q'])
  })
})
