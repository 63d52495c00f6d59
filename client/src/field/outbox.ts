import { ApiError } from '../api/client.ts'
import { entryApi, isNetworkFailure, type NewFeature, type Photo } from './entry-api.ts'

/** One entry recorded on the phone, kept until the server has it. Its `ref` is the feature's client_ref. */
export interface OutboxEntry {
  ref: string
  layer: string
  feature: NewFeature
  createdAt: string
  attempts: number
  /** `failed`: the server refused it (kept to be read, then deleted by hand). */
  state: 'pending' | 'failed'
  error?: string
  /** The refusal's HTTP status and the server's code, to say it in the UI's words (api/error-text.ts). */
  status?: number
  code?: string
  /** A report's photo (hazards, disputes), sent once the feature is stored. */
  photo?: Photo
  /** The phone's storage was full: the photo was let go to keep the entry. */
  photoDropped?: boolean
}

export type OutboxStatus = 'idle' | 'sending' | 'offline'

/**
 * The unsent entries of a phone in the field (an officer's, a volunteer's), in localStorage (one
 * list per account), sent oldest first whenever the network is there: on start, on `online`,
 * after each new entry, and every `retryMs` while some wait. Each carries its client_ref, so an
 * entry the server stored but whose answer was lost is answered, not stored again, when it is
 * sent once more.
 */
export class Outbox {
  private entries: OutboxEntry[]
  private flushing: Promise<void> | null = null
  private again = false
  private timer: ReturnType<typeof setInterval> | null = null
  private listeners = new Set<() => void>()
  status: OutboxStatus = 'idle'

  constructor(
    private readonly key: string,
    private readonly onSent: (entry: OutboxEntry, id: number) => void,
    private readonly retryMs = 15_000,
  ) {
    this.entries = load(key)
    window.addEventListener('online', () => void this.flush())
    // Another tab of the same account changed the list: take it (the server's client_ref check covers any overlap).
    window.addEventListener('storage', (e: StorageEvent) => {
      if (e.key !== this.key) return
      this.entries = load(this.key)
      this.emit()
    })
    void this.flush()
  }

  get pending(): readonly OutboxEntry[] {
    return this.entries.filter((e) => e.state === 'pending')
  }

  get failed(): readonly OutboxEntry[] {
    return this.entries.filter((e) => e.state === 'failed')
  }

  onChange(cb: () => void): void {
    this.listeners.add(cb)
  }

  add(layer: string, feature: NewFeature, photo?: Photo): OutboxEntry {
    const ref = crypto.randomUUID()
    const entry: OutboxEntry = {
      ref, layer, feature: { ...feature, properties: { ...feature.properties, client_ref: ref } }, createdAt: new Date().toISOString(), attempts: 0, state: 'pending',
      ...(photo ? { photo } : {}),
    }
    this.entries.push(entry)
    this.save()
    void this.flush()
    return entry
  }

  discard(ref: string): void {
    this.entries = this.entries.filter((e) => e.ref !== ref)
    this.save()
  }

  /** Sends what waits, one at a time, oldest first; one run at a time (asked during a run: once more after it). */
  flush(): Promise<void> {
    if (this.flushing) {
      this.again = true
      return this.flushing
    }
    this.flushing = (async () => {
      do {
        this.again = false
        await this.run()
      } while (this.again)
    })().finally(() => {
      this.flushing = null
      this.schedule()
      this.emit()
    })
    return this.flushing
  }

  private async run(): Promise<void> {
    // Each waiting entry once per run, those added while it runs too.
    const tried = new Set<string>()
    for (let entry = this.pending[0]; entry; entry = this.pending.find((e) => !tried.has(e.ref))) {
      tried.add(entry.ref)
      this.status = 'sending'
      this.emit()
      entry.attempts++
      try {
        // Sent again after a lost answer or a photo not yet sent: the server answers the stored feature.
        const stored = await entryApi.create(entry.layer, entry.feature, AbortSignal.timeout(20_000))
        if (entry.photo) {
          try {
            await entryApi.putPhoto(entry.layer, stored.id, entry.photo)
          } catch (err) {
            if (isNetworkFailure(err)) throw err
            // Refused (not an image, too large): the report is stored; the photo is let go.
            entry.error = err instanceof ApiError ? err.message : String(err)
            if (err instanceof ApiError) {
              entry.status = err.status
              if (err.code) entry.code = err.code
            }
          }
        }
        this.entries = this.entries.filter((e) => e.ref !== entry.ref)
        this.save()
        this.onSent(entry, stored.id)
      } catch (err) {
        if (isNetworkFailure(err)) {
          this.status = 'offline'
          this.save()
          return
        }
        entry.state = 'failed'
        entry.error = err instanceof ApiError ? err.message : String(err)
        if (err instanceof ApiError) {
          entry.status = err.status
          if (err.code) entry.code = err.code
        }
        this.save()
      }
    }
    this.status = 'idle'
  }

  private schedule(): void {
    const waiting = this.pending.length > 0
    if (waiting && !this.timer) this.timer = setInterval(() => void this.flush(), this.retryMs)
    if (!waiting && this.timer) {
      clearInterval(this.timer)
      this.timer = null
    }
  }

  private save(): void {
    try {
      localStorage.setItem(this.key, JSON.stringify(this.entries))
    } catch {
      // Storage full: keep the entries, let their photos go (newest first would be fairer; all is simpler and rare).
      for (const e of this.entries) {
        if (e.photo) {
          delete e.photo
          e.photoDropped = true
        }
      }
      localStorage.setItem(this.key, JSON.stringify(this.entries))
    }
    this.emit()
  }

  private emit(): void {
    for (const cb of this.listeners) cb()
  }
}

function load(key: string): OutboxEntry[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown
    return Array.isArray(parsed) ? (parsed as OutboxEntry[]).filter((e) => typeof e?.ref === 'string' && typeof e.layer === 'string') : []
  } catch {
    return []
  }
}
