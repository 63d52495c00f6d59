import http from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { clientErrorFromDb } from '../../server/src/http/db-errors.ts'
import { ApiError } from '../../server/src/http/errors.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, type TestDb } from '../helpers/test-db.ts'

/** Issue 14, items 1, 3 and 8 at their edges: methods, the page, database errors, proxies. */
describe('request edges', () => {
  let t: TestDb
  let server: TestServer
  let page: string

  beforeAll(async () => {
    t = await getTestDb()
    page = mkdtempSync(path.join(tmpdir(), 'pingan-page-'))
    writeFileSync(path.join(page, 'index.html'), '<!doctype html><title>page</title>')
    server = await listen(createApp({ database: t, logger: createLogger('silent'), clientDir: page }))
  })
  afterAll(async () => {
    await server?.close()
    rmSync(page, { recursive: true, force: true })
  })

  it('serves the page at / and answers any other unknown path 404 in JSON, never the page', async () => {
    expect((await fetch(server.url + '/')).status).toBe(200)
    for (const p of ['/API/admin/users', '/Api/health', '/%61pi/admin/users', '/live', '/index.html/x']) {
      const r = await fetch(server.url + p)
      expect(r.status, p).toBe(404)
      expect(await r.json(), p).toMatchObject({ error: { code: 'not_found' } })
    }
  })

  it('answers OPTIONS, TRACE and unknown methods 405 without listing anything', async () => {
    // fetch() will not send TRACE; node:http sends any method.
    const port = Number(new URL(server.url).port)
    for (const method of ['OPTIONS', 'TRACE', 'PROPFIND']) {
      const r = await new Promise<http.IncomingMessage>((resolve, reject) => http.request({ host: '127.0.0.1', port, path: '/api/admin/users', method }, resolve).on('error', reject).end())
      r.resume()
      expect(r.statusCode, method).toBe(405)
      expect(r.headers.allow, method).toBeUndefined()
    }
  })

  it('refuses control characters with 400 naming the field, before sign-in too', async () => {
    const anon = apiClient(server.url, null)
    const login = await anon.post('/api/auth/login', { username: 'ad\u0000min', password: 'x' })
    expect(login.status).toBe(400)
    expect(login.body.error.message).toContain('body field "username"')
    const admin = apiClient(server.url)
    const q = await admin.get('/api/volunteers?q=a%00b')
    expect(q.status).toBe(400)
    expect(q.body.error.details).toEqual({ field: 'query parameter "q"' })
    const name = await admin.post('/api/shop/items', { name: 'soap\u001b', price: 1, stock: 1 })
    expect(name.status).toBe(400)
    expect(name.body.error.details).toEqual({ field: 'body field "name"' })
    const deep = await admin.raw('POST', '/api/shop/items', '['.repeat(50_000) + ']'.repeat(50_000))
    expect(deep.status).toBe(400)
    expect(deep.body.error.code).toBe('too_deep')
  })

  it('range-checks ids against the int4 columns (400/404, not 500)', async () => {
    const admin = apiClient(server.url)
    expect((await admin.get('/api/analysis/coverage?grid=99999999999')).status).toBe(400)
    expect((await admin.get('/api/layers/hazards/features/99999999999')).status).toBe(404)
    expect((await admin.get('/api/volunteers?org=2147483648')).status).toBe(400)
  })

  it('maps database errors by SQLSTATE class, naming the field and never the table or constraint', async () => {
    const fail = async (q: ReturnType<typeof sql>) => {
      try {
        await q.execute(t.db)
      } catch (err) {
        return clientErrorFromDb(err)
      }
      throw new Error('expected the statement to fail')
    }
    const overflow = await fail(sql`SELECT ${'99999999999'}::int`)
    expect(overflow).toBeInstanceOf(ApiError)
    expect(overflow).toMatchObject({ status: 400, code: 'invalid_value' })
    const nul = await fail(sql`SELECT convert_from('\\x00'::bytea, 'UTF8')`)
    expect(nul).toMatchObject({ status: 400 })
    const duplicate = await fail(sql`INSERT INTO users (username, display_name, role, password_hash) SELECT username, display_name, role, password_hash FROM users LIMIT 1`)
    expect(duplicate).toMatchObject({ status: 409, code: 'duplicate', details: { field: 'username' } })
    const reference = await fail(sql`INSERT INTO user_grid_cells (user_id, grid_id) VALUES ((SELECT min(id) FROM users), 2147483000)`)
    expect(reference).toMatchObject({ status: 422, code: 'invalid_reference', details: { field: 'grid_id' } })
    const missing = await fail(sql`INSERT INTO users (username, display_name, role, password_hash) VALUES ('x-null-test', 'x', 'admin', NULL)`)
    expect(missing).toMatchObject({ status: 422, code: 'missing_value', details: { field: 'password_hash' } })
    const check = await fail(sql`UPDATE users SET role = 'nobody' WHERE id = (SELECT min(id) FROM users)`)
    expect(check).toMatchObject({ status: 422 })
    for (const e of [overflow, duplicate, reference, missing, check] as ApiError[]) {
      expect(e.message).not.toMatch(/users_|user_grid_cells|grid_cells"|_check|_fkey|_key\b/)
    }
    // A bug is not the client's fault: an unknown column stays a 500.
    const bug = await fail(sql`SELECT no_such_column FROM users`)
    expect(bug).not.toBeInstanceOf(ApiError)
  })

  it('believes X-Forwarded-For only from the proxies TRUST_PROXY names', async () => {
    // One failure per username, each from a different claimed address: only the connection's
    // own address counts, so the per-address limit (10 × 1) holds whatever the header says.
    const tryAll = async (url: string) => {
      const statuses: number[] = []
      for (let i = 0; i < 12; i++) {
        const r = await fetch(url + '/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i + 1}` },
          body: JSON.stringify({ username: `proxy-test-${i}`, password: 'wrong-password' }),
        })
        statuses.push(r.status)
      }
      return statuses
    }
    const direct = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { loginMaxFailures: 1 } }))
    const behindProxy = await listen(createApp({ database: t, logger: createLogger('silent'), auth: { loginMaxFailures: 1 }, trustProxy: 'loopback' }))
    try {
      const d = await tryAll(direct.url)
      expect(d.slice(0, 10)).toEqual(Array(10).fill(401))
      expect(d.slice(10)).toEqual([429, 429])
      // Told that loopback is a proxy, each claimed address is its own client.
      expect(await tryAll(behindProxy.url)).toEqual(Array(12).fill(401))
    } finally {
      await direct.close()
      await behindProxy.close()
    }
  })
})
