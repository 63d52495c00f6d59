import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { authHeader, type TestAccount } from '../helpers/accounts.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { buildRouteCases, statusMatches, WHO, type RouteCase } from '../helpers/route-cases.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

/**
 * The authorization matrix: every route of the app × every role (and anonymous) → the status the
 * access model (issue 7) says, from the hand-written table in tests/helpers/route-cases.ts; the
 * first test fails when the app has a route that table does not cover, so a new endpoint cannot
 * be forgotten. Writes send an empty or invalid body: an allowed role gets the validation error
 * (400/422, or 404/405), a refused one 401/403, and nothing is ever written. Every other spelling
 * of each path is tried in access-spellings.test.ts.
 */
describe('authorization matrix', () => {
  let t: TestDb
  let server: TestServer
  let cases: RouteCase[]
  let cleanup: () => Promise<void>
  let routes: Array<{ method: string; path: string }>

  beforeAll(async () => {
    t = await getTestDb()
    const app = createApp({ database: t, logger: createLogger('silent'), auth: { credentialCacheMs: 0 } })
    routes = app.locals.routes
    server = await listen(app)
    ;({ cases, cleanup } = await buildRouteCases(t.db))
  })
  afterAll(async () => {
    await cleanup?.()
    await server?.close()
  })

  it('covers every route the app defines, and only those', () => {
    const defined = new Set(routes.map((r) => `${r.method} ${r.path}`))
    const covered = new Set(cases.map((c) => c.route))
    expect([...defined].filter((r) => !covered.has(r)), 'routes without an expectation').toEqual([])
    expect([...covered].filter((r) => !defined.has(r)), 'expectations for routes that do not exist').toEqual([])
  })

  it('answers every route × role with the expected status, and writes nothing', async () => {
    const audit = await scalar<number>(t.db, sql`SELECT count(*)::int FROM audit_log WHERE action <> 'login'`)
    const failures: string[] = []
    for (const c of cases) {
      const [method] = c.route.split(' ')
      for (const [i, who] of WHO.entries()) {
        const headers: Record<string, string> = who === 'anon' ? {} : authHeader(who as TestAccount)
        if (c.body !== undefined) headers['content-type'] = 'application/json'
        const controller = new AbortController()
        const res = await fetch(server.url + c.path, { method, headers, body: c.body === undefined ? undefined : JSON.stringify(c.body), signal: controller.signal })
        const status = res.status
        // A stream stays open: its status is all that is asked.
        controller.abort()
        const want = c.expect[i]!
        if (!statusMatches(want, status)) failures.push(`${who.padEnd(9)} ${method} ${c.path} → ${status}, expected ${JSON.stringify(want)}`)
      }
    }
    expect(failures).toEqual([])
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM audit_log WHERE action <> 'login'`)).toBe(audit)
  })
})
