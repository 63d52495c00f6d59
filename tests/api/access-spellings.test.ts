import http from 'node:http'
import { Writable } from 'node:stream'
import express, { Router } from 'express'
import { sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { assertRoutesGuarded, secureRouter } from '../../server/src/auth/route-guard.ts'
import { createUser } from '../../server/src/auth/users.ts'
import { sha256 } from '../../server/src/auth/principal.ts'
import { authHeader, type TestAccount } from '../helpers/accounts.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { buildRouteCases, statusMatches, WHO, type RouteCase, type Status, type Who } from '../helpers/route-cases.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

/**
 * Issue 14: the access decision must not depend on how a path is spelled. Every route of the
 * route table (tests/helpers/route-cases.ts, which must cover every route the app defines) is
 * asked for in its canonical spelling and in every other spelling an attacker would try, by every
 * principal: anonymous, each role, a revoked API token and a disabled account's token. Requests
 * go out byte for byte as written (node:http, no URL normalisation on the way).
 *
 * What must hold for a spelling other than the canonical one: either no route matched (404, no
 * handler ran) or an anonymous caller got 401 — or the request reached the very same declared
 * route (a spelling that changes a parameter's value, `/features/12;x=1`), and then its status is
 * the canonical one for that caller or a refusal of the value (400/404/422). No 2xx but the
 * canonical one, and no error answer carries data. A spelling that lands on another declared
 * route (a parameter segment taking the changed text) must be refused there.
 */
const PRINCIPALS = [...WHO, 'revoked', 'disabled'] as const
type Principal = (typeof PRINCIPALS)[number]
const REVOKED_TOKEN = 'pgt_test-revoked-0000000000000000000000'
const DISABLED_TOKEN = 'pgt_test-disabled-000000000000000000000'

interface Spelling {
  name: string
  /** The path as sent, from the canonical path's segments (query kept as is). */
  make: (segments: string[], fixed: boolean[], query: string) => string | null
}

const join = (segs: string[]) => '/' + segs.join('/')
const firstFixedAfterMount = (fixed: boolean[]) => fixed.findIndex((f, i) => i > 0 && f)
const lastFixed = (fixed: boolean[]) => fixed.lastIndexOf(true)
const withSeg = (segs: string[], i: number, v: string) => segs.map((s, j) => (j === i ? v : s))
const encodeFirstLetter = (s: string) => `%${s.charCodeAt(0).toString(16)}${s.slice(1)}`

export const SPELLINGS: Spelling[] = [
  { name: 'upper-case prefix', make: (s, _f, q) => join(withSeg(s, 0, s[0]!.toUpperCase())) + q },
  { name: 'capitalised prefix', make: (s, _f, q) => join(withSeg(s, 0, s[0]![0]!.toUpperCase() + s[0]!.slice(1))) + q },
  { name: 'upper-case fixed segment', make: (s, f, q) => (firstFixedAfterMount(f) > 0 ? join(withSeg(s, firstFixedAfterMount(f), s[firstFixedAfterMount(f)]!.toUpperCase())) + q : null) },
  { name: 'upper-case last fixed segment', make: (s, f, q) => (lastFixed(f) > 0 ? join(withSeg(s, lastFixed(f), s[lastFixed(f)]!.toUpperCase())) + q : null) },
  { name: 'trailing slash', make: (s, _f, q) => join(s) + '/' + q },
  { name: 'double slash after prefix', make: (s, _f, q) => (s.length > 1 ? '/' + s[0] + '//' + s.slice(1).join('/') + q : null) },
  { name: 'leading double slash', make: (s, _f, q) => '/' + join(s) + q },
  { name: '/./ segment', make: (s, _f, q) => '/' + s[0] + '/.' + (s.length > 1 ? '/' + s.slice(1).join('/') : '') + q },
  { name: '%2e segment', make: (s, _f, q) => '/' + s[0] + '/%2e' + (s.length > 1 ? '/' + s.slice(1).join('/') : '') + q },
  { name: '.. segment', make: (s, _f, q) => '/' + s[0] + '/x/..' + (s.length > 1 ? '/' + s.slice(1).join('/') : '') + q },
  { name: '.. before prefix', make: (s, _f, q) => '/x/..' + join(s) + q },
  { name: '%2e%2e segment', make: (s, _f, q) => '/' + s[0] + '/x/%2e%2e' + (s.length > 1 ? '/' + s.slice(1).join('/') : '') + q },
  { name: 'percent-encoded letter in prefix', make: (s, _f, q) => join(withSeg(s, 0, encodeFirstLetter(s[0]!))) + q },
  { name: 'percent-encoded upper-case letter', make: (s, _f, q) => join(withSeg(s, 0, encodeFirstLetter(s[0]!.toUpperCase()))) + q },
  { name: 'percent-encoded letter in fixed segment', make: (s, f, q) => (firstFixedAfterMount(f) > 0 ? join(withSeg(s, firstFixedAfterMount(f), encodeFirstLetter(s[firstFixedAfterMount(f)]!))) + q : null) },
  { name: 'encoded slashes', make: (s, _f, q) => '/' + s.join('%2F') + q },
  { name: ';x=1 on the prefix', make: (s, _f, q) => join(withSeg(s, 0, s[0] + ';x=1')) + q },
  { name: ';x=1 at the end', make: (s, _f, q) => join(s) + ';x=1' + q },
  { name: 'NUL in the path', make: (s, _f, q) => join(s) + '%00' + q },
]

interface Answer {
  status: number
  body: string
  route: string | undefined
}

describe('access does not depend on the spelling of the path', () => {
  let t: TestDb
  let server: TestServer
  let cases: RouteCase[]
  let cleanup: () => Promise<void>
  let routes: Array<{ method: string; path: string }>
  /** The declared route each request reached, by request id, from the request log. */
  const reached = new Map<string, string>()
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 })
  let port = 0

  beforeAll(async () => {
    t = await getTestDb()
    // A revoked token of an administrator, and the token of a disabled administrator.
    await t.db.transaction().execute(async (trx) => {
      for (const [name, token, disabled] of [['test-revoked', REVOKED_TOKEN, false], ['test-disabled', DISABLED_TOKEN, true]] as const) {
        const exists = await sql`SELECT 1 FROM users WHERE username = ${name}`.execute(trx)
        if (exists.rows.length) continue
        const user = await createUser(trx, { username: name, role: 'admin', password: 'spelling-test-password' }, 'test-setup')
        await sql`INSERT INTO api_tokens (user_id, name, token_hash, revoked_at) VALUES (${user.id}, 'tests', ${sha256(token)}, ${disabled ? null : new Date().toISOString()})`.execute(trx)
        if (disabled) await sql`UPDATE users SET disabled = true WHERE id = ${user.id}`.execute(trx)
      }
    })
    const log = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) {
          if (!line) continue
          const entry = JSON.parse(line) as { reqId?: string; route?: string }
          if (entry.reqId && entry.route) reached.set(entry.reqId, entry.route)
        }
        done()
      },
    })
    const app = createApp({ database: t, logger: pino({ level: 'info' }, log), auth: { credentialCacheMs: 0, writesPerMinute: 1_000_000 } })
    routes = app.locals.routes
    server = await listen(app)
    port = Number(new URL(server.url).port)
    ;({ cases, cleanup } = await buildRouteCases(t.db))
  })
  afterAll(async () => {
    agent.destroy()
    await cleanup?.()
    await server?.close()
  })

  let seq = 0
  /** One request, the path sent exactly as given; an event stream is closed once its status is known. */
  const send = (method: string, rawPath: string, who: Principal, body: unknown): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = {}
      if (who === 'revoked') headers.authorization = `Bearer ${REVOKED_TOKEN}`
      else if (who === 'disabled') headers.authorization = `Bearer ${DISABLED_TOKEN}`
      else if (who !== 'anon') Object.assign(headers, authHeader(who as TestAccount))
      const id = `spell-${++seq}-${Date.now()}`
      headers['x-request-id'] = id
      const payload = body === undefined ? undefined : JSON.stringify(body)
      if (payload !== undefined) headers['content-type'] = 'application/json'
      const req = http.request({ host: '127.0.0.1', port, path: rawPath, method, headers, agent }, (res) => {
        const chunks: Buffer[] = []
        const done = () => setImmediate(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), route: reached.get(id) }))
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          res.destroy()
          // The log line is written when the response finishes (the stream's close); wait for it.
          setTimeout(() => resolve({ status: res.statusCode ?? 0, body: '', route: reached.get(id) ?? 'stream' }), 50)
          return
        }
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', done)
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(payload)
    })

  /** An error answer carries `{"error":{code,message[,details]}}` and nothing else; an empty body is fine too. */
  const carriesNoData = (a: Answer): boolean => {
    if (a.body === '') return true
    try {
      const parsed = JSON.parse(a.body) as Record<string, unknown>
      const keys = Object.keys(parsed)
      const err = parsed.error as Record<string, unknown> | undefined
      return keys.length === 1 && keys[0] === 'error' && !!err && Object.keys(err).every((k) => ['code', 'message', 'details'].includes(k))
    } catch {
      return false
    }
  }

  const expected = (c: RouteCase, who: Principal): Status => c.expect[WHO.indexOf(who === 'revoked' || who === 'disabled' ? 'anon' : (who as Who))]!

  it('has a case for every route the app defines', () => {
    const covered = new Set(cases.map((c) => c.route))
    expect(routes.map((r) => `${r.method} ${r.path}`).filter((r) => !covered.has(r))).toEqual([])
  })

  it('a revoked token and a disabled account are anonymous on every route', async () => {
    const failures: string[] = []
    for (const c of cases) {
      const [method] = c.route.split(' ')
      for (const who of ['revoked', 'disabled'] as const) {
        const a = await send(method!, c.path, who, c.body)
        if (!statusMatches(expected(c, who), a.status)) failures.push(`${who} ${method} ${c.path} → ${a.status}, expected ${JSON.stringify(expected(c, who))}`)
        if (a.status >= 400 && !carriesNoData(a)) failures.push(`${who} ${method} ${c.path} → ${a.status} with a body that is not an error: ${a.body.slice(0, 120)}`)
      }
    }
    expect(failures).toEqual([])
  })

  it('every route × every spelling × every principal: no handler reached by another spelling, no data', async () => {
    const audit = await scalar<number>(t.db, sql`SELECT count(*)::int FROM audit_log WHERE action <> 'login'`)
    const failures: string[] = []
    const jobs: Array<() => Promise<void>> = []
    let sent = 0
    for (const c of cases) {
      const [method, pattern] = c.route.split(' ') as [string, string]
      const [pathOnly, query = ''] = c.path.split(/(?=\?)/)
      const segments = pathOnly!.split('/').slice(1)
      // An optional group (`/api/docs{/}`) adds no segment of its own.
      const fixed = pattern.replace(/\{[^}]*\}/g, '').split('/').slice(1).map((s) => !s.includes(':'))
      for (const spelling of SPELLINGS) {
        const raw = spelling.make(segments, fixed, query)
        if (raw === null || raw === c.path) continue
        for (const who of PRINCIPALS) {
          jobs.push(async () => {
            const a = await send(method, raw, who, c.body)
            sent++
            const sameRoute = a.route === pattern
            const unmatched = a.route === 'unmatched' || a.route === 'page' || a.route === undefined
            const ok =
              (unmatched && a.status === 404) ||
              (a.status === 401 && (who === 'anon' || who === 'revoked' || who === 'disabled')) ||
              (sameRoute && statusMatches(expected(c, who), a.status)) ||
              // The same declared route, reached with another parameter value (`1202;x=1`, `1202%00`):
              // the same guard decided; the handler may then refuse the value.
              (sameRoute && !statusMatches(expected(c, who), 401) && [400, 404, 422].includes(a.status)) ||
              // Another declared route whose parameter took the changed segment (`/tiles/%62asemap.json`
              // is `/tiles/:layer.json` with layer "basemap"): its own guard decided, and it refused.
              (!sameRoute && !unmatched && [401, 403, 404, 400, 422].includes(a.status)) ||
              // Node's HTTP parser refuses some bytes before any route (no handler ran).
              (a.status === 400 && unmatched)
            if (!ok) failures.push(`${spelling.name}: ${who} ${method} ${raw} → ${a.status} (route ${a.route}), canonical ${c.path} expects ${JSON.stringify(expected(c, who))}`)
            if (a.status >= 400 && !carriesNoData(a)) failures.push(`${spelling.name}: ${who} ${method} ${raw} → ${a.status} with a body that is not an error: ${a.body.slice(0, 120)}`)
          })
        }
      }
    }
    // Eight at a time, as a scanner would.
    let next = 0
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < jobs.length) await jobs[next++]!()
    }))
    console.log(`spellings: ${cases.length} route cases × ${SPELLINGS.length} spellings × ${PRINCIPALS.length} principals → ${sent} requests, ${failures.length} failures`)
    expect(failures.slice(0, 40)).toEqual([])
    expect(sent).toBeGreaterThan(cases.length * 10 * PRINCIPALS.length)
    expect(await scalar<number>(t.db, sql`SELECT count(*)::int FROM audit_log WHERE action <> 'login'`)).toBe(audit)
  })

  it('a route without an access declaration cannot be registered, and an app with a bare route does not start', () => {
    const router = secureRouter('/api')
    expect(() => router.get('/not-declared', (_req, res) => res.json({ secret: 1 }))).toThrow(/GET \/api\/not-declared has no access declaration/)
    expect(() => router.all('/anything', () => undefined)).toThrow(/not allowed/)
    const app = express()
    const bare = Router()
    bare.get('/admin/users', (_req, res) => res.json([]))
    app.use('/api', bare)
    expect(() => assertRoutesGuarded(app)).toThrow(/without an access declaration.*GET \/api\/admin\/users/)
  })
})
