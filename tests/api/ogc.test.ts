import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAYERS, type LayerDef } from '../../data/catalog/layers.ts'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { authHeader, TEST_TOKENS } from '../helpers/accounts.ts'

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
const OGRINFO = '/usr/bin/ogrinfo'
// Async on purpose: ogrinfo calls back into this process's server, which must stay free to answer.
const run = promisify(execFile)

interface Link {
  href: string
  rel: string
  type?: string
}
interface Collection {
  id: string
  title: string
  description: string
  links: Link[]
  itemType: string
  crs: string[]
  extent?: { spatial?: { bbox: number[][]; crs: string }; temporal?: { interval: string[][] } }
}
interface ItemsPage {
  type: string
  numberMatched: number
  numberReturned: number
  timeStamp: string
  links: Link[]
  features: Array<{ type: string; id: number; geometry: unknown; properties: Record<string, unknown> }>
}

const rel = (links: Link[], name: string) => links.find((l) => l.rel === name)

describe('OGC API – Features at /ogc', () => {
  let t: TestDb
  let server: TestServer
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
  })
  afterAll(() => server.close())

  const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers: { ...authHeader('admin'), ...headers } })
  const json = async <T>(path: string, headers: Record<string, string> = {}): Promise<T> => {
    const res = await get(path, headers)
    expect(res.status, path).toBe(200)
    return (await res.json()) as T
  }
  const ids = async (query: ReturnType<typeof sql>) => (await sql<{ id: number }>`${query}`.execute(t.db)).rows.map((r) => r.id)

  /** Follows `next` links from the first page until there is none, as a client would. */
  async function walk(first: string): Promise<{ ids: number[]; matched: Set<number>; pages: number }> {
    const seen: number[] = []
    const matched = new Set<number>()
    let url: string | undefined = server.url + first
    let pages = 0
    while (url) {
      expect(++pages, 'runaway paging').toBeLessThan(500)
      const res = await fetch(url, { headers: authHeader('admin') })
      expect(res.status, url).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/)
      const page = (await res.json()) as ItemsPage
      expect(page.type).toBe('FeatureCollection')
      expect(page.numberReturned).toBe(page.features.length)
      expect(Date.parse(page.timeStamp)).not.toBeNaN()
      expect(rel(page.links, 'self')?.href).toBe(url.replace(/%2C/gi, ','))
      // numberMatched is said once, on the first page (where it is cheap); later pages leave it out.
      if (pages === 1) matched.add(page.numberMatched)
      else expect(page.numberMatched, url).toBeUndefined()
      seen.push(...page.features.map((f) => f.id))
      url = rel(page.links, 'next')?.href
      if (url) {
        expect(url.startsWith(`${server.url}/ogc/collections/`), url).toBe(true)
        // Keyset paging: the next page starts after this page's last id; never an OFFSET.
        const next = new URL(url)
        expect(next.searchParams.get('after'), url).toBe(String(page.features.at(-1)!.id))
        expect(next.searchParams.has('offset'), url).toBe(false)
      }
    }
    return { ids: seen, matched, pages }
  }

  it('has a landing page linking itself, the API definition, conformance and the collections', async () => {
    const res = await get('/ogc')
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await res.json()) as { title: string; links: Link[] }
    expect(body.title).toBeTruthy()
    expect(rel(body.links, 'self')).toMatchObject({ href: `${server.url}/ogc`, type: 'application/json' })
    expect(rel(body.links, 'service-desc')).toMatchObject({ href: `${server.url}/ogc/api`, type: 'application/vnd.oai.openapi+json;version=3.0' })
    expect(rel(body.links, 'conformance')).toMatchObject({ href: `${server.url}/ogc/conformance` })
    expect(rel(body.links, 'data')).toMatchObject({ href: `${server.url}/ogc/collections` })
  })

  it('links its own API definition, which declares every collection\'s parameters as Core asks (limit with default and maximum, bbox, datetime where there is time) and keyset paging', async () => {
    const landing = await json<{ links: Link[] }>('/ogc')
    const desc = rel(landing.links, 'service-desc')!
    expect(desc.href).toBe(`${server.url}/ogc/api`)
    // Public, like the landing page: a client reads it before it has credentials.
    const res = await fetch(desc.href)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.oai\.openapi\+json/)
    const doc = (await res.json()) as { servers: Array<{ url: string }>; paths: Record<string, { get?: { parameters?: Array<{ name: string; in: string; schema: Record<string, unknown> }> } }> }
    const { Validator } = await import('@seriousme/openapi-schema-validator')
    const checked = await new Validator().validate(doc as never)
    expect(checked.errors ?? []).toEqual([])
    expect(doc.servers[0]!.url).toBe(`${server.url}/ogc`)
    for (const layer of LAYERS) {
      const params = doc.paths[`/collections/${layer.id}/items`]?.get?.parameters ?? []
      const byName = new Map(params.map((p) => [p.name, p]))
      expect(byName.get('limit')?.schema, layer.id).toMatchObject({ type: 'integer', minimum: 1, maximum: 10000, default: 10 })
      expect(byName.get('bbox')?.schema, layer.id).toMatchObject({ type: 'array', minItems: 4, maxItems: 4 })
      expect(byName.has('datetime'), layer.id).toBe(Boolean(layer.timeColumn))
      expect(byName.get('after')?.schema, layer.id).toMatchObject({ type: 'integer' })
      for (const p of layer.properties) expect(byName.get(p.name)?.in, `${layer.id}.${p.name}`).toBe('query')
      expect(doc.paths[`/collections/${layer.id}/items/{featureId}`]?.get, layer.id).toBeDefined()
    }
  })

  it('declares the core, GeoJSON and OpenAPI 3.0 conformance classes', async () => {
    const body = await json<{ conformsTo: string[] }>('/ogc/conformance')
    const conf = 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf'
    expect([...body.conformsTo].sort()).toEqual([`${conf}/core`, `${conf}/geojson`, `${conf}/oas30`].sort())
  })

  it('lists every catalogued layer as a feature collection in CRS84 with self and items links', async () => {
    const body = await json<{ links: Link[]; collections: Collection[] }>('/ogc/collections')
    expect(rel(body.links, 'self')?.href).toBe(`${server.url}/ogc/collections`)
    expect(body.collections.map((c) => c.id)).toEqual(LAYERS.map((l) => l.id))
    for (const layer of LAYERS) {
      const c = body.collections.find((x) => x.id === layer.id)!
      expect(c, layer.id).toMatchObject({ title: layer.title.en, description: layer.title.zh, itemType: 'feature', crs: [CRS84] })
      expect(rel(c.links, 'self')?.href).toBe(`${server.url}/ogc/collections/${layer.id}`)
      expect(rel(c.links, 'items')).toEqual(expect.objectContaining({ href: `${server.url}/ogc/collections/${layer.id}/items`, type: 'application/geo+json' }))
    }
    const zh = await json<Collection>('/ogc/collections/hazards', { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.5' })
    expect(zh.title).toBe('风险隐患')
  })

  it("gives each collection the extent ST_Extent computes and its time column's range", async () => {
    for (const layer of LAYERS as readonly LayerDef[]) {
      const c = await json<Collection>(`/ogc/collections/${layer.id}`)
      const e = (
        await sql<{ b: number[] }>`SELECT json_build_array(ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)) AS b
          FROM (SELECT ST_Extent(geom) AS e FROM ${sql.table(layer.table)}) x`.execute(t.db)
      ).rows[0]!.b
      expect(c.extent?.spatial, layer.id).toEqual({ bbox: [e], crs: CRS84 })
      if (!layer.timeColumn) {
        expect(c.extent?.temporal, layer.id).toBeUndefined()
        continue
      }
      const [from, to] = c.extent!.temporal!.interval[0]!
      const time = sql.ref(layer.timeColumn)
      // Compared in the database, so microseconds count.
      const same = await scalar<boolean>(t.db, sql`SELECT ${from}::timestamptz = min(${time}) AND ${to}::timestamptz = max(${time}) FROM ${sql.table(layer.table)}`)
      expect(same, `${layer.id} ${from}/${to}`).toBe(true)
    }
  })

  it('pages through every school 17 at a time by next links: no gaps, no duplicates', async () => {
    const expected = await ids(sql`SELECT id FROM schools ORDER BY id`)
    const walked = await walk('/ogc/collections/schools/items?limit=17')
    expect(walked.ids).toEqual(expected)
    expect(walked.matched).toEqual(new Set([expected.length]))
    expect(walked.pages).toBe(Math.ceil(expected.length / 17))
  })

  it('pages through the hazards in a bbox exactly as SQL filters them', async () => {
    const bbox = [125.1, 42.8, 125.3, 43.0] as const
    const expected = await ids(sql`SELECT id FROM hazards WHERE geom && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326) ORDER BY id`)
    expect(expected.length).toBeGreaterThan(50)
    const walked = await walk(`/ogc/collections/hazards/items?bbox=${bbox.join(',')}&limit=50&f=json`)
    expect(new Set(walked.ids).size).toBe(walked.ids.length)
    expect(walked.ids).toEqual(expected)
    expect(walked.matched).toEqual(new Set([expected.length]))
    expect(walked.pages).toBeGreaterThan(1)
  })

  it('filters incidents by datetime instant ranges like SQL does', async () => {
    const cases: Array<[string, ReturnType<typeof sql>]> = [
      ['2026-10-01T00:00:00Z/2026-10-15T00:00:00+08:00', sql`reported_at BETWEEN '2026-10-01T00:00:00Z' AND '2026-10-15T00:00:00+08:00'`],
      ['2026-10-20T00:00:00Z/..', sql`reported_at >= '2026-10-20T00:00:00Z'`],
      ['../2026-01-01T00:00:00Z', sql`reported_at <= '2026-01-01T00:00:00Z'`],
    ]
    for (const [datetime, where] of cases) {
      const expected = await scalar<number>(t.db, sql`SELECT count(*)::int FROM incidents WHERE ${where}`)
      expect(expected, datetime).toBeGreaterThan(0)
      const page = await json<ItemsPage>(`/ogc/collections/incidents/items?datetime=${encodeURIComponent(datetime)}&limit=5`)
      expect(page.numberMatched, datetime).toBe(expected)
      expect(page.numberReturned).toBe(Math.min(5, expected))
    }
  })

  it('filters on a catalogued property by equality', async () => {
    const expected = await scalar<number>(t.db, sql`SELECT count(*)::int FROM schools WHERE kind = 'primary'`)
    const page = await json<ItemsPage>('/ogc/collections/schools/items?kind=primary&limit=1000')
    expect(page.numberMatched).toBe(expected)
    expect(page.features.every((f) => f.properties.kind === 'primary')).toBe(true)
    expect(rel(page.links, 'next')).toBeUndefined()
  })

  it('clamps limit to 10000 and keeps paging from there', async () => {
    const total = await scalar<number>(t.db, sql`SELECT count(*)::int FROM incidents`)
    const page = await json<ItemsPage>('/ogc/collections/incidents/items?limit=20000')
    expect(page.numberMatched).toBe(total)
    expect(page.numberReturned).toBe(Math.min(total, 10000))
    if (total > 10000) {
      const last = await scalar<number>(t.db, sql`SELECT id FROM incidents ORDER BY id OFFSET 9999 LIMIT 1`)
      expect(rel(page.links, 'next')?.href).toBe(`${server.url}/ogc/collections/incidents/items?limit=10000&after=${last}`)
      const rest = await json<ItemsPage>(`/ogc/collections/incidents/items?limit=10000&after=${last}`)
      expect(rest.numberReturned).toBe(total - 10000)
      expect(rest.features[0]!.id).toBe(await scalar<number>(t.db, sql`SELECT min(id) FROM incidents WHERE id > ${last}`))
    }
    // A client that pages by offset itself still can; its next link continues by id.
    const byOffset = await json<ItemsPage>('/ogc/collections/incidents/items?limit=5&offset=20')
    expect(byOffset.features.map((f) => f.id)).toEqual(await ids(sql`SELECT id FROM incidents ORDER BY id OFFSET 20 LIMIT 5`))
    expect(rel(byOffset.links, 'next')?.href).toBe(`${server.url}/ogc/collections/incidents/items?limit=5&after=${byOffset.features[4]!.id}`)
    const firstTen = await json<ItemsPage>('/ogc/collections/incidents/items')
    expect(firstTen.numberReturned).toBe(Math.min(total, 10))
  })

  it('rejects bad input with the API error shape', async () => {
    const cases: Array<[string, number, string]> = [
      ['/ogc/collections/schools/items?limit=0', 400, 'invalid_query'],
      ['/ogc/collections/schools/items?limit=ten', 400, 'invalid_query'],
      ['/ogc/collections/schools/items?offset=-1', 400, 'invalid_query'],
      ['/ogc/collections/schools/items?after=-1', 400, 'invalid_query'],
      ['/ogc/collections/schools/items?after=x', 400, 'invalid_query'],
      ['/ogc/collections/schools/items?bbox=126,43,125,42', 400, 'invalid_query'],
      ['/ogc/collections/schools/items?bbox=1,2,3', 400, 'invalid_query'],
      ['/ogc/collections/schools/items?bbox=0,0,200,10', 400, 'invalid_query'],
      ['/ogc/collections/incidents/items?datetime=yesterday', 400, 'invalid_query'],
      ['/ogc/collections/schools/items?datetime=2026-10-01T00:00:00Z', 400, 'invalid_query'],
      ['/ogc/collections/schools/items?colour=red', 400, 'unknown_property'],
      ['/ogc/collections/schools/items?cursor=abc', 400, 'unknown_property'],
      ['/ogc/collections/schools/items?f=html', 406, 'unsupported_format'],
      ['/ogc/collections/no-such-layer', 404, 'unknown_layer'],
      ['/ogc/collections/no-such-layer/items', 404, 'unknown_layer'],
      ['/ogc/collections/no-such-layer/items/1', 404, 'unknown_layer'],
      ['/ogc/collections/schools/items/abc', 404, 'unknown_feature'],
      ['/ogc/nothing-here', 404, 'not_found'],
    ]
    for (const [path, status, code] of cases) {
      const res = await get(path)
      expect(res.status, path).toBe(status)
      expect(((await res.json()) as { error: { code: string; message: string } }).error.code, path).toBe(code)
    }
  })

  it('accepts f=json on every resource, as GDAL sends it', async () => {
    for (const path of ['/ogc', '/ogc/conformance', '/ogc/collections', '/ogc/collections/rivers', '/ogc/collections/rivers/items', '/ogc/collections/rivers/items/1']) {
      expect((await get(`${path}?f=json`)).status, path).toBe(200)
    }
  })

  it('serves one feature with self and collection links, and 404 for a missing id', async () => {
    const id = await scalar<number>(t.db, sql`SELECT min(id) FROM schools`)
    const res = await get(`/ogc/collections/schools/items/${id}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/)
    const f = (await res.json()) as ItemsPage['features'][number] & { links: Link[] }
    expect(f).toMatchObject({ type: 'Feature', id, geometry: { type: 'Point' } })
    expect(f.properties.name).toBe(await scalar<string>(t.db, sql`SELECT name FROM schools WHERE id = ${id}`))
    expect(rel(f.links, 'self')?.href).toBe(`${server.url}/ogc/collections/schools/items/${id}`)
    expect(rel(f.links, 'collection')?.href).toBe(`${server.url}/ogc/collections/schools`)

    const missing = (await scalar<number>(t.db, sql`SELECT max(id) FROM schools`)) + 1000
    const gone = await get(`/ogc/collections/schools/items/${missing}`)
    expect(gone.status).toBe(404)
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('unknown_feature')
  })

  // CI installs gdal-bin (.ci/run), so there a missing ogrinfo is a failure, never a silent skip.
  const haveOgrinfo = existsSync(OGRINFO)
  it.skipIf(!haveOgrinfo && !process.env.CI)('is opened by GDAL (ogrinfo OAPIF): every layer listed, schools counted and read like SQL', async () => {
    if (!haveOgrinfo) throw new Error(`CI is set but ${OGRINFO} is missing: install gdal-bin`)
    const source = `OAPIF:${server.url}/ogc`
    // A proxy in the environment must not intercept requests to our loopback server.
    const options = { timeout: 60_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1', GDAL_HTTP_HEADERS: `Authorization: Bearer ${TEST_TOKENS.admin}` } }

    const { stdout: listing } = await run(OGRINFO, ['-ro', '-so', source], options)
    const listed = [...listing.matchAll(/^\d+: (\S+)/gm)].map((m) => m[1])
    expect(listed.sort()).toEqual(LAYERS.map((l) => l.id).sort())

    const schools = await scalar<number>(t.db, sql`SELECT count(*)::int FROM schools`)
    const { stdout: summary } = await run(OGRINFO, ['-ro', '-so', source, 'schools'], options)
    expect(Number(/^Feature Count: (\d+)$/m.exec(summary)?.[1])).toBe(schools)

    // Reading every feature makes GDAL follow the next links itself.
    const { stdout: all } = await run(OGRINFO, ['-ro', '-al', '-q', source, 'schools'], options)
    expect(all.match(/^OGRFeature\(schools\):\d+$/gm)?.length).toBe(schools)
  })

  it.skipIf(!haveOgrinfo && !process.env.CI)('is copied whole by ogr2ogr with GDAL\'s defaults: every incident, each id once, like SQL (issue 16: < 10 s)', async () => {
    if (!haveOgrinfo) throw new Error(`CI is set but ${OGRINFO} is missing: install gdal-bin`)
    const dir = mkdtempSync(path.join(tmpdir(), 'pingan-ogr2ogr-'))
    try {
      const out = path.join(dir, 'incidents.geojson')
      const options = { timeout: 120_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1', GDAL_HTTP_HEADERS: `Authorization: Bearer ${TEST_TOKENS.admin}` } }
      const t0 = performance.now()
      await run('/usr/bin/ogr2ogr', ['-f', 'GeoJSON', out, `OAPIF:${server.url}/ogc`, 'incidents'], options)
      const seconds = (performance.now() - t0) / 1000
      const copied = JSON.parse(readFileSync(out, 'utf8')) as { features: Array<{ properties: { code: string } }> }
      // The incidents' codes are unique: every one copied once, in id order, as SQL lists them.
      const expected = (await sql<{ code: string }>`SELECT code FROM incidents ORDER BY id`.execute(t.db)).rows.map((r) => r.code)
      expect(expected.length).toBeGreaterThan(1000)
      expect(copied.features.map((f) => f.properties.code)).toEqual(expected)
      // Printed, not asserted: time depends on the machine (the bench reports it); GDAL 3.6 pages 10 at a time.
      console.log(`ogr2ogr incidents: ${expected.length} features in ${seconds.toFixed(1)} s`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
