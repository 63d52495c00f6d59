/** A patrol in progress: when it started, its kind, and the track recorded while the page is open. */
export interface PatrolState {
  startedAt: string
  kind: string
  track: Array<[number, number]>
}

/** Positions closer than this to the last kept one add nothing to the track. */
const MIN_STEP_M = 5
/** Fixes less accurate than this are not kept. */
const MAX_ACCURACY_M = 100

/** Metres between two lon/lat points (haversine; ample for steps of metres). */
export function metresBetween(a: readonly [number, number], b: readonly [number, number]): number {
  const rad = Math.PI / 180
  const dLat = (b[1] - a[1]) * rad
  const dLon = (b[0] - a[0]) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)))
}


/**
 * Records the phone's positions while a patrol is on (navigator.geolocation.watchPosition),
 * kept in localStorage so a reloaded page carries on with the same patrol.
 */
export class PatrolTracker {
  private watch: number | null = null
  private state: PatrolState | null
  private listeners = new Set<() => void>()
  error: string | null = null

  constructor(private readonly key: string) {
    this.state = load(key)
    if (this.state) this.startWatch()
  }

  get current(): PatrolState | null {
    return this.state
  }

  onChange(cb: () => void): void {
    this.listeners.add(cb)
  }

  start(kind: string): void {
    this.state = { startedAt: new Date().toISOString(), kind, track: [] }
    this.save()
    this.startWatch()
  }

  /** Ends the patrol; returns what was recorded. */
  stop(): (PatrolState & { endedAt: string }) | null {
    if (this.watch !== null) navigator.geolocation.clearWatch(this.watch)
    this.watch = null
    const done = this.state ? { ...this.state, endedAt: new Date().toISOString() } : null
    this.state = null
    localStorage.removeItem(this.key)
    this.emit()
    return done
  }

  private startWatch(): void {
    if (!('geolocation' in navigator)) {
      this.error = 'geolocation unavailable'
      this.emit()
      return
    }
    this.watch = navigator.geolocation.watchPosition(
      (pos) => {
        this.error = null
        if (!this.state || pos.coords.accuracy > MAX_ACCURACY_M) return
        const p: [number, number] = [Number(pos.coords.longitude.toFixed(7)), Number(pos.coords.latitude.toFixed(7))]
        const last = this.state.track.at(-1)
        if (last && metresBetween(last, p) < MIN_STEP_M) return
        this.state.track.push(p)
        this.save()
      },
      (err) => {
        this.error = err.message || `error ${err.code}`
        this.emit()
      },
      { enableHighAccuracy: true, maximumAge: 5_000, timeout: 30_000 },
    )
  }

  private save(): void {
    if (this.state) localStorage.setItem(this.key, JSON.stringify(this.state))
    this.emit()
  }

  private emit(): void {
    for (const cb of this.listeners) cb()
  }
}

function load(key: string): PatrolState | null {
  try {
    const s = JSON.parse(localStorage.getItem(key) ?? 'null') as PatrolState | null
    return s && typeof s.startedAt === 'string' && Array.isArray(s.track) ? s : null
  } catch {
    return null
  }
}
