import { describe, expect, it } from 'vitest'
import { TileCache } from '../../server/src/tiles/tile-cache.ts'

describe('TileCache', () => {
  const bytes = (n: number) => new Uint8Array(n).fill(7)

  it('expires tiles after the TTL', async () => {
    let now = 0
    const cache = new TileCache({ ttlMs: 60_000, now: () => now })
    let renders = 0
    const render = async () => (renders++, bytes(10))
    await cache.get('a/1/0/0', ['a'], render)
    await cache.get('a/1/0/0', ['a'], render)
    expect(renders).toBe(1)
    now = 60_001
    await cache.get('a/1/0/0', ['a'], render)
    expect(renders).toBe(2)
  })

  it('keeps at most maxTiles and maxBytes, dropping the least recently used', async () => {
    const cache = new TileCache({ maxTiles: 3, maxBytes: 10_000 })
    for (const k of ['k1', 'k2', 'k3']) await cache.get(k, ['a'], async () => bytes(100))
    await cache.get('k1', ['a'], async () => bytes(100)) // k1 is now the most recent
    await cache.get('k4', ['a'], async () => bytes(100))
    expect(cache.size).toBe(3)
    let rendered = false
    await cache.get('k2', ['a'], async () => ((rendered = true), bytes(100)))
    expect(rendered, 'k2 was the least recently used').toBe(true)
    await cache.get('big', ['a'], async () => bytes(9_700))
    expect(cache.bytes).toBeLessThanOrEqual(10_000)
    expect(cache.size).toBe(1)
  })

  it('keeps a whole map session: 5,000 tiles and 3,000 empty ones are all hits on the second pass', async () => {
    const cache = new TileCache()
    let renders = 0
    const session = [...Array.from({ length: 5000 }, (_, i) => [`a/14/${i}/0`, 4_000] as const), ...Array.from({ length: 3000 }, (_, i) => [`a/15/${i}/0`, 0] as const)]
    const pass = async () => {
      for (const [key, n] of session) await cache.get(key, ['a'], async () => (renders++, n ? bytes(n) : null))
    }
    await pass()
    expect(renders).toBe(8000)
    await pass()
    expect(renders, 'no tile rendered twice').toBe(8000)
    // Empty tiles cost next to nothing: the bytes are the tiles' own plus a small overhead each.
    expect(cache.bytes).toBeLessThan(5000 * 4_000 + 8000 * 256)
  })

  it('renders once for concurrent requests and does not keep a render that an invalidation overtook', async () => {
    let now = 0
    const cache = new TileCache({ settleMs: 2_000, now: () => now })
    let renders = 0
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const slow = async () => {
      renders++
      await gate
      return bytes(10)
    }
    const a = cache.get('a/1/0/0', ['a'], slow)
    const b = cache.get('a/1/0/0', ['a'], slow)
    cache.invalidate('a')
    release()
    await Promise.all([a, b])
    expect(renders).toBe(1)
    expect(cache.size).toBe(0)
    // Right after an invalidation the writer may not have committed: served, not kept.
    now = 1_000
    await cache.get('a/1/0/0', ['a'], slow)
    expect(cache.size).toBe(0)
    now = 2_000
    await cache.get('a/1/0/0', ['a'], slow)
    expect(cache.size).toBe(1)
    expect(renders).toBe(3)
    cache.invalidate('b')
    expect(cache.size).toBe(1)
    cache.invalidate('a')
    expect(cache.size).toBe(0)
  })
})
