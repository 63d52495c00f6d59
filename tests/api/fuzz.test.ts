import http from 'node:http'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { issueTokens } from '../../server/src/live/unit-token.ts'
import { authHeader, type TestAccount } from '../helpers/accounts.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { buildRouteCases, statusMatches, WHO, type CaseIds, type RouteCase } from '../helpers/route-cases.ts'
import { getTestDb, type TestDb } from '../helpers/test-db.ts'

/**
 * Issue 14, item 3: no input gives a 500. Every route of the route table
 * (tests/helpers/route-cases.ts) is driven, as a caller who may use it, with generated bad
 * values in each path parameter, each query parameter it reads, each field of a valid example
 * body, and in place of the whole body: NUL and other control characters, lone surrogates, huge
 * and non-finite numbers, wrong types, repeated parameters, 10 MB strings, deep JSON. Asserted
 * for every answer: no 5xx, and no stack trace or SQL text in an error; for every refused write:
 * the row counts of every table unchanged.
 *
 * Example bodies are valid but aimed so that even an accepted value changes nothing (versioned
 * edits carry a stale version; they still pass every validation and reach the database).
 */
const STALE = 999_999

/** The query parameters each read takes (one sample value each), beside those in the case's path. */
const QUERY: Record<string, Record<string, string>> = {
  'GET /api/layers/:layer/features': { bbox: '125,42.8,125.3,43', datetime: '2026-01-01T00:00:00Z/..', limit: '5', sort: '-id', q: 'x', format: 'geojson', category: 'fire', cursor: 'eyJpZCI6MX0' },
  'GET /api/audit': { layer: 'hazards', id: '1', limit: '5' },
  'GET /api/analysis/hotspots': { layer: 'incidents', cell: '500', band: '1000', category: 'theft', season: 'winter', from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z', fdr: 'true' },
  'GET /api/analysis/density': { layer: 'incidents', cell: '250', bandwidth: '800' },
  'GET /api/analysis/seasonal': { season: 'winter' },
  'GET /api/analysis/coverage': { buffer: '200', since: '2026-01-01T00:00:00Z', format: 'geojson', station: '1' },
  'GET /api/analysis/responsible': { units: '3' },
  'GET /api/analysis/workload': { station: '1', from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' },
  'GET /api/live/stream': { layers: 'hazards' },
  'GET /api/live/tracks': { units: 'EB001', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' },
  'GET /api/alerts': { state: 'open', limit: '5' },
  'GET /api/volunteers': { org: '1', q: '张', after: '0', limit: '5' },
  'GET /api/volunteer-orgs/:id/leaderboard': { limit: '5' },
  'GET /api/community/dashboard': { district: '220402', station: '1', from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z', format: 'json' },
  'GET /api/household-reports/counts': { by: 'grid', grid: '1', station: '1', limit: '5' },
  'GET /api/mediation-cases': { status: 'open', room: '1', dispute: '1', station: '1', limit: '5', after: '0' },
  'GET /api/coordination/meetings': { kind: 'monthly', station: '1', limit: '5', after: '0' },
  'GET /api/coordination/issues': { status: 'open', station: '1' },
  'GET /api/officer/my-grid': { at: '2026-11-01T09:00:00+08:00' },
  'GET /api/people': { q: '张', role: 'grid_worker', unit: '1', cell: '1', ids: 'officer:1,militia:1', limit: '5', offset: '0' },
  'GET /api/search': { q: '仙城', limit: '5', kinds: 'place,person' },
  'GET /api/stats/monthly': { layer: 'incidents' },
  'GET /api/stats/grid-cells': { station: '1' },
  'GET /api/stations': { at: '125.145,42.9' },
  'GET /ogc/collections/:layer/items': { bbox: '125,42.8,125.3,43', datetime: '2026-01-01T00:00:00Z/..', limit: '5', offset: '0', f: 'json' },
  'GET /tiles/:layer/:z/:x/:y.mvt': {},
}

/** A valid example body per write, built on the seeded rows the cases name. */
function bodies(ids: CaseIds, unitCode: string): Record<string, unknown> {
  const { lon, lat } = ids
  const square = { type: 'Polygon', coordinates: [[[lon - 0.002, lat - 0.002], [lon + 0.002, lat - 0.002], [lon + 0.002, lat + 0.002], [lon - 0.002, lat + 0.002], [lon - 0.002, lat - 0.002]]] }
  const line = { type: 'LineString', coordinates: [[lon - 0.003, lat], [lon + 0.003, lat]] }
  const point = { type: 'Point', coordinates: [lon, lat] }
  return {
    'POST /api/auth/login': { username: 'fuzz-nobody', password: 'not-the-password' },
    'POST /api/auth/tokens': { name: 'fuzz' },
    'POST /api/auth/password': { current: 'not-the-password', password: 'fuzz-new-password-1' },
    'POST /api/admin/users': { username: 'fuzz-user', role: 'volunteer', password: 'fuzz-password-1234', displayName: 'Fuzz', gridIds: [ids.ownCell] },
    'PATCH /api/admin/users/:id': { displayName: 'Fuzz', gridIds: [ids.ownCell], role: 'volunteer' },
    'POST /api/admin/users/:id/tokens': { name: 'fuzz' },
    'POST /api/layers/:layer/features': { type: 'Feature', geometry: point, properties: { category: 'fire', source: 'offline', description: 'fuzz' } },
    'PATCH /api/layers/:layer/features/:id': { version: STALE, geometry: point, properties: { description: 'fuzz' } },
    'POST /api/layers/:layer/features/:id/transitions': { to: 'verified', version: STALE, reason: 'fuzz', mediation_room_id: 1 },
    'POST /api/layers/:layer/import': { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: square, properties: { name: 'fuzz', station_id: 1, team: 't' } }] },
    'POST /api/analysis/hotspots': { type: 'Feature', geometry: square },
    'POST /api/analysis/workload/preview': { geometry: square, routes: [line], exclude_routes: [1], zone_id: ids.zone, station_id: 1, team: 't', from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z', buffer: 200 },
    'POST /api/planner/split': { geometry: square, line },
    'POST /api/planner/merge': { geometries: [square, square] },
    'POST /api/planner/:layer/:id/restore': { version: STALE, entry: 1 },
    'POST /api/live/positions': [{ unit: unitCode, ts: '2026-01-01T00:00:00Z', lon, lat, speed: 1, heading: 90, accuracy: 5 }],
    'POST /api/alerts/:id/acknowledge': { note: 'fuzz' },
    'PATCH /api/alert-rules/:id': { version: STALE, enabled: true, params: { minutes: 60, cells: [1, 2] } },
    'POST /api/volunteers/:id/activities': { kind: 'patrol_hours', quantity: 1, heldAt: '2026-01-01T00:00:00Z', note: 'fuzz' },
    'PATCH /api/point-rules/:kind': { version: STALE, pointsPerUnit: 2, maxQuantity: 10, label: 'fuzz' },
    'POST /api/shop/items': { name: 'fuzz', price: 10, stock: 1 },
    'POST /api/shop/redemptions': { volunteerId: ids.someVolunteer, itemId: STALE, quantity: 1 },
    'POST /api/household-units/:id/reports': { kind: 'dispute', category: 'neighbour', parties: 2, description: 'fuzz', reportedAt: '2026-01-01T00:00:00Z' },
    'POST /api/mediation-cases': { disputeId: STALE, roomId: 1, version: 1, note: 'fuzz', participants: [{ agency: 'police', name: 'fuzz', role: 'r' }] },
    'POST /api/mediation-cases/:id/close': { outcome: 'agreement', closedAt: '2026-01-01T00:00:00Z', sessions: 1, note: 'fuzz' },
    'POST /api/mediation-cases/:id/participants': { agency: 'police', name: 'fuzz', role: 'r' },
    'POST /api/coordination/meetings': { kind: 'monthly', heldAt: '2026-01-01T00:00:00Z', stationId: STALE, areaCode: '220402', attendees: 5, summary: 'fuzz', raised: [{ title: 'fuzz', category: 'dispute' }], resolves: [STALE] },
    'PUT /api/officer/hazards/:id/photo': { content_type: 'image/png', data: 'iVBORw0KGgo=' },
    // A roster row naming no unit there is: refused whole, nothing written, whatever else is changed.
    'POST /api/people/import': { rows: [{ name: 'fuzz', role: 'grid_worker', badge: 'FUZZ-1', unit: 'NO-SUCH-UNIT', phone: '13900000000', cells: 'NO-SUCH-CELL' }] },
    'PUT /api/layers/:layer/features/:id/photo': { content_type: 'image/png', data: 'iVBORw0KGgo=' },
  }
}

/** Bad values for a field, chosen by the sample's type; strings and wrong types for everything. */
const BAD_ANY: unknown[] = ['fuzz\u0000nul', '\u001b[31m', 'x\ud800', null, true, [], {}, [[[[[[[[[[1]]]]]]]]]]]
const BAD_NUMBER: unknown[] = [99_999_999_999, -99_999_999_999, 2_147_483_648, 1e308, -1e308, 'NaN', '1e999', '1']
const BAD_STRING: unknown[] = [1, 'x'.repeat(100_000), '\u0007bell', 'ok\u0000']
const BAD_QUERY: string[] = ['%00', 'a%00b', '99999999999', '-99999999999', '1e308', 'NaN', 'Infinity', '', '%FF%FE', '%E0%A4%A', '%1B%5B31m', '%ED%A0%80', "1'--", 'x'.repeat(5000)]
const BAD_PARAM: string[] = ['%00', '99999999999', '-1', '0', '1.5', 'NaN', '%2e%2e', 'x'.repeat(3000), '%FF', "1'--", '2147483648', '%ED%A0%80']

/** Every mutation of a JSON value: each leaf and each container replaced in turn by each bad value. */
function* mutations(value: unknown, path: string[] = []): Generator<{ where: string; value: unknown }> {
  const bad = typeof value === 'number' ? [...BAD_NUMBER, ...BAD_ANY] : typeof value === 'string' ? [...BAD_STRING, ...BAD_ANY] : BAD_ANY
  if (path.length > 0) for (const b of bad) yield { where: path.join('.'), value: b }
  if (Array.isArray(value)) {
    for (let i = 0; i < Math.min(value.length, 2); i++) for (const m of mutations(value[i], [...path, String(i)])) yield m
  } else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) for (const m of mutations((value as Record<string, unknown>)[k], [...path, k])) yield m
  }
}

/** `value` with the node at `where` (dotted path) replaced. */
function replaced(value: unknown, where: string, by: unknown): unknown {
  const keys = where.split('.')
  const copy = structuredClone(value) as Record<string, unknown>
  let node: Record<string, unknown> = copy
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>
  node[keys.at(-1)!] = by
  return copy
}

/** Stack frames, SQL, file paths: what an error answer must never show. */
const LEAK = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|\bSELECT\b|\bINSERT INTO\b|\bUPDATE \w+ SET\b|\bDELETE FROM\b|pg_catalog|ST_\w+\(/

describe('fuzz: bad input never gives a 500, never leaks, never half-writes', () => {
  let t: TestDb
  let server: TestServer
  let cases: RouteCase[]
  let ids: CaseIds
  let cleanup: () => Promise<void>
  let deviceToken: string
  let unitCode: string
  let tables: string[]
  let port = 0
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })

  beforeAll(async () => {
    t = await getTestDb()
    const app = createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 60_000, writesPerMinute: 10_000_000 } })
    server = await listen(app)
    port = Number(new URL(server.url).port)
    ;({ cases, ids, cleanup } = await buildRouteCases(t.db))
    unitCode = (await sql<{ code: string }>`SELECT min(code) AS code FROM patrol_units`.execute(t.db)).rows[0]!.code
    deviceToken = (await issueTokens(t.db, [unitCode]))[0]!.token
    tables = (await sql<{ t: string }>`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`.execute(t.db)).rows.map((r) => r.t)
  })
  afterAll(async () => {
    agent.destroy()
    await cleanup?.()
    await server?.close()
  })

  /** Row counts of every table, in one statement. */
  const counts = async (): Promise<string> => {
    const select = sql.join(tables.map((name) => sql`(SELECT count(*) FROM ${sql.table(name)})::text`), sql`||','||`)
    return (await sql<{ c: string }>`SELECT ${select} AS c`.execute(t.db)).rows[0]!.c
  }
  /** The next transaction id: unchanged when nothing at all was written. */
  const xmax = async (): Promise<string> => (await sql<{ x: string }>`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x`.execute(t.db)).rows[0]!.x

  const send = (method: string, rawPath: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const h = { ...headers, ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) }
      const req = http.request({ host: '127.0.0.1', port, path: rawPath, method, headers: h, agent }, (res) => {
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          res.destroy()
          return resolve({ status: res.statusCode ?? 0, text: '' })
        }
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      })
      // A refused large body may be answered before it is all sent: the answer is what counts.
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? resolve({ status: 413, text: '' }) : reject(err)))
      req.end(body)
    })

  it('drives every route with bad values', async () => {
    const table = bodies(ids, unitCode)
    const failures: string[] = []
    let requests = 0
    let refusedWrites = 0
    let known = { xmax: '', counts: '' }
    const byRoute = new Map<string, RouteCase>()
    for (const c of cases) if (!byRoute.has(c.route)) byRoute.set(c.route, c)
    for (const c of byRoute.values()) {
      const [method, pattern] = c.route.split(' ') as [string, string]
      const write = method !== 'GET'
      // A caller who may use the route (the first whose canonical answer is not a refusal).
      const who = (['admin', 'command', 'planner', 'officer', 'volunteer'] as const).find((w) => !statusMatches(c.expect[WHO.indexOf(w)]!, 401) && !statusMatches(c.expect[WHO.indexOf(w)]!, 403)) ?? 'admin'
      const headers: Record<string, string> = pattern === '/api/live/positions' ? { authorization: `Bearer ${deviceToken}` } : authHeader(who as TestAccount)
      const [pathOnly, query = ''] = c.path.split(/(?=\?)/) as [string, string?]
      const baseQuery = new URLSearchParams(query.slice(1))
      for (const [k, v] of Object.entries(QUERY[c.route] ?? {})) if (!baseQuery.has(k)) baseQuery.set(k, v)
      const base = table[c.route]
      if (write && base === undefined && c.body !== undefined && JSON.stringify(c.body) !== '{}') failures.push(`${c.route}: no example body in the fuzz table`)

      const attempts: Array<{ what: string; path: string; body?: string }> = []
      // Path parameters.
      const patternSegs = pattern.split('/')
      const pathSegs = pathOnly.split('/')
      patternSegs.forEach((seg, i) => {
        if (!seg.includes(':')) return
        for (const bad of BAD_PARAM) {
          const segs = [...pathSegs]
          // `:y.mvt`, `:layer.json`: keep the suffix.
          const suffix = seg.match(/(\.[a-z]+)$/)?.[1] ?? ''
          segs[i] = bad + suffix
          attempts.push({ what: `param ${seg}=${bad.slice(0, 20)}`, path: segs.join('/') + (query || ''), body: base === undefined ? (c.body === undefined ? undefined : JSON.stringify(c.body)) : JSON.stringify(base) })
        }
      })
      // Query parameters: each bad value in each, an unknown one, and each repeated.
      const q = (params: URLSearchParams, name: string, raw: string) => {
        const parts = [...params.entries()].filter(([k]) => k !== name).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        return '?' + [...parts, `${encodeURIComponent(name)}=${raw}`].join('&')
      }
      for (const name of [...baseQuery.keys(), 'zz%00']) {
        for (const bad of BAD_QUERY) attempts.push({ what: `query ${name}=${bad.slice(0, 20)}`, path: pathOnly + q(baseQuery, name, bad), body: base === undefined ? undefined : JSON.stringify(base) })
        if (baseQuery.has(name)) attempts.push({ what: `query ${name} repeated`, path: `${pathOnly}?${baseQuery.toString()}&${encodeURIComponent(name)}=${encodeURIComponent(baseQuery.get(name)!)}` })
      }
      if (write) {
        const sendPath = pathOnly + (query || '')
        // Each field of the example body.
        if (base !== undefined) for (const m of mutations(base)) attempts.push({ what: `body ${m.where}=${JSON.stringify(m.value)?.slice(0, 24)}`, path: sendPath, body: JSON.stringify(replaced(base, m.where, m.value)) })
        // The whole body.
        const deep = '['.repeat(100_000) + ']'.repeat(100_000)
        for (const [what, body] of [['body null', 'null'], ['body []', '[]'], ['body "x"', '"x"'], ['body 1e999', '1e999'], ['body not JSON', '{"a":'], ['body deep', deep], ['body 10 MB string', JSON.stringify('x'.repeat(10_000_000))], ['body NUL key', '{"\\u0000":1}']] as const) {
          attempts.push({ what, path: sendPath, body })
        }
      }

      for (const a of attempts) {
        // Counted again only when a transaction id was taken since (anything written at all).
        if (write && (await xmax()) !== known.xmax) known = { xmax: await xmax(), counts: await counts() }
        const r = await send(method, a.path, headers, a.body)
        requests++
        if (r.status >= 500) failures.push(`${c.route} ${a.what}: ${r.status} ${r.text.slice(0, 160)}`)
        if (r.status >= 400 && LEAK.test(r.text)) failures.push(`${c.route} ${a.what}: the error shows internals: ${r.text.slice(0, 200)}`)
        if (write && r.status >= 400) {
          refusedWrites++
          if ((await xmax()) !== known.xmax) {
            const after = { xmax: await xmax(), counts: await counts() }
            if (after.counts !== known.counts) failures.push(`${c.route} ${a.what}: refused with ${r.status} but the row counts changed`)
            known = after
          }
        }
      }
    }
    console.log(`fuzz: ${byRoute.size} routes, ${requests} requests, ${refusedWrites} refused writes checked, ${failures.length} failures`)
    expect(failures.slice(0, 60)).toEqual([])
    expect(requests).toBeGreaterThan(3000)
  })
})
