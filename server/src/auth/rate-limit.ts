/**
 * Failed sign-ins per key (a username, whether or not it exists, and a client address): after
 * `maxFailures` within `windowMs` the key is locked for `lockMs`. Kept in this process's memory;
 * with several processes each counts its own (documented in the README).
 */
export class LoginThrottle {
  readonly #failures = new Map<string, { times: number[]; lockedUntil: number }>()
  constructor(
    readonly maxFailures = 5,
    readonly windowMs = 15 * 60_000,
    readonly lockMs = 15 * 60_000,
    readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the key may try again (0 when not locked). */
  lockedFor(key: string): number {
    const entry = this.#failures.get(key)
    return entry ? Math.max(0, entry.lockedUntil - this.now()) : 0
  }

  fail(key: string): void {
    const now = this.now()
    const entry = this.#failures.get(key) ?? { times: [], lockedUntil: 0 }
    entry.times = entry.times.filter((t) => now - t < this.windowMs)
    entry.times.push(now)
    if (entry.times.length >= this.maxFailures) {
      entry.lockedUntil = now + this.lockMs
      entry.times = []
    }
    if (this.#failures.size > 100_000) this.#failures.clear()
    this.#failures.set(key, entry)
  }

  succeed(key: string): void {
    this.#failures.delete(key)
  }
}

/**
 * Writes per account: a token bucket of `perMinute` tokens refilled continuously. A burst of a
 * full minute's allowance is accepted; beyond it the request is refused with the wait.
 */
export class WriteLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>()
  constructor(
    readonly perMinute: number,
    readonly now: () => number = Date.now,
  ) {}

  /** 0 when the write may go ahead (and is counted), else milliseconds to wait. */
  take(key: string): number {
    const now = this.now()
    const b = this.#buckets.get(key) ?? { tokens: this.perMinute, at: now }
    b.tokens = Math.min(this.perMinute, b.tokens + ((now - b.at) * this.perMinute) / 60_000)
    b.at = now
    if (b.tokens < 1) {
      this.#buckets.set(key, b)
      return Math.ceil(((1 - b.tokens) * 60_000) / this.perMinute)
    }
    b.tokens -= 1
    if (this.#buckets.size > 100_000) this.#buckets.clear()
    this.#buckets.set(key, b)
    return 0
  }
}
