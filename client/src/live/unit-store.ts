import { UNIT_KINDS, unitKind, type UnitKind } from './icon-atlas.ts'

/** A unit position as the live stream sends it (snapshot and `positions` events). */
export interface LivePosition {
  unit_id: number
  code: string
  callsign: string
  kind: string
  ts: string
  lon: number
  lat: number
  speed: number | null
  heading: number | null
}

/** No report for this long: the unit is drawn grey and counted stale. */
export const STALE_MS = 120_000
/** Reports kept per unit for its trail. */
const TRAIL = 12
const TRAIL_GAP_S = 60

/** The typed arrays deck.gl reads, as fresh views (so deck re-uploads) over the same memory. */
export interface UnitBuffers {
  length: number
  positions: Float32Array
  angles: Float32Array
  /** Unit index → kind index in UNIT_KINDS (for getIcon). */
  kinds: Uint8Array
  /** Unit index → 1 when stale (no report for STALE_MS), else 0. */
  stale: Uint8Array
}

export interface TrailBuffers {
  length: number
  startIndices: Uint32Array
  path: Float32Array
  /** Seconds since `epochMs`. */
  timestamps: Float32Array
}

/**
 * Every unit's latest position in typed arrays, updated in place as reports arrive (no object
 * per unit per tick), plus a short ring of past reports per unit for the trail. Staleness is
 * recomputed from the clock, so a unit that stops reporting turns grey with no event.
 */
export class UnitStore {
  readonly epochMs: number
  private capacity = 0
  private n = 0
  private readonly index = new Map<string, number>()
  private codes: string[] = []
  private callsigns: string[] = []
  private unitIds: number[] = []
  private pos = new Float32Array(0)
  private angle = new Float32Array(0)
  private kind = new Uint8Array(0)
  private tsMs = new Float64Array(0)
  private speed = new Float32Array(0)
  private stale = new Uint8Array(0)
  private trailPos = new Float32Array(0)
  private trailT = new Float32Array(0)
  private trailCount = new Uint8Array(0)
  private trailHead = new Uint8Array(0)
  /** Bumped whenever anything deck draws changed. */
  version = 0
  /** Bumped when a unit's sprite changed: a unit added, or turned stale or fresh (icons are re-read). */
  iconVersion = 0

  constructor(epochMs = Date.now()) {
    this.epochMs = epochMs
  }

  get size(): number {
    return this.n
  }

  private grow(min: number): void {
    if (min <= this.capacity) return
    const cap = Math.max(min, this.capacity * 2, 256)
    const f32 = (old: Float32Array, per: number) => { const a = new Float32Array(cap * per); a.set(old); return a }
    const u8 = (old: Uint8Array, per: number) => { const a = new Uint8Array(cap * per); a.set(old); return a }
    this.pos = f32(this.pos, 2)
    this.angle = f32(this.angle, 1)
    this.kind = u8(this.kind, 1)
    const ts = new Float64Array(cap)
    ts.set(this.tsMs)
    this.tsMs = ts
    this.speed = f32(this.speed, 1)
    this.stale = u8(this.stale, 1)
    this.trailPos = f32(this.trailPos, TRAIL * 2)
    this.trailT = f32(this.trailT, TRAIL)
    this.trailCount = u8(this.trailCount, 1)
    this.trailHead = u8(this.trailHead, 1)
    this.capacity = cap
  }

  private slot(p: LivePosition): number {
    let i = this.index.get(p.code)
    if (i !== undefined) return i
    i = this.n++
    this.grow(this.n)
    this.index.set(p.code, i)
    this.codes[i] = p.code
    this.callsigns[i] = p.callsign
    this.unitIds[i] = p.unit_id
    this.kind[i] = UNIT_KINDS.indexOf(unitKind(p.kind))
    this.stale[i] = 0
    this.iconVersion++
    return i
  }

  /** Applies reports (any order); a report older than the unit's current one only joins its trail if newer than the trail's last. */
  apply(positions: readonly LivePosition[], nowMs: number): void {
    for (const p of positions) {
      const t = Date.parse(p.ts)
      if (!Number.isFinite(t) || !Number.isFinite(p.lon) || !Number.isFinite(p.lat)) continue
      const i = this.slot(p)
      if (t <= this.tsMs[i]!) continue
      this.tsMs[i] = t
      this.pos[2 * i] = p.lon
      this.pos[2 * i + 1] = p.lat
      // deck.gl angles are counter-clockwise; a heading is clockwise from north.
      if (p.heading !== null && Number.isFinite(p.heading)) this.angle[i] = -p.heading
      this.speed[i] = p.speed ?? NaN
      // A trail joins reports at most TRAIL_GAP_S apart; after a silence it starts again.
      const last = this.trailT[i * TRAIL + this.trailHead[i]!]!
      if (this.trailCount[i]! > 0 && (t - this.epochMs) / 1000 - last > TRAIL_GAP_S) this.trailCount[i] = 0
      const head = (this.trailHead[i]! + 1) % TRAIL
      this.trailHead[i] = head
      this.trailPos[(i * TRAIL + head) * 2] = p.lon
      this.trailPos[(i * TRAIL + head) * 2 + 1] = p.lat
      this.trailT[i * TRAIL + head] = (t - this.epochMs) / 1000
      this.trailCount[i] = Math.min(TRAIL, this.trailCount[i]! + 1)
    }
    this.refreshStale(nowMs)
    this.version++
  }

  /** Marks units whose staleness changed at `nowMs`; returns whether any did. */
  refreshStale(nowMs: number): boolean {
    let changed = false
    for (let i = 0; i < this.n; i++) {
      const s = nowMs - this.tsMs[i]! > STALE_MS ? 1 : 0
      if (s === this.stale[i]) continue
      this.stale[i] = s
      changed = true
    }
    if (changed) {
      this.version++
      this.iconVersion++
    }
    return changed
  }

  counts(): { fresh: number; stale: number } {
    let stale = 0
    for (let i = 0; i < this.n; i++) stale += this.stale[i] === 1 ? 1 : 0
    return { fresh: this.n - stale, stale }
  }

  buffers(): UnitBuffers {
    const n = this.n
    return { length: n, positions: this.pos.subarray(0, 2 * n), angles: this.angle.subarray(0, n), kinds: this.kind.subarray(0, n), stale: this.stale.subarray(0, n) }
  }

  /** The trails as one flat path list (units with at least two reports), oldest point first. */
  trails(): TrailBuffers {
    let paths = 0
    let points = 0
    for (let i = 0; i < this.n; i++) {
      if (this.trailCount[i]! >= 2) {
        paths++
        points += this.trailCount[i]!
      }
    }
    const startIndices = new Uint32Array(paths)
    const path = new Float32Array(points * 2)
    const timestamps = new Float32Array(points)
    let p = 0
    let v = 0
    for (let i = 0; i < this.n; i++) {
      const count = this.trailCount[i]!
      if (count < 2) continue
      startIndices[p++] = v
      for (let k = count - 1; k >= 0; k--) {
        const slot = i * TRAIL + ((this.trailHead[i]! - k + TRAIL) % TRAIL)
        path[2 * v] = this.trailPos[2 * slot]!
        path[2 * v + 1] = this.trailPos[2 * slot + 1]!
        timestamps[v] = this.trailT[slot]!
        v++
      }
    }
    return { length: paths, startIndices, path, timestamps }
  }

  /** Everything the unit card shows about unit `i`. */
  unit(i: number): { code: string; callsign: string; unitId: number; kind: UnitKind; lon: number; lat: number; tsMs: number; speed: number | null; stale: boolean } | null {
    if (i < 0 || i >= this.n) return null
    const s = this.speed[i]!
    return {
      code: this.codes[i]!, callsign: this.callsigns[i]!, unitId: this.unitIds[i]!, kind: UNIT_KINDS[this.kind[i]!]!,
      lon: this.pos[2 * i]!, lat: this.pos[2 * i + 1]!, tsMs: this.tsMs[i]!, speed: Number.isNaN(s) ? null : s, stale: this.stale[i] === 1,
    }
  }

  indexOf(code: string): number {
    return this.index.get(code) ?? -1
  }

  /** Positions and staleness of every unit, for clustering. */
  forEach(cb: (lon: number, lat: number, stale: boolean, i: number) => void): void {
    for (let i = 0; i < this.n; i++) cb(this.pos[2 * i]!, this.pos[2 * i + 1]!, this.stale[i] === 1, i)
  }
}
