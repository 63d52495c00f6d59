/**
 * Failed sign-ins per key (a username, whether or not it exists, and a client address): after
 * `maxFailures` within `windowMs` the key is locked for `lockMs`. Kept in this process's memory;
 * with several processes each counts its own (documented in the README).
 *
 * The count is taken atomically: a sign-in first *reserves* an attempt (`reserve`, synchronous,
 * so no other request runs in between), and a key's recent failures plus its attempts still in
 * flight may never exceed `maxFailures`. So at most `maxFailures` passwords are ever checked for
 * a key within the window, however many requests arrive at once (before, 40 simultaneous
 * sign-ins all passed the "locked?" test before the first failure was counted: 7 were checked).
 * Each reservation ends in exactly one of `fail` (it counts), `succeed` (the key's failures are
 * cleared) or `release` (nothing was decided: the attempt is given back).
 */
export class LoginThrottle {
  readonly #entries = new Map<string, { times: number[]; lockedUntil: number; inFlight: number }>()
  constructor(
    readonly maxFailures = 5,
    readonly windowMs = 15 * 60_000,
    readonly lockMs = 15 * 60_000,
    readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the key may try again (0 when not locked). */
  lockedFor(key: string): number {
    const entry = this.#entries.get(key)
    return entry ? Math.max(0, entry.lockedUntil - this.now()) : 0
  }

  /**
   * Takes one attempt for the key: 0 when it may go ahead (the attempt is now in flight), else
   * the milliseconds to wait: the rest of the lockout, or — when the attempts in flight already
   * use up what is left — a second (they will succeed or lock the key by then).
   */
  reserve(key: string): number {
    const now = this.now()
    const entry = this.#entry(key, now)
    if (entry.lockedUntil > now) return entry.lockedUntil - now
    if (entry.times.length + entry.inFlight >= this.maxFailures) return 1000
    entry.inFlight++
    return 0
  }

  /** A failed attempt (reserved or not) counts; the key is locked at `maxFailures`. */
  fail(key: string): void {
    const now = this.now()
    const entry = this.#entry(key, now)
    if (entry.inFlight > 0) entry.inFlight--
    entry.times.push(now)
    if (entry.times.length >= this.maxFailures) {
      entry.lockedUntil = now + this.lockMs
      entry.times = []
    }
  }

  /** A successful attempt: the key's failures are forgotten (other attempts in flight stay counted). */
  succeed(key: string): void {
    const entry = this.#entries.get(key)
    if (!entry) return
    if (entry.inFlight > 0) entry.inFlight--
    entry.times = []
    entry.lockedUntil = 0
    if (entry.inFlight === 0) this.#entries.delete(key)
  }

  /** Gives a reserved attempt back without counting it (the request ended before a decision). */
  release(key: string): void {
    const entry = this.#entries.get(key)
    if (!entry || entry.inFlight === 0) return
    entry.inFlight--
    if (entry.inFlight === 0 && entry.times.length === 0 && entry.lockedUntil <= this.now()) this.#entries.delete(key)
  }

  /** The key's entry with failures older than the window dropped (created when absent). */
  #entry(key: string, now: number) {
    let entry = this.#entries.get(key)
    if (!entry) {
      // A flood of distinct usernames must not grow memory without bound: keys with only old
      // failures go; locked keys and keys with attempts in flight stay (no lock or reservation is lost).
      if (this.#entries.size > 100_000) for (const [k, e] of this.#entries) if (e.inFlight === 0 && e.lockedUntil <= now) this.#entries.delete(k)
      entry = { times: [], lockedUntil: 0, inFlight: 0 }
      this.#entries.set(key, entry)
    }
    entry.times = entry.times.filter((t) => now - t < this.windowMs)
    return entry
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
