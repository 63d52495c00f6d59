import { describe, expect, it } from 'vitest'
import { classifyEmerging, mannKendall, spaceTimeGiStar, type StepState } from '../../server/src/analysis/emerging-stats.ts'

describe('Mann–Kendall trend test, worked by hand', () => {
  it('a strictly rising series of five: S = 10, Var = 5·4·15/18, z = (S − 1)/√Var', () => {
    const mk = mannKendall([1, 2, 3, 4, 5])
    expect(mk.s).toBe(10)
    expect(mk.variance).toBeCloseTo(300 / 18, 10)
    expect(mk.z).toBeCloseTo(9 / Math.sqrt(300 / 18), 10)
    expect(mk.z).toBeCloseTo(2.20454, 5)
    // 2·(1 − Φ(2.20454)) from a normal table.
    expect(mk.p).toBeCloseTo(0.02749, 4)
    expect(mk.tau).toBe(1)
  })
  it('ties lower the variance: [1, 2, 2, 3] has S = 5 and Var = (4·3·13 − 2·1·9)/18', () => {
    const mk = mannKendall([1, 2, 2, 3])
    expect(mk.s).toBe(5)
    expect(mk.variance).toBeCloseTo((156 - 18) / 18, 10)
    expect(mk.z).toBeCloseTo(4 / Math.sqrt(138 / 18), 10)
    expect(mk.p).toBeCloseTo(0.14856, 4)
    expect(mk.tau).toBeCloseTo(5 / 6, 10)
  })
  it('a falling series is negative, and |S| = 1 has no trend after the continuity correction', () => {
    expect(mannKendall([5, 4, 3, 2, 1]).z).toBeCloseTo(-2.20454, 5)
    const flat = mannKendall([3, 1, 2])
    expect(flat.s).toBe(-1)
    expect(flat.z).toBe(0)
    expect(flat.p).toBe(1)
  })
})

describe('space-time Gi*, worked by hand', () => {
  // Bins a — b — c in a row (a and c are not neighbours), two steps, k = 1.
  // Counts: a: 0, 4; b: 1, 1; c: 0, 0. n = 6, X̄ = 1, S = √(12/6) = √2.
  const counts = [0, 4, 1, 1, 0, 0]
  const neighbours = [[0, 1], [0, 1, 2], [1, 2]]
  const gi = spaceTimeGiStar(counts, 2, neighbours, 1)
  it('uses the mean and standard deviation of the whole cube', () => {
    expect(gi.n).toBe(6)
    expect(gi.mean).toBe(1)
    expect(gi.sd).toBeCloseTo(Math.SQRT2, 12)
  })
  it('sums the spatial neighbours over this step and the k before it', () => {
    // (a, 1): a0 + a1 + b0 + b1 = 6 over W = 4: (6 − 4)/(√2 · √((6·4 − 16)/5)) = 1.118034.
    expect(gi.z[0 * 2 + 1]).toBeCloseTo(2 / (Math.SQRT2 * Math.sqrt(8 / 5)), 10)
    expect(gi.z[0 * 2 + 1]).toBeCloseTo(1.118034, 6)
    // (a, 0): only step 0 exists before it: a0 + b0 = 1 over W = 2 → −0.559017.
    expect(gi.z[0 * 2 + 0]).toBeCloseTo(-0.559017, 6)
    // (c, 1): b0 + b1 + c0 + c1 = 2 over W = 4 → −1.118034.
    expect(gi.z[2 * 2 + 1]).toBeCloseTo(-1.118034, 6)
    // (b, 1): the neighbourhood is the whole cube (W = n): undefined.
    expect(gi.z[1 * 2 + 1]).toBeNull()
    expect(gi.p[0 * 2 + 1]).toBeCloseTo(0.263552, 5)
  })
})

describe("Esri's categories from the steps' significance and the trend", () => {
  const none = { s: 0, p: 1 }
  const rising = { s: 40, p: 0.001 }
  const falling = { s: -40, p: 0.001 }
  const steps = (...xs: number[]) => xs as StepState[]
  const cases: Array<[string, StepState[], { s: number; p: number }, string]> = [
    ['hot only in the final step', steps(0, 0, 0, 0, 0, 0, 0, 0, 0, 1), none, 'new-hot'],
    ['an unbroken run of hot steps at the end, never hot before', steps(0, 0, 0, 0, 0, 0, 0, 1, 1, 1), none, 'consecutive-hot'],
    ['hot on and off, hot at the end, never cold', steps(1, 0, 1, 0, 0, 0, 0, 0, 0, 1), none, 'sporadic-hot'],
    ['hot at the end after a cold step', steps(-1, 0, 0, 0, 0, 0, 0, 0, 0, 1), none, 'oscillating-hot'],
    ['hot in every step, z rising significantly', steps(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), rising, 'intensifying-hot'],
    ['hot in every step, z falling significantly', steps(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), falling, 'diminishing-hot'],
    ['hot in 90 % of steps including the last, no trend', steps(1, 1, 1, 0, 1, 1, 1, 1, 1, 1), { s: 5, p: 0.5 }, 'persistent-hot'],
    ['hot in 90 % of steps but not the last', steps(1, 1, 1, 1, 1, 1, 1, 1, 1, 0), rising, 'historical-hot'],
    ['cold only in the final step', steps(0, 0, 0, 0, 0, 0, 0, 0, 0, -1), none, 'new-cold'],
    ['cold in every step, z falling significantly', steps(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1), falling, 'intensifying-cold'],
    ['cold in every step, z rising significantly', steps(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1), rising, 'diminishing-cold'],
    ['cold at the end after a hot step', steps(0, 1, 0, 0, 0, 0, 0, 0, -1, -1), none, 'oscillating-cold'],
    ['never significant', steps(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), rising, 'no-pattern'],
    ['hot early, quiet at the end', steps(1, 1, 0, 0, 0, 0, 0, 0, 0, 0), falling, 'no-pattern'],
  ]
  for (const [what, states, trend, want] of cases) {
    it(`${what}: ${want}`, () => expect(classifyEmerging(states, trend, 0.05)).toBe(want))
  }
  it('a trend that is not significant at α is no trend', () => {
    expect(classifyEmerging(steps(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), { s: 12, p: 0.2 }, 0.05)).toBe('persistent-hot')
    expect(classifyEmerging(steps(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), { s: 12, p: 0.2 }, 0.25)).toBe('intensifying-hot')
  })
})
