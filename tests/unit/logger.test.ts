import { describe, expect, it } from 'vitest'
import { defaultLogFormat, textLine } from '../../server/src/logger.ts'

describe('the console line of a log event (LOG_FORMAT=text)', () => {
  it('says a served request as method, path, status, time and account', () => {
    expect(textLine({ msg: 'request', reqId: 'r1', method: 'GET', route: '/api/stats', path: '/api/stats', status: 200, ms: 12, user: 'command' }, 'msg')).toBe('GET /api/stats 200 12 ms command')
    expect(textLine({ msg: 'request failed', method: 'POST', path: '/api/x', status: 500, ms: 3 }, 'msg')).toBe('POST /api/x 500 3 ms')
  })
  it('gives a slow query its time, the start of its SQL and the request it served', () => {
    const sql = `SELECT ${'x, '.repeat(60)}1`
    const line = textLine({ msg: 'slow query', ms: 812, sql, for: 'GET /api/analysis/coverage' }, 'msg')
    expect(line).toBe(`slow query 812 ms: ${sql.slice(0, 100)}… (GET /api/analysis/coverage)`)
  })
  it('keeps a plain message as it is, with the request it concerns', () => {
    expect(textLine({ msg: 'database ready (pglite, 9.8 s)', backend: 'pglite', ms: 9800 }, 'msg')).toBe('database ready (pglite, 9.8 s)')
    expect(textLine({ msg: 'database refused the request', method: 'PATCH', path: '/api/layers/hazards/features/3', status: 409 }, 'msg')).toBe('database refused the request (PATCH /api/layers/hazards/features/3 409)')
  })
  it('is JSON in production unless told otherwise', () => {
    expect(defaultLogFormat('production')).toBe('json')
    expect(defaultLogFormat('development')).toBe('text')
    expect(defaultLogFormat('test')).toBe('text')
  })
})
