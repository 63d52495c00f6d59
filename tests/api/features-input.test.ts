import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient, tableCount } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const MARK = 'INPUT-TEST'
const square = (x: number, y: number, d = 0.01) => [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]

describe('bad input, round trips and imports', () => {
  let t: TestDb
  let server: TestServer
  let api: ReturnType<typeof apiClient>
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
    api = apiClient(server.url)
  })
  afterAll(async () => {
    await sql`DELETE FROM places WHERE name LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM patrol_zones WHERE name LIKE ${MARK + '%'} OR team LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM hazards WHERE description LIKE ${MARK + '%'}`.execute(t.db)
    await sql`DELETE FROM guard_posts WHERE name LIKE ${MARK + '%'}`.execute(t.db)
    await server.close()
  })

  it('rejects each kind of bad feature with a clear error and stores nothing', async () => {
    const zone = (geometry: unknown, properties: Record<string, unknown> = { name: `${MARK} z`, station_id: 2, team: 't' }) => ({ geometry, properties })
    const cases: Array<[string, string, unknown, number, string, RegExp?]> = [
      ['malformed JSON', 'patrol-zones', '{"geometry": ', 400, 'malformed_json'],
      ['wrong geometry type', 'patrol-zones', zone({ type: 'Point', coordinates: [125, 42] }), 422, 'invalid_feature', /must be a Polygon, given Point/],
      ['non-finite coordinate', 'hazards', '{"geometry":{"type":"Point","coordinates":[1e999,42.9]},"properties":{"category":"fire","source":"online"}}', 422, 'invalid_feature', /finite/],
      ['swapped coordinates', 'hazards', { geometry: { type: 'Point', coordinates: [42.9, 125.1] }, properties: { category: 'fire', source: 'online' } }, 422, 'invalid_feature', /lon first/],
      ['out of range', 'hazards', { geometry: { type: 'Point', coordinates: [181, 42] }, properties: { category: 'fire', source: 'online' } }, 422, 'invalid_feature', /outside/],
      ['string coordinates', 'hazards', { geometry: { type: 'Point', coordinates: ['125', '42'] }, properties: { category: 'fire', source: 'online' } }, 422, 'invalid_feature'],
      ['unclosed ring', 'patrol-zones', zone({ type: 'Polygon', coordinates: [[[125.1, 42.9], [125.2, 42.9], [125.2, 43], [125.1, 43]]] }), 422, 'invalid_feature', /closed/],
      ['self-intersecting polygon', 'patrol-zones', zone({ type: 'Polygon', coordinates: [[[125.1, 42.9], [125.2, 43.0], [125.2, 42.9], [125.1, 43.0], [125.1, 42.9]]] }), 422, 'invalid_geometry', /Self-intersection/],
      ['unknown property', 'patrol-zones', zone({ type: 'Polygon', coordinates: square(125.1, 42.9) }, { name: 'x', station_id: 2, team: 't', colour: 'red' }), 422, 'invalid_feature', /no property "colour"/],
      ['system property', 'hazards', { geometry: { type: 'Point', coordinates: [125.1, 42.9] }, properties: { category: 'fire', source: 'online', status: 'eliminated' } }, 422, 'invalid_feature', /set by the system/],
      ['wrong value type', 'patrol-zones', zone({ type: 'Polygon', coordinates: square(125.1, 42.9) }, { name: 'x', station_id: 'two', team: 't' }), 422, 'invalid_feature'],
      ['missing required', 'hazards', { geometry: { type: 'Point', coordinates: [125.1, 42.9] }, properties: { source: 'online' } }, 422, 'invalid_feature', /category/],
      ['value outside the list', 'hazards', { geometry: { type: 'Point', coordinates: [125.1, 42.9] }, properties: { category: 'ufo', source: 'online' } }, 422, 'invalid_feature'],
      ['unknown station', 'patrol-zones', zone({ type: 'Polygon', coordinates: square(125.1, 42.9) }, { name: `${MARK} z`, station_id: 999999, team: 't' }), 422, 'invalid_reference'],
      ['read-only layer', 'admin-areas', zone({ type: 'Polygon', coordinates: square(125.1, 42.9) }), 405, 'not_editable'],
      ['unknown layer', 'no-such-layer', zone({ type: 'Polygon', coordinates: square(125.1, 42.9) }), 404, 'unknown_layer'],
    ]
    const before = { z: await tableCount(t.db, 'patrol_zones'), h: await tableCount(t.db, 'hazards'), a: await tableCount(t.db, 'audit_log') }
    for (const [name, layer, body, status, code, message] of cases) {
      const r = await api.post(`/api/layers/${layer}/features`, body)
      expect(r.status, name).toBe(status)
      expect(r.body.error.code, name).toBe(code)
      if (message) expect(r.body.error.message, name).toMatch(message)
    }
    expect({ z: await tableCount(t.db, 'patrol_zones'), h: await tableCount(t.db, 'hazards'), a: await tableCount(t.db, 'audit_log') }).toEqual(before)
  })

  it('answers 404 for unknown ids, 400 without a version on delete, 413 for an oversized body', async () => {
    expect((await api.get('/api/layers/hazards/features/99999999')).status).toBe(404)
    expect((await api.get('/api/layers/hazards/features/abc')).status).toBe(404)
    expect((await api.patch('/api/layers/hazards/features/99999999', { version: 1, properties: { description: 'x' } })).status).toBe(404)
    expect((await api.del('/api/layers/hazards/features/1')).status).toBe(400)
    const big = { geometry: { type: 'Point', coordinates: [125.1, 42.9] }, properties: { category: 'fire', source: 'online', description: 'x'.repeat(3_000_000) } }
    const r = await api.post('/api/layers/hazards/features', big)
    expect(r.status).toBe(413)
    expect(r.body.error.code).toBe('payload_too_large')
  })

  it('stores SQL-looking text as text and matches it as text', async () => {
    const evil = `${MARK} '); DROP TABLE places; -- \\ % _`
    const r = await api.post('/api/layers/places/features', { geometry: { type: 'Point', coordinates: [125.12, 42.88] }, properties: { name: evil, kind: 'shop' } })
    expect(r.status).toBe(201)
    expect(r.body.properties.name).toBe(evil)
    const found = await api.get(`/api/layers/places/features?name=${encodeURIComponent(evil)}`)
    expect(found.body.features.map((f: { id: number }) => f.id)).toEqual([r.body.id])
    const q = await api.get(`/api/layers/places/features?q=${encodeURIComponent("'); DROP")}`)
    expect(q.body.features.map((f: { id: number }) => f.id)).toEqual([r.body.id])
    expect(await tableCount(t.db, 'places')).toBeGreaterThan(4000)
  })

  it('round-trips: create → export (GeoJSON and CSV) → import gives the same features', async () => {
    const made = []
    for (let i = 0; i < 3; i++) {
      const r = await api.post('/api/layers/places/features', {
        geometry: { type: 'Point', coordinates: [125.1 + i / 100, 42.9 + i / 200] },
        properties: { name: `${MARK} 往返${i}`, kind: 'inn', last_inspected_at: '2026-10-01T08:00:00+08:00', last_result: 'pass' },
      })
      made.push(r.body)
    }
    const filter = `q=${encodeURIComponent(`${MARK} 往返`)}`
    const asGeoJson = await api.get(`/api/layers/places/features?${filter}&format=geojson`)
    const asCsv = await api.get(`/api/layers/places/features?${filter}&format=csv`)
    expect(asGeoJson.body.features).toHaveLength(3)
    expect(String(asCsv.body).trim().split('\n')).toHaveLength(4)
    await sql`DELETE FROM places WHERE name LIKE ${`${MARK} 往返%`}`.execute(t.db)
    const pick = (f: { geometry: unknown; properties: Record<string, unknown> }) => ({
      geometry: f.geometry, name: f.properties.name, kind: f.properties.kind, result: f.properties.last_result, at: new Date(String(f.properties.last_inspected_at)).toISOString(),
    })
    for (const [label, body, type] of [['geojson', asGeoJson.body, 'application/geo+json'], ['csv', asCsv.body, 'text/csv']] as const) {
      const imported = await api.post('/api/layers/places/import', body, type)
      expect(imported.status, label).toBe(201)
      expect(imported.body.imported, label).toBe(3)
      const back = await api.get(`/api/layers/places/features?${filter}`)
      expect(back.body.features.map(pick), label).toEqual(made.map(pick))
      await sql`DELETE FROM places WHERE name LIKE ${`${MARK} 往返%`}`.execute(t.db)
    }
  })

  it('imports all rows or none, listing every rejected row with its reason', async () => {
    const school = await scalar<number>(t.db, sql`SELECT min(id) FROM schools`)
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [125.1, 42.9] }, properties: { name: `${MARK} 岗1`, school_id: school } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [125.1, 42.9] }, properties: { name: `${MARK} 岗2`, school_id: 99999999 } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [125.1, 42.9] }, properties: { name: `${MARK} 岗3`, school_id: school } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [125.1, 42.9] }, properties: { name: `${MARK} 岗4`, school_id: 99999998 } },
      ],
    }
    const before = await tableCount(t.db, 'guard_posts')
    const r = await api.post('/api/layers/guard-posts/import', fc, 'application/geo+json')
    expect(r.status).toBe(422)
    expect(r.body.error.details.rejected.map((x: { row: number }) => x.row)).toEqual([2, 4])
    expect(r.body.error.details.rejected[0].reason).toMatch(/school_id|schools/)
    expect(await tableCount(t.db, 'guard_posts')).toBe(before)

    const csv = 'name,kind,lon,lat\nA,shop,125.1,42.9\nB,spaceship,125.1,42.9\nC,shop,,\nD,shop,200,42\n'
    const c = await api.post('/api/layers/places/import', csv, 'text/csv')
    expect(c.status).toBe(422)
    expect(c.body.error.details.rejected.map((x: { row: number }) => x.row)).toEqual([3, 4, 5])
  })

  it('exports exactly the filtered set', async () => {
    const csv = await api.get('/api/layers/incidents/features?category=fire&datetime=2026-06-01T00:00:00Z/..&format=csv')
    const expected = await scalar<number>(t.db, sql`SELECT count(*)::int FROM incidents WHERE category = 'fire' AND reported_at >= '2026-06-01T00:00:00Z'`)
    expect(expected).toBeGreaterThan(10)
    expect(String(csv.body).trim().split('\n')).toHaveLength(expected + 1)
  })

  it('pages with a cursor through a sorted and an unsorted listing without gaps or duplicates', async () => {
    for (const sort of ['', '&sort=-reported_at']) {
      const seen: number[] = []
      let next: string | null = ''
      while (next !== null) {
        const r: { body: { features: Array<{ id: number }>; next: string | null } } = await api.get(`/api/layers/hazards/features?limit=97&status=verified${sort}${next ? `&cursor=${next}` : ''}`)
        seen.push(...r.body.features.map((f) => f.id))
        next = r.body.next
      }
      const ids = await sql<{ id: number }>`SELECT id FROM hazards WHERE status = 'verified' ORDER BY ${sort ? sql`reported_at DESC, id` : sql`id`}`.execute(t.db)
      expect(seen, sort || 'by id').toEqual(ids.rows.map((r) => r.id))
    }
  })

  it('survives a fuzz of mutated features: no 5xx, no invalid geometry stored', async () => {
    let seed = 12345
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
    const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!
    const num = () => pick([125.1 + rnd() / 10, 42.9 + rnd() / 10, -200, 1e308, 0, -0.0, 90.0000001, 180, rnd() * 400 - 200])
    const anything = () => pick<unknown>([null, 'x', 1, -1, true, [], {}, [1], 'POINT(1 2)', "'; DROP TABLE x; --", 2 ** 40, 1.5])
    const ringLike = () => Array.from({ length: Math.floor(rnd() * 7) }, () => (rnd() < 0.9 ? [num(), num()] : anything()))
    const geometry = (): unknown => {
      const r = rnd()
      if (r < 0.3) return { type: 'Polygon', coordinates: [(() => { const ring = ringLike(); if (ring.length && rnd() < 0.7) ring.push(ring[0]); return ring })()] }
      if (r < 0.5) return { type: pick(['Point', 'Polygon', 'LineString', 'MultiPolygon', 'GeometryCollection', 'Nope']), coordinates: pick([[num(), num()], ringLike(), [ringLike()], anything()]) }
      if (r < 0.7) return { type: 'Point', coordinates: [num(), num(), ...(rnd() < 0.2 ? [num(), num()] : [])] }
      return pick([anything(), { coordinates: [1, 2] }, { type: 'Polygon' }, { type: 'Polygon', coordinates: [[[125.1, 42.9], [125.2, 43], [125.2, 42.9], [125.1, 43], [125.1, 42.9]]] }])
    }
    const properties = (layer: string) => {
      const p: Record<string, unknown> =
        layer === 'hazards'
          ? { category: pick(['fire', 'flood', 'fire', 'x']), source: 'online', description: `${MARK} fuzz` }
          : { name: `${MARK} fuzz`, station_id: pick<unknown>([2, 3, 2, 3, 0, -1, 99999999, 'x', null]), team: `${MARK}` }
      if (rnd() < 0.3) p[pick(['priority', 'version', 'id', 'geom', 'status', 'extra'])] = anything()
      if (rnd() < 0.1) delete p[pick(['name', 'category', 'team'])]
      return p
    }
    const statuses = new Map<number, number>()
    for (let i = 0; i < 1500; i++) {
      const layer = pick(['patrol-zones', 'hazards'])
      const body = rnd() < 0.05 ? JSON.stringify({ geometry: geometry(), properties: properties(layer) }).slice(0, Math.floor(rnd() * 60)) : { type: pick(['Feature', 'Feature', 'X']), geometry: geometry(), properties: properties(layer) }
      const r = await api.post(`/api/layers/${layer}/features`, body)
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
    }
    const fc = { type: 'FeatureCollection', features: Array.from({ length: 300 }, () => ({ type: 'Feature', geometry: geometry(), properties: properties('patrol-zones') })) }
    statuses.set((await api.post('/api/layers/patrol-zones/import', fc)).status, 1)
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([])
    expect(statuses.get(201) ?? 0).toBeGreaterThan(0)
    for (const table of ['patrol_zones', 'hazards']) {
      expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM ${sql.table(table)} WHERE NOT ST_IsValid(geom)`), table).toBe(0)
    }
  })
})
