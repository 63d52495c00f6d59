import { giStarFromSums, normalTwoSidedP, type GiResult } from './gi-star.ts'
import type { EmergingCategory } from '../contract/enums.ts'

/**
 * The statistics of Emerging Hot Spot Analysis (Esri, "How Emerging Hot Spot Analysis works";
 * R sfdep `emerging_hotspot_analysis`), as pure arithmetic over a space-time cube of counts:
 *
 * 1. Gi* for every bin in every time step, its neighbourhood being the bin's spatial neighbours
 *    (itself included) in this step and the `k` steps before it (fewer at the start of the
 *    series), binary weights, with the mean and standard deviation of all the cube's counts.
 * 2. For every bin, the Mann–Kendall trend test on its series of Gi* z-scores.
 * 3. For every bin, one of Esri's 17 categories from which steps were significant hot or cold
 *    spots and the trend (rules in `classifyEmerging`).
 */

export interface MannKendall {
  /** S = Σ_{i<j} sign(x_j − x_i). */
  s: number
  /** Var(S) = [n(n−1)(2n+5) − Σ_ties t(t−1)(2t+5)] / 18 (ties: groups of equal values). */
  variance: number
  /** (S − 1)/√Var for S > 0, (S + 1)/√Var for S < 0, 0 for S = 0 (continuity correction). */
  z: number
  /** Two-sided, standard normal. */
  p: number
  /** Kendall's τ = S / (n(n−1)/2). */
  tau: number
}

/** The Mann–Kendall trend test (Mann 1945, Kendall 1975) with the tie correction of the variance. */
export function mannKendall(xs: readonly number[]): MannKendall {
  const n = xs.length
  let s = 0
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) s += Math.sign(xs[j]! - xs[i]!)
  }
  const groups = new Map<number, number>()
  for (const x of xs) groups.set(x, (groups.get(x) ?? 0) + 1)
  let ties = 0
  for (const t of groups.values()) if (t > 1) ties += t * (t - 1) * (2 * t + 5)
  const variance = (n * (n - 1) * (2 * n + 5) - ties) / 18
  const z = variance <= 0 || s === 0 ? 0 : (s > 0 ? s - 1 : s + 1) / Math.sqrt(variance)
  return { s, variance, z, p: variance <= 0 ? 1 : normalTwoSidedP(z), tau: n > 1 ? s / ((n * (n - 1)) / 2) : 0 }
}

/** z[b·T + t]: Gi* of bin b in step t; mean, SD and n over all bins × steps. */
export type SpaceTimeGi = GiResult

/**
 * Gi* of every bin in every step. `counts[b·T + t]` is bin b's count in step t; `neighbours[b]`
 * the bins within the band of b (b included). The neighbourhood of (b, t) is every (c, s) with c
 * in neighbours[b] and t − k ≤ s ≤ t, s ≥ 0: Σ w x is their counts' sum and W their number.
 *
 *   Gi* = (Σ w x − X̄ W) / (S √((n W − W²)/(n − 1))), X̄ and S over all n = bins·steps counts.
 */
export function spaceTimeGiStar(counts: ArrayLike<number>, steps: number, neighbours: readonly (readonly number[])[], k: number): SpaceTimeGi {
  const bins = neighbours.length
  const n = bins * steps
  if (counts.length !== n) throw new Error(`space-time Gi*: ${counts.length} counts for ${bins} bins × ${steps} steps`)
  // Each cell's neighbourhood sum and size; the statistic itself is the hotspots' (gi-star.ts).
  const spatial = new Float64Array(steps)
  const sums = new Float64Array(n)
  const weights = new Float64Array(n)
  for (let b = 0; b < bins; b++) {
    spatial.fill(0)
    const list = neighbours[b]!
    for (const c of list) for (let t = 0; t < steps; t++) spatial[t]! += counts[c * steps + t]!
    for (let t = 0; t < steps; t++) {
      const first = Math.max(0, t - k)
      let local = 0
      for (let s = first; s <= t; s++) local += spatial[s]!
      sums[b * steps + t] = local
      weights[b * steps + t] = list.length * (t - first + 1)
    }
  }
  return giStarFromSums(counts, sums, weights)
}

export { EMERGING_CATEGORIES, type EmergingCategory } from '../contract/enums.ts'

/** Each step's state: 1 a significant hot spot (p ≤ α, z > 0), −1 a significant cold spot, 0 neither. */
export type StepState = -1 | 0 | 1

/**
 * Esri's categories (ArcGIS Pro, "How Emerging Hot Spot Analysis works"), for hot spots; cold
 * spots are the mirror image (hot ↔ cold, increasing ↔ decreasing). With T steps, H of them hot:
 *
 * - the final step hot and H ≥ 90 % of T:
 *   intensifying when the Mann–Kendall trend of the z-scores rises significantly (p ≤ α, S > 0),
 *   diminishing when it falls significantly, persistent otherwise (no discernible trend);
 * - the final step hot, H < 90 % of T:
 *   oscillating when any earlier step was a significant cold spot;
 *   else new when the final step is the only hot one, consecutive when the hot steps are one
 *   uninterrupted run of at least two ending in the final step, sporadic otherwise (on and off);
 * - the final step not hot but H ≥ 90 % of T: historical;
 * - none of these, for hot or for cold: no pattern.
 *
 * Where Esri's wording lets two categories apply (a bin cold before and newly hot now is both
 * "new" and "oscillating"), the history of the opposite kind wins: oscillating.
 */
export function classifyEmerging(states: readonly StepState[], trend: Pick<MannKendall, 's' | 'p'>, alpha: number): EmergingCategory {
  return classifyKind(states, trend, alpha, 1) ?? classifyKind(states, trend, alpha, -1) ?? 'no-pattern'
}

function classifyKind(states: readonly StepState[], trend: Pick<MannKendall, 's' | 'p'>, alpha: number, kind: 1 | -1): EmergingCategory | null {
  const T = states.length
  if (T === 0) return null
  const name = kind === 1 ? 'hot' : 'cold'
  let count = 0
  let opposite = 0
  for (const s of states) {
    if (s === kind) count++
    else if (s === -kind) opposite++
  }
  const mostly = count >= 0.9 * T
  if (states[T - 1] !== kind) return mostly ? (`historical-${name}` as EmergingCategory) : null
  if (mostly) {
    // Rising z for hot spots intensifies them; for cold spots falling z does.
    const significant = trend.p <= alpha && trend.s !== 0
    if (significant && Math.sign(trend.s) === kind) return `intensifying-${name}` as EmergingCategory
    if (significant) return `diminishing-${name}` as EmergingCategory
    return `persistent-${name}` as EmergingCategory
  }
  if (opposite > 0) return `oscillating-${name}` as EmergingCategory
  let run = 0
  for (let t = T - 1; t >= 0 && states[t] === kind; t--) run++
  if (run === count) return run === 1 ? (`new-${name}` as EmergingCategory) : (`consecutive-${name}` as EmergingCategory)
  return `sporadic-${name}` as EmergingCategory
}
