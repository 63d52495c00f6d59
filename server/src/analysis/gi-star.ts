import { GI_CLASSES, type GiClass } from '../contract/enums.ts'

/**
 * Getis-Ord Gi* (Ord & Getis 1995) with binary weights, the focal bin in its own neighbourhood;
 * the form of PySAL esda `G_Local(star=True)` and ArcGIS Hot Spot Analysis:
 *
 *   Gi* = (Σj wij xj − X̄ Σj wij) / (S √((n Σj wij² − (Σj wij)²) / (n − 1)))
 *   X̄ = Σ xj / n,  S = √(Σ xj² / n − X̄²)
 *
 * With binary weights Σj wij² = Σj wij = Wi. Pure arithmetic: the database supplies the counts,
 * each bin's neighbourhood sum Σj wij xj and size Wi.
 */

export const CONFIDENCE = [
  { level: 99, alpha: 0.01 },
  { level: 95, alpha: 0.05 },
  { level: 90, alpha: 0.1 },
] as const

export { GI_CLASSES, type GiClass } from '../contract/enums.ts'

export interface GiResult {
  n: number
  mean: number
  /** S, the population standard deviation of the counts. */
  sd: number
  /** null where Gi* is undefined: S = 0 (all counts equal) or Wi = n (the neighbourhood is everything). */
  z: Array<number | null>
  /** Two-sided p from the standard normal. */
  p: Array<number | null>
}

/** Gi* from each bin's count xi, neighbourhood sum Σj wij xj and neighbourhood size Wi. */
export function giStarFromSums(counts: ArrayLike<number>, localSums: ArrayLike<number>, weightSums: ArrayLike<number>): GiResult {
  const n = counts.length
  if (localSums.length !== n || weightSums.length !== n) throw new Error(`giStar: ${n} counts but ${localSums.length} sums and ${weightSums.length} weights`)
  let total = 0
  for (let i = 0; i < n; i++) total += counts[i]!
  const mean = n > 0 ? total / n : 0
  // Σ(x − X̄)²/n equals Σx²/n − X̄² and does not cancel catastrophically for large counts.
  let ss = 0
  for (let i = 0; i < n; i++) ss += (counts[i]! - mean) ** 2
  const sd = n > 0 ? Math.sqrt(ss / n) : 0
  const z: Array<number | null> = new Array(n)
  const p: Array<number | null> = new Array(n)
  for (let i = 0; i < n; i++) {
    const w = weightSums[i]!
    const spread = n > 1 ? (n * w - w * w) / (n - 1) : 0
    if (sd === 0 || spread <= 0) {
      z[i] = null
      p[i] = null
      continue
    }
    const zi = (localSums[i]! - mean * w) / (sd * Math.sqrt(spread))
    z[i] = zi
    p[i] = normalTwoSidedP(zi)
  }
  return { n, mean, sd, z, p }
}

/** Gi* from counts and neighbour lists (each list holds the indices of bin i's neighbourhood, i included). */
export function giStar(counts: readonly number[], neighbours: readonly (readonly number[])[]): GiResult {
  const sums = neighbours.map((list) => list.reduce((s, j) => s + counts[j]!, 0))
  return giStarFromSums(counts, sums, neighbours.map((list) => list.length))
}

/**
 * P(|Z| ≥ |z|) for a standard normal Z: erfc(|z|/√2), by the Chebyshev fit of Numerical
 * Recipes' erfcc (relative error below 1.2e-7 everywhere).
 */
export function normalTwoSidedP(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.5 * x)
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
  return Math.min(1, t * Math.exp(-x * x + poly))
}

/**
 * Benjamini–Hochberg adjusted p-values (q): qi = min over k ≥ rank(i) of m·p(k)/k, capped at 1;
 * m counts the defined p-values. A bin is significant at level α after FDR correction when q ≤ α.
 */
export function benjaminiHochberg(p: readonly (number | null)[]): Array<number | null> {
  const idx = p.map((v, i) => [v, i] as const).filter((e): e is readonly [number, number] => e[0] !== null)
  idx.sort((a, b) => a[0] - b[0])
  const m = idx.length
  const q: Array<number | null> = p.map(() => null)
  let running = 1
  for (let k = m; k >= 1; k--) {
    const [pv, i] = idx[k - 1]!
    running = Math.min(running, (m * pv) / k)
    q[i] = running
  }
  return q
}

/** hot/cold at the highest confidence whose α the significance value (p, or q with FDR) meets. */
export function classify(z: number | null, significance: number | null): GiClass {
  if (z === null || significance === null || z === 0) return 'not-significant'
  for (const { level, alpha } of CONFIDENCE) {
    if (significance <= alpha) return `${z > 0 ? 'hot' : 'cold'}-${level}` as GiClass
  }
  return 'not-significant'
}
