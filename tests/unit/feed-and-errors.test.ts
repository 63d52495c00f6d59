import { describe, expect, it } from 'vitest'
import { axisLabels } from '../../client/src/analysis/month-chart.ts'
import { ApiError } from '../../client/src/api/client.ts'
import { errorText } from '../../client/src/api/error-text.ts'
import { setLang } from '../../client/src/i18n.ts'
import { alertLineKey, targetOf } from '../../client/src/live/feed.ts'
import { tracksBox } from '../../client/src/live/playback.ts'

const alert = (id: number, over: Record<string, unknown> = {}) => ({
  id, rule_id: 4, kind: 'hotspot_unvisited', subject: `hotspot:500:${id}:0`, message: '北寿街道长寿社区 治安热点', opened_at: '2026-07-15T02:00:00Z', cleared_at: null,
  acknowledged_by: null, acknowledged_at: null, lon: 125 + id / 100, lat: 42.9, place_code: '220402003001', place: '北寿街道长寿社区', extent: null, state: 'open' as const, ...over,
})

describe('the live feed lines', () => {
  it('merges alerts of one rule at one place; a point-less alert stands alone', () => {
    expect(alertLineKey(alert(1))).toBe(alertLineKey(alert(2)))
    expect(alertLineKey(alert(1))).not.toBe(alertLineKey(alert(1, { rule_id: 2 })))
    expect(alertLineKey(alert(1))).not.toBe(alertLineKey(alert(1, { place_code: '220402003002' })))
    expect(alertLineKey(alert(1, { place_code: null, subject: 'river:all' }))).toBe('alert:4:river:all')
  })

  it('locates a line: one point, the box of several (the open ones first), or an alert\'s extent', () => {
    const line = (...alerts: ReturnType<typeof alert>[]) => ({ type: 'alert' as const, key: 'k', kind: 'hotspot_unvisited', place: null, at: '', alerts: new Map(alerts.map((a) => [a.id, a])) })
    expect(targetOf(line(alert(1)))).toEqual({ lon: 125.01, lat: 42.9 })
    expect(targetOf(line(alert(1), alert(5)))).toEqual([125.01, 42.9, 125.05, 42.9])
    expect(targetOf(line(alert(1), alert(5, { state: 'cleared' })))).toEqual({ lon: 125.01, lat: 42.9 })
    expect(targetOf(line(alert(1, { lon: null, lat: null, extent: [1, 2, 3, 4] })))).toEqual([1, 2, 3, 4])
    expect(targetOf({ type: 'event', key: 'e', kind: 'hazards', at: '', op: 'delete', payload: { lon: 125.1, lat: 42.8 } })).toEqual({ lon: 125.1, lat: 42.8 })
  })

  it('fits playback to the box of every chosen track', () => {
    expect(tracksBox([{ points: [{ ts: '', lon: 125.1, lat: 42.9, speed: null, heading: null }] }, { points: [{ ts: '', lon: 125.3, lat: 42.7, speed: null, heading: null }] }])).toEqual([125.1, 42.7, 125.3, 42.9])
    expect(tracksBox([{ points: [] }])).toBeNull()
  })
})

describe('the month chart axis', () => {
  it('keeps the years and drops a first-month label they would overlap; labels stay inside the chart', () => {
    const kept = axisLabels([{ x: 31, text: '2025-12', rank: 1 }, { x: 41, text: '2026年', rank: 0 }], 30, 294)
    expect(kept.map((l) => l.text)).toEqual(['2026年'])
    const apart = axisLabels([{ x: 31, text: '2025-06', rank: 1 }, { x: 120, text: '2026年', rank: 0 }, { x: 290, text: '2027年', rank: 0 }], 30, 294)
    expect(apart.map((l) => l.text)).toEqual(['2025-06', '2026年', '2027年'])
    expect(apart[2]!.x).toBeLessThanOrEqual(294 - 27)
  })
})

describe('errors in the UI\'s language', () => {
  it('says what happened and what to do, never the server\'s English', () => {
    // setLang marks the page's language: a stand-in page for this test.
    const g = globalThis as { document?: unknown }
    const had = g.document
    g.document ??= { documentElement: {} }
    const refused = new ApiError(403, 'the officer role may not GET /api/stats/monthly', 'forbidden')
    expect(errorText(refused)).toBe('您的账号没有此项权限：如确需使用，请联系系统管理员。')
    expect(errorText(refused)).not.toMatch(/[a-z]{3}/)
    expect(errorText(new ApiError(422, 'Self-intersection[125.1 42.9]', 'invalid_geometry', { reason: 'Self-intersection[125.1 42.9]' }))).toBe('图形无效（边线自相交）：请调整图形后再保存。')
    expect(errorText(new ApiError(404, 'no grid cell 9', 'unknown_grid_cell'))).toBe('要找的数据不存在或已被删除：请刷新后重试。')
    expect(errorText(new ApiError(504, 'Gateway Timeout'))).toBe('服务器繁忙或数据库暂不可用：请稍后重试。')
    expect(errorText(new TypeError('Failed to fetch'))).toBe('连接不上服务器：请检查网络后重试。')
    setLang('en')
    expect(errorText(refused)).toBe('Your account may not do this: ask an administrator if you need it.')
    setLang('zh')
    g.document = had
  })
})
