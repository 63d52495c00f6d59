import { tileCacheLookups } from '../ops/metrics.ts'
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { gzip as gzipCallback, gzipSync } from 'node:zlib'
import type { TileBytes } from './render-tile.ts'

const gzip = promisify(gzipCallback)
/** Level 3: a 90 KB tile in ≈1.4 ms instead of ≈5 ms at the default 6, for ≈4 % more bytes. */
const GZIP_LEVEL = 3
/**
 * Smaller tiles are compressed on the event loop (tens of µs): on a busy 2-core machine the hop
 * to libuv's thread pool cost ≈1 ms, more than the compression itself.
 */
const SYNC_GZIP_BELOW = 128 * 1024

/** A rendered tile as served: bytes (null = empty, 204), a strong hash, and its gzip once asked for. */
export interface CachedTile {
  bytes: TileBytes
  /** base64url SHA-1 of the bytes; null for an empty tile. */
  hash: string | null
  gzipped?: Uint8Array
}

export interface TileCacheOptions {
  /** Most tiles kept (default 200,000: the bytes are the real bound; an empty tile costs ~200 bytes). */
  maxTiles?: number
  /** Most bytes kept, raw and gzipped together (default 64 MB). */
  maxBytes?: number
  /**
   * A tile is rendered again after this long even if nothing invalidated it (default 10 min).
   * Writes invalidate their layer's tiles at once, in this process and (through the database's
   * notifications, layer-changes.ts) in every other; the TTL is only a backstop.
   */
  ttlMs?: number
  /**
   * Tiles of a layer rendered within this long after its invalidation are served but not kept
   * (default 2 s): writes call `invalidateLayer` inside their transaction, so a render in the
   * moments before the commit still reads the old rows.
   */
  settleMs?: number
  /** The clock (tests). */
  now?: () => number
}

interface Entry {
  tile: CachedTile
  dependsOn: readonly string[]
  expires: number
  size: number
}

const ENTRY_OVERHEAD = 200

/**
 * A bounded LRU of rendered tiles keyed by tileset/z/x/y, sized in bytes (a count limit of a few
 * thousand made one map session of ~2,000 tiles flush itself: issue 16), with a TTL. `invalidate(layer)` drops
 * every tile showing that layer (the basemap too) and keeps renders that were already running, or
 * start before the writer's transaction has surely committed, from storing what they read.
 */
export class TileCache {
  readonly #entries = new Map<string, Entry>()
  readonly #rendering = new Map<string, { promise: Promise<CachedTile>; dependsOn: readonly string[] }>()
  /** Bumped per layer on every invalidation. */
  readonly #generation = new Map<string, number>()
  readonly #invalidatedAt = new Map<string, number>()
  /** Keys of the cached tiles showing each layer: an import invalidates once per row. */
  readonly #keysByLayer = new Map<string, Set<string>>()
  readonly #maxTiles: number
  readonly #maxBytes: number
  readonly #ttlMs: number
  readonly #settleMs: number
  readonly #now: () => number
  #bytes = 0

  constructor({ maxTiles = 200_000, maxBytes = 64 * 1024 * 1024, ttlMs = 10 * 60_000, settleMs = 2_000, now = Date.now }: TileCacheOptions = {}) {
    this.#maxTiles = maxTiles
    this.#maxBytes = maxBytes
    this.#ttlMs = ttlMs
    this.#settleMs = settleMs
    this.#now = now
  }

  get size(): number {
    return this.#entries.size
  }

  get bytes(): number {
    return this.#bytes
  }

  /** The cached tile, or renders it once however many requests ask at the same time. */
  async get(key: string, dependsOn: readonly string[], render: () => Promise<TileBytes>): Promise<CachedTile> {
    const hit = this.#entries.get(key)
    if (hit && hit.expires > this.#now()) {
      this.#entries.delete(key)
      this.#entries.set(key, hit)
      tileCacheLookups.inc({ result: 'hit' })
      return hit.tile
    }
    if (hit) this.#remove(key, hit)
    const running = this.#rendering.get(key)
    if (running) {
      tileCacheLookups.inc({ result: 'shared' })
      return running.promise
    }
    tileCacheLookups.inc({ result: 'miss' })
    const generations = dependsOn.map((id) => this.#generation.get(id) ?? 0)
    const started = this.#now()
    const settled = dependsOn.every((id) => started - (this.#invalidatedAt.get(id) ?? -Infinity) >= this.#settleMs)
    const promise = render().then((bytes) => {
      const tile: CachedTile = { bytes, hash: bytes ? createHash('sha1').update(bytes).digest('base64url') : null }
      const unchanged = dependsOn.every((id, i) => (this.#generation.get(id) ?? 0) === generations[i])
      if (settled && unchanged) this.#store(key, dependsOn, tile)
      return tile
    })
    this.#rendering.set(key, { promise, dependsOn })
    try {
      return await promise
    } finally {
      if (this.#rendering.get(key)?.promise === promise) this.#rendering.delete(key)
    }
  }

  /** The tile's gzip, made once and kept with it. */
  async gzipped(key: string, tile: CachedTile): Promise<Uint8Array | null> {
    if (!tile.bytes) return null
    if (tile.gzipped) return tile.gzipped
    const gzipped = tile.bytes.byteLength < SYNC_GZIP_BELOW ? gzipSync(tile.bytes, { level: GZIP_LEVEL }) : await gzip(tile.bytes, { level: GZIP_LEVEL })
    // Another request may have finished the same gzip while this one waited.
    if (tile.gzipped) return tile.gzipped
    tile.gzipped = gzipped
    const entry = this.#entries.get(key)
    if (entry?.tile === tile) {
      entry.size += gzipped.byteLength
      this.#bytes += gzipped.byteLength
      this.#evict()
    }
    return gzipped
  }

  /** Drops every tile that shows this layer; renders running now or soon after will not be kept. */
  invalidate(layerId: string): void {
    this.#generation.set(layerId, (this.#generation.get(layerId) ?? 0) + 1)
    this.#invalidatedAt.set(layerId, this.#now())
    for (const key of this.#keysByLayer.get(layerId) ?? []) {
      const entry = this.#entries.get(key)
      if (entry) this.#remove(key, entry)
    }
    for (const [key, running] of this.#rendering) if (running.dependsOn.includes(layerId)) this.#rendering.delete(key)
  }

  #store(key: string, dependsOn: readonly string[], tile: CachedTile): void {
    const old = this.#entries.get(key)
    if (old) this.#remove(key, old)
    const size = ENTRY_OVERHEAD + (tile.bytes?.byteLength ?? 0) + (tile.gzipped?.byteLength ?? 0)
    if (size > this.#maxBytes || this.#maxTiles <= 0) return
    this.#entries.set(key, { tile, dependsOn, expires: this.#now() + this.#ttlMs, size })
    this.#bytes += size
    for (const id of dependsOn) {
      let keys = this.#keysByLayer.get(id)
      if (!keys) this.#keysByLayer.set(id, (keys = new Set()))
      keys.add(key)
    }
    this.#evict()
  }

  #evict(): void {
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxTiles && this.#bytes <= this.#maxBytes) return
      this.#remove(key, entry)
    }
  }

  #remove(key: string, entry: Entry): void {
    this.#entries.delete(key)
    this.#bytes -= entry.size
    for (const id of entry.dependsOn) this.#keysByLayer.get(id)?.delete(key)
  }
}

/** Every live cache (one per mounted tile router), so a write anywhere can invalidate them all. */
const caches = new Set<WeakRef<TileCache>>()

/** Registers a cache with `invalidateLayer`. */
export function registerTileCache(cache: TileCache): TileCache {
  caches.add(new WeakRef(cache))
  return cache
}

/**
 * Drops the cached tiles of a layer (and of the basemap when it is part of it) in every tile
 * router of this process. Call it after a write to the layer's table.
 */
export function invalidateLayer(layerId: string): void {
  for (const ref of caches) {
    const cache = ref.deref()
    if (cache) cache.invalidate(layerId)
    else caches.delete(ref)
  }
}
