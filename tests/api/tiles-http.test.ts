import { gunzipSync } from 'node:zlib'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAYERS } from '../../data/catalog/layers.ts'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { authHeader } from '../helpers/accounts.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'
import { centreTile, path, rawGet, vectorFieldsOf } from '../helpers/tiles.ts'

describe('vector tiles over HTTP', () => {
  let t: TestDb
  let server: TestServer
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
  })
  afterAll(() => server.close())

  describe('HTTP', () => {
    it('answers 204 for an empty tile and outside the layer zoom range', async () => {
      for (const p of ['/tiles/schools/14/0/0.mvt', '/tiles/schools/5/27/11.mvt', `/tiles/schools/19/0/0.mvt`, '/tiles/basemap/17/0/0.mvt', '/tiles/basemap/3/0/0.mvt']) {
        const res = await rawGet(server.url + p)
        expect(res.status, p).toBe(204)
        expect(res.body.length, p).toBe(0)
      }
    })

    it('rejects z/x/y that are not tile coordinates with a 400 and an unknown layer with a 404', async () => {
      const cases: Array<[string, number, string]> = [
        ['/tiles/schools/23/0/0.mvt', 400, 'invalid_tile'],
        ['/tiles/schools/2/4/0.mvt', 400, 'invalid_tile'],
        ['/tiles/schools/2/0/4.mvt', 400, 'invalid_tile'],
        ['/tiles/schools/0/1/0.mvt', 400, 'invalid_tile'],
        ['/tiles/schools/a/0/0.mvt', 400, 'invalid_tile'],
        ['/tiles/schools/1.5/0/0.mvt', 400, 'invalid_tile'],
        ['/tiles/schools/-1/0/0.mvt', 400, 'invalid_tile'],
        ['/tiles/schools/14/99999999999999999999/0.mvt', 400, 'invalid_tile'],
        ['/tiles/basemap/3/9/0.mvt', 400, 'invalid_tile'],
        ['/tiles/no-such-layer/1/0/0.mvt', 404, 'unknown_layer'],
        ['/tiles/no-such-layer.json', 404, 'unknown_layer'],
        [`/tiles/${encodeURIComponent("schools'; DROP TABLE schools; --")}/1/0/0.mvt`, 404, 'unknown_layer'],
      ]
      for (const [p, status, code] of cases) {
        const res = await rawGet(server.url + p)
        expect(res.status, p).toBe(status)
        const body = JSON.parse(res.body.toString()) as { error: { code: string; message: string } }
        expect(body.error.code, p).toBe(code)
        expect(body.error.message.length, p).toBeGreaterThan(0)
      }
    })

    it('gzips when asked, with an ETag, a 304 on If-None-Match, and private caching for a data layer', async () => {
      const url = server.url + path('grid-cells', centreTile(12))
      const plain = await rawGet(url, { 'accept-encoding': 'identity' })
      expect(plain.status).toBe(200)
      expect(plain.headers['content-type']).toBe('application/vnd.mapbox-vector-tile')
      expect(plain.headers['content-encoding']).toBeUndefined()
      expect(plain.headers['cache-control']).toBe('private, max-age=60')
      expect(String(plain.headers.vary)).toMatch(/accept-encoding/i)
      const etag = plain.headers.etag as string
      expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]{20,}"$/)

      const zipped = await rawGet(url, { 'accept-encoding': 'gzip, deflate, br' })
      expect(zipped.status).toBe(200)
      expect(zipped.headers['content-encoding']).toBe('gzip')
      expect(zipped.body.length).toBeLessThan(plain.body.length)
      expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true)
      expect(zipped.headers.etag).toBe(etag)

      const refused = await rawGet(url, { 'accept-encoding': 'gzip;q=0' })
      expect(refused.headers['content-encoding']).toBeUndefined()
      expect(refused.body.equals(plain.body)).toBe(true)

      for (const inm of [etag, etag.replace(/^W\//, ''), `"other", ${etag}`, '*']) {
        const again = await rawGet(url, { 'if-none-match': inm, 'accept-encoding': 'gzip' })
        expect(again.status, inm).toBe(304)
        expect(again.body.length).toBe(0)
        expect(again.headers.etag).toBe(etag)
      }
      expect((await rawGet(url, { 'if-none-match': '"other"' })).status).toBe(200)
    })
  })

  it('says in Server-Timing what a tile cost: the database on a render, a cache hit after', async () => {
    const url = server.url + path('hazards', centreTile(13))
    const timing = (h: unknown) => Object.fromEntries([...String(h).matchAll(/(\w+);(?:desc="(\w+)"|dur=([\d.]+))/g)].map((m) => [m[1], m[2] ?? Number(m[3])]))
    const first = timing((await rawGet(url, { 'accept-encoding': 'gzip' })).headers['server-timing'])
    expect(first.db).toBeGreaterThan(0)
    expect(first.total).toBeGreaterThanOrEqual(first.db as number)
    // A render that closely follows a write to the layer is not kept (see TileCache): ask until it is.
    let later: Record<string, unknown> = {}
    for (let i = 0; i < 30 && later.cache !== 'hit'; i++) {
      if (i) await new Promise((r) => setTimeout(r, 200))
      later = timing((await rawGet(url, { 'accept-encoding': 'gzip' })).headers['server-timing'])
    }
    expect(later.cache).toBe('hit')
    expect(later.db).toBeUndefined()
    expect(later.total).toBeGreaterThan(0)
  })

  describe('TileJSON', () => {
    it('describes every layer: absolute tile URL, fields, zooms and the bounds of its table', async () => {
      for (const layer of LAYERS) {
        const res = await fetch(`${server.url}/tiles/${layer.id}.json`, { headers: authHeader('admin') })
        expect(res.status, layer.id).toBe(200)
        // Data layers depend on who asks: private caching only.
        expect(res.headers.get('cache-control')).toBe('private, max-age=60')
        const tj = (await res.json()) as Record<string, any>
        expect(tj.tilejson).toBe('3.0.0')
        expect(tj.tiles).toEqual([`${server.url}/tiles/${layer.id}/{z}/{x}/{y}.mvt`])
        expect([tj.minzoom, tj.maxzoom]).toEqual([layer.minzoom, layer.maxzoom])
        expect(tj.vector_layers).toHaveLength(1)
        const vl = tj.vector_layers[0]
        expect(vl.id).toBe(layer.id)
        expect([vl.minzoom, vl.maxzoom]).toEqual([layer.minzoom, layer.maxzoom])
        expect(Object.keys(vl.fields).sort()).toEqual([...layer.properties.map((p) => p.name), ...(layer.cluster ? ['count'] : [])].sort())
        for (const p of layer.properties) {
          expect(vl.fields[p.name], `${layer.id}.${p.name}`).toBe(p.type === 'integer' || p.type === 'number' ? 'Number' : p.type === 'boolean' ? 'Boolean' : 'String')
        }
        const [w, s, e, n] = tj.bounds as number[]
        expect(w! < e! && s! < n!, layer.id).toBe(true)
        const extent = await scalar<number[] | null>(
          t.db,
          sql`SELECT CASE WHEN count(*) > 0 THEN json_build_array(ST_XMin(ST_Extent(geom)), ST_YMin(ST_Extent(geom)), ST_XMax(ST_Extent(geom)), ST_YMax(ST_Extent(geom))) END FROM ${sql.table(layer.table)}`,
        )
        const expected = extent ?? (await scalar<number[]>(t.db, sql`SELECT json_build_array(ST_XMin(ST_Extent(geom)), ST_YMin(ST_Extent(geom)), ST_XMax(ST_Extent(geom)), ST_YMax(ST_Extent(geom))) FROM admin_areas WHERE level = 'city'`))
        expected.forEach((v, i) => expect(tj.bounds[i], `${layer.id} bounds`).toBeCloseTo(v, 5))
        expect(tj.center).toHaveLength(3)
      }
      expect(vectorFieldsOf(await (await fetch(`${server.url}/tiles/schools.json`, { headers: authHeader('admin') })).json())).toMatchObject({ name: 'String', students: 'Number', dismissal_times: 'String' })
    })

    it('describes the basemap with its four layers', async () => {
      const tj = (await (await fetch(`${server.url}/tiles/basemap.json`)).json()) as Record<string, any>
      expect(tj.tilejson).toBe('3.0.0')
      expect(tj.tiles).toEqual([`${server.url}/tiles/basemap/{z}/{x}/{y}.mvt`])
      expect(tj.vector_layers.map((l: { id: string }) => l.id)).toEqual(['admin-areas', 'grid-cells', 'rivers', 'labels'])
      expect(tj.vector_layers[3].fields).toEqual({ code: 'String', name: 'String', level: 'String' })
      expect(tj.minzoom).toBe(0)
      expect(tj.maxzoom).toBe(16)
      const [w, s, e, n] = tj.bounds as number[]
      expect(w).toBeGreaterThan(124.5)
      expect(e).toBeLessThan(126)
      expect(s).toBeGreaterThan(42)
      expect(n).toBeLessThan(43.5)
    })
  })
})
