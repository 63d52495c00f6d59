import { describe, expect, it } from 'vitest'
import { allocate } from '../../data/seed/sql-random.ts'

describe('allocate (largest remainder)', () => {
  it('splits a total exactly, in proportion', () => {
    expect(allocate([1, 1, 1], (x) => x, 10)).toEqual([4, 3, 3])
    expect(allocate([2, 1, 1], (x) => x, 8)).toEqual([4, 2, 2])
  })
  it('gives nothing to zero weights and handles empty input', () => {
    expect(allocate([0, 5], (x) => x, 7)).toEqual([0, 7])
    expect(allocate([], (x: number) => x, 5)).toEqual([])
  })
  it('always sums to the total', () => {
    const weights = [0.3, 7.1, 2.2, 9.9, 0.01, 4]
    for (const total of [1, 13, 222, 565]) expect(allocate(weights, (x) => x, total).reduce((a, b) => a + b, 0)).toBe(total)
  })
})
