import { describe, expect, it } from 'vitest'
import { benjaminiHochberg, classify, giStar, normalTwoSidedP } from '../../server/src/analysis/gi-star.ts'
import { defaultBand, hexLattice, neighbourOffsets, offsetDistance } from '../../server/src/analysis/hex-lattice.ts'

/** Bins on a line: each bin's neighbourhood is itself and the bins either side. */
const line = (n: number) => Array.from({ length: n }, (_, i) => [i - 1, i, i + 1].filter((j) => j >= 0 && j < n))

describe('Getis-Ord Gi*, worked by hand from the published formula', () => {
  // Gi* = (Σj wij xj − X̄ Wi) / (S √((n Wi − Wi²)/(n − 1))), binary weights so Σ wij² = Wi.
  it('ten bins on a line with two busy bins at one end', () => {
    const x = [0, 0, 0, 0, 0, 0, 0, 0, 5, 5]
    // n = 10, X̄ = 10/10 = 1, Σx² = 25 + 25 = 50, S² = 50/10 − 1² = 4, S = 2.
    const r = giStar(x, line(10))
    expect(r.n).toBe(10)
    expect(r.mean).toBe(1)
    expect(r.sd).toBe(2)
    // bin 9: neighbourhood {8, 9}, W = 2, Σwx = 10; numerator 10 − 1·2 = 8;
    //   √((10·2 − 2²)/9) = √(16/9) = 4/3; denominator 2·4/3 = 8/3; z = 8 / (8/3) = 3.
    expect(r.z[9]).toBeCloseTo(3, 10)
    // bin 8: {7, 8, 9}, W = 3, Σwx = 10; numerator 10 − 3 = 7; √((30 − 9)/9) = √(7/3) = 1.5275252;
    //   denominator 2·1.5275252 = 3.0550505; z = 7 / 3.0550505 = 2.2912878 (= √21 / 2).
    expect(r.z[8]).toBeCloseTo(2.2912878, 6)
    // bin 7: {6, 7, 8}, Σwx = 5; numerator 5 − 3 = 2; z = 2 / 3.0550505 = 0.6546537.
    expect(r.z[7]).toBeCloseTo(0.6546537, 6)
    // bins 1–6: W = 3, Σwx = 0; numerator −3; z = −3 / 3.0550505 = −0.9819805.
    for (let i = 1; i <= 6; i++) expect(r.z[i]).toBeCloseTo(-0.9819805, 6)
    // bin 0: {0, 1}, W = 2, Σwx = 0; numerator −2; denominator 8/3; z = −0.75.
    expect(r.z[0]).toBeCloseTo(-0.75, 10)
    // Two-sided p from the normal table: Φ(3) = 0.9986501 → p = 0.0026998;
    // Φ(2.2913) ≈ 0.98899 + 0.1288·(0.98928 − 0.98899) = 0.989027 → p ≈ 0.021946;
    // Φ(0.6547) ≈ 0.74215 + 0.4654·(0.74537 − 0.74215) = 0.743649 → p ≈ 0.512702.
    expect(r.p[9]).toBeCloseTo(0.0026998, 6)
    expect(r.p[8]).toBeCloseTo(0.021946, 4)
    expect(r.p[7]).toBeCloseTo(0.512702, 3)
    expect(classify(r.z[9]!, r.p[9]!)).toBe('hot-99')
    expect(classify(r.z[8]!, r.p[8]!)).toBe('hot-95')
    expect(classify(r.z[7]!, r.p[7]!)).toBe('not-significant')
    expect(classify(r.z[0]!, r.p[0]!)).toBe('not-significant')
  })

  it('the mirror image is a cold spot', () => {
    const x = [5, 5, 5, 5, 5, 5, 5, 5, 0, 0]
    // X̄ = 40/10 = 4, Σx² = 8·25 = 200, S² = 20 − 16 = 4, S = 2.
    // bin 9: {8, 9}, Σwx = 0; numerator 0 − 4·2 = −8; denominator 8/3; z = −3.
    const r = giStar(x, line(10))
    expect(r.z[9]).toBeCloseTo(-3, 10)
    expect(classify(r.z[9]!, r.p[9]!)).toBe('cold-99')
  })

  it('a patch of seven hexagons: a centre and its ring', () => {
    // bin 0 is the centre; ring bins 1…6 in order, each touching the centre and the ring bins beside it.
    const ring = [1, 2, 3, 4, 5, 6]
    const neighbours = [[0, ...ring], ...ring.map((k) => [k, 0, k === 1 ? 6 : k - 1, k === 6 ? 1 : k + 1])]
    const x = [8, 1, 1, 1, 1, 1, 1]
    // n = 7, X̄ = 14/7 = 2, Σx² = 64 + 6 = 70, S² = 70/7 − 4 = 6, S = √6.
    const r = giStar(x, neighbours)
    expect(r.sd).toBeCloseTo(Math.sqrt(6), 12)
    // centre: W = 7 = n, so n·W − W² = 0: Gi* is undefined (every bin is its neighbour).
    expect(r.z[0]).toBeNull()
    expect(r.p[0]).toBeNull()
    expect(classify(r.z[0]!, r.p[0]!)).toBe('not-significant')
    // ring bin: W = 4, Σwx = 1 + 8 + 1 + 1 = 11; numerator 11 − 2·4 = 3;
    //   √((7·4 − 16)/6) = √2; denominator √6·√2 = √12 = 3.4641016; z = 3/3.4641016 = 0.8660254.
    for (const k of ring) expect(r.z[k]).toBeCloseTo(0.8660254, 6)
    // Φ(0.87) = 0.80785, Φ(0.86) = 0.80511 → Φ(0.8660) ≈ 0.80675 → p ≈ 0.3865.
    expect(r.p[1]).toBeCloseTo(0.3865, 3)
  })

  it('is undefined, not infinite, when every count is the same', () => {
    const r = giStar([2, 2, 2, 2], line(4))
    expect(r.sd).toBe(0)
    expect(r.z).toEqual([null, null, null, null])
  })
})

describe('two-sided normal p-values', () => {
  it('match the normal table at the usual critical values', () => {
    expect(normalTwoSidedP(0)).toBeCloseTo(1, 6)
    expect(normalTwoSidedP(1.644854)).toBeCloseTo(0.1, 6)
    expect(normalTwoSidedP(-1.959964)).toBeCloseTo(0.05, 6)
    expect(normalTwoSidedP(2.575829)).toBeCloseTo(0.01, 6)
    expect(normalTwoSidedP(3.290527)).toBeCloseTo(0.001, 7)
    // far tail: 2·(1 − Φ(5)) = 5.7330e-7, to a relative 1e-4
    expect(normalTwoSidedP(5) / 5.733031e-7).toBeCloseTo(1, 4)
  })
})

describe('classes and the Benjamini–Hochberg correction', () => {
  it('classes by the highest confidence reached', () => {
    expect(classify(1.7, 0.089)).toBe('hot-90')
    expect(classify(1.7, 0.1)).toBe('hot-90')
    expect(classify(-2.0, 0.0455)).toBe('cold-95')
    expect(classify(2.7, 0.0069)).toBe('hot-99')
    expect(classify(1.5, 0.1336)).toBe('not-significant')
    expect(classify(null, null)).toBe('not-significant')
  })

  it('adjusts p-values by hand: q(k) = min over l ≥ k of m·p(l)/l', () => {
    // m = 4 defined p-values; sorted 0.01, 0.03, 0.04, 0.20 → m·p/k = 0.04, 0.06, 0.0533, 0.20;
    // running minimum from the largest: 0.20, 0.0533, 0.0533, 0.04.
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.2, null])
    expect(q[0]).toBeCloseTo(0.04, 12)
    expect(q[1]).toBeCloseTo(0.16 / 3, 12)
    expect(q[2]).toBeCloseTo(0.16 / 3, 12)
    expect(q[3]).toBeCloseTo(0.2, 12)
    expect(q[4]).toBeNull()
  })
})

describe('the hexagon lattice of ST_HexagonGrid', () => {
  it('takes the bin and its six touching hexagons by default, in odd and even columns', () => {
    for (const size of [100, 250, 500, 1234.5]) {
      const offsets = neighbourOffsets(size, defaultBand(size))
      for (const parity of [0, 1] as const) {
        const mine = offsets.filter((o) => o.parity === parity)
        expect(mine).toHaveLength(7)
        // touching hexagons' centres are 2 × apothem = √3·size apart
        for (const o of mine) {
          const d = offsetDistance(hexLattice(size), parity, o.di, o.dj)
          expect(o.di === 0 && o.dj === 0 ? d : d / (Math.sqrt(3) * size)).toBeCloseTo(o.di === 0 && o.dj === 0 ? 0 : 1, 9)
        }
      }
    }
  })

  it('grows the neighbourhood ring by ring with the band', () => {
    const size = 100
    // Centre distances on a hexagonal lattice: √3·s (6 bins), 3·s (6), 2√3·s (6):
    // 1 + 6 + 6 = 13 within 3·s, 1 + 6 + 6 + 6 = 19 within 2√3·s.
    expect(neighbourOffsets(size, 3 * size).filter((o) => o.parity === 1)).toHaveLength(13)
    expect(neighbourOffsets(size, 2 * Math.sqrt(3) * size + 1e-6).filter((o) => o.parity === 0)).toHaveLength(19)
    expect(neighbourOffsets(size, 0).filter((o) => o.parity === 0)).toEqual([{ parity: 0, di: 0, dj: 0 }])
  })
})
