import { describe, expect, it } from 'vitest'
import { formatDashboardQuery, parseDashboardQuery } from '../../client/src/dashboard/dashboard-mode.ts'
import { formatHash, parseHash } from '../../client/src/map/hash-state.ts'

describe('the dashboard filter in the URL hash', () => {
  it('round-trips a filter and leaves out what is malformed', () => {
    const q = { district: '220402', station: '17', from: '2026-06-01', to: '2026-08-31' }
    expect(formatDashboardQuery(q)).toBe('district:220402;station:17;from:2026-06-01;to:2026-08-31')
    expect(parseDashboardQuery(formatDashboardQuery(q))).toEqual(q)
    expect(parseDashboardQuery('district:22<script>;station:abc;from:2026-6-1;to:2026-08-31;colour:red;:x;station')).toEqual({ to: '2026-08-31' })
    expect(parseDashboardQuery(null)).toEqual({})
    expect(formatDashboardQuery({})).toBe('')
  })

  it('is written only with the dashboard view, and read back from the hash', () => {
    const base = { center: [125.14, 42.9] as [number, number], zoom: 10, layers: ['admin-areas'], lang: 'zh' as const, measure: 'none' as const }
    expect(formatHash({ ...base, dashboard: 'district:220402' })).not.toContain('dq=')
    const hash = formatHash({ ...base, view: 'dashboard', dashboard: 'district:220402;from:2026-06-01' })
    expect(hash).toContain('&view=dashboard&dq=district:220402;from:2026-06-01')
    const back = parseHash(hash)
    expect(back.view).toBe('dashboard')
    expect(parseDashboardQuery(back.dashboard)).toEqual({ district: '220402', from: '2026-06-01' })
  })
})
