import { request } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { authHeader } from '../helpers/accounts.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb } from '../helpers/test-db.ts'

/** The raw bytes of a GET as they crossed the wire (no decoding), with the response headers. */
function rawGet(url: string, headers: Record<string, string>, firstChunkOnly = false): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => {
        chunks.push(c)
        if (firstChunkOnly) {
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) })
          req.destroy()
        }
      })
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', (e) => (firstChunkOnly ? undefined : reject(e)))
    req.end()
  })
}

/** Issue 16: answers are compressed on the wire when asked, and what arrives is the same answer. */
describe('compressed answers', () => {
  let server: TestServer
  beforeAll(async () => {
    const t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
  })
  afterAll(() => server.close())
  const auth = authHeader('command')

  it('gzips a large analysis answer to a fraction of its size, decoding to the same JSON', async () => {
    const path = '/api/analysis/hotspots?layer=incidents&cell=500'
    const plain = await rawGet(server.url + path, { ...auth, 'accept-encoding': 'identity' })
    const gz = await rawGet(server.url + path, { ...auth, 'accept-encoding': 'gzip' })
    expect([plain.status, gz.status]).toEqual([200, 200])
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(JSON.parse(gunzipSync(gz.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')))
    console.log(`hotspots at 500 m: ${plain.body.length} bytes plain, ${gz.body.length} gzipped (${((100 * gz.body.length) / plain.body.length).toFixed(1)} %)`)
    expect(gz.body.length).toBeLessThan(plain.body.length / 4)
  })

  it('sends a tile gzipped once, never twice', async () => {
    const tile = await rawGet(`${server.url}/tiles/grid-cells/12/3472/1510.mvt`, { ...auth, 'accept-encoding': 'gzip' })
    expect(tile.status).toBe(200)
    expect(tile.headers['content-encoding']).toBe('gzip')
    const once = gunzipSync(tile.body)
    // A vector tile is protobuf: after one gunzip it no longer starts with the gzip magic bytes.
    expect([once[0], once[1]]).not.toEqual([0x1f, 0x8b])
    expect(once.length).toBeGreaterThan(100)
  })

  it('leaves the live stream and the sign-in answers uncompressed', async () => {
    const stream = await rawGet(`${server.url}/api/live/stream`, { ...auth, 'accept-encoding': 'gzip' }, true)
    expect(stream.status).toBe(200)
    expect(stream.headers['content-encoding']).toBeUndefined()
    expect(stream.body.toString('utf8')).toMatch(/^(:|event:|retry:|id:|data:)/m)
    const me = await rawGet(`${server.url}/api/auth/me`, { ...auth, 'accept-encoding': 'gzip' })
    expect(me.status).toBe(200)
    expect(me.headers['content-encoding']).toBeUndefined()
  })

  it('serves the built client precompressed: brotli when accepted, else gzip, else the plain file', async () => {
    // A client folder as `vite build` leaves it (vite.config.ts): each file beside its .br and .gz.
    const dir = mkdtempSync(join(tmpdir(), 'pingan-client-'))
    const script = Buffer.from(`console.log(${JSON.stringify('平安网格 '.repeat(2000))})`)
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>')
    writeFileSync(join(dir, 'app.js'), script)
    // Marked copies, so the test sees which file was sent rather than a compression made on the fly.
    const br = brotliCompressSync(Buffer.concat([script, Buffer.from('//br')]))
    const gz = gzipSync(Buffer.concat([script, Buffer.from('//gz')]))
    writeFileSync(join(dir, 'app.js.br'), br)
    writeFileSync(join(dir, 'app.js.gz'), gz)
    const site = await listen(createApp({ database: await getTestDb(), logger: createLogger('silent'), clientDir: dir }))
    try {
      const asBr = await rawGet(`${site.url}/app.js`, { 'accept-encoding': 'gzip, deflate, br' })
      expect(asBr.status).toBe(200)
      expect(asBr.headers['content-encoding']).toBe('br')
      expect(asBr.body.equals(br)).toBe(true)
      expect(String(asBr.headers['content-type'])).toMatch(/javascript/)
      expect(String(asBr.headers.vary)).toMatch(/Accept-Encoding/i)
      const asGz = await rawGet(`${site.url}/app.js`, { 'accept-encoding': 'gzip' })
      expect(asGz.headers['content-encoding']).toBe('gzip')
      expect(asGz.body.equals(gz)).toBe(true)
      const plain = await rawGet(`${site.url}/app.js`, { 'accept-encoding': 'identity' })
      expect(plain.headers['content-encoding']).toBeUndefined()
      expect(plain.body.equals(script)).toBe(true)
      expect((await rawGet(`${site.url}/`, { 'accept-encoding': 'identity' })).body.toString()).toContain('<title>x</title>')
    } finally {
      await site.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
