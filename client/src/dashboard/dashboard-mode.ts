import { Toggle } from '../views/toggle.ts'

/** Whether the dashboard view is open (`view=dashboard` in the URL hash). */
export const dashboardMode = new Toggle()

/** The dashboard's filter as the URL hash carries it. */
export interface DashboardQuery {
  district?: string
  station?: string
  /** First day, `YYYY-MM-DD`. */
  from?: string
  /** Last day, `YYYY-MM-DD`. */
  to?: string
}

const KEYS = ['district', 'station', 'from', 'to'] as const
const VALID: Record<(typeof KEYS)[number], RegExp> = { district: /^\d{4,12}$/, station: /^\d{1,10}$/, from: /^\d{4}-\d{2}-\d{2}$/, to: /^\d{4}-\d{2}-\d{2}$/ }

/** `dq=district:220402;from:2026-06-01`: what is malformed is left out. */
export function parseDashboardQuery(text: string | null | undefined): DashboardQuery {
  const q: DashboardQuery = {}
  for (const part of (text ?? '').split(';')) {
    const at = part.indexOf(':')
    const key = part.slice(0, at) as (typeof KEYS)[number]
    const value = part.slice(at + 1)
    if (at > 0 && KEYS.includes(key) && VALID[key].test(value)) q[key] = value
  }
  return q
}

export function formatDashboardQuery(q: DashboardQuery): string {
  return KEYS.filter((k) => q[k]).map((k) => `${k}:${q[k]}`).join(';')
}

/**
 * The dashboard's filter, shared by the view (loaded only when opened) and the URL hash, so a
 * filtered dashboard can be linked to and reopens filtered.
 */
export const dashboardQuery = new (class {
  #value: DashboardQuery = {}
  readonly #listeners = new Set<(q: DashboardQuery) => void>()

  get value(): DashboardQuery {
    return this.#value
  }

  set(q: DashboardQuery): void {
    if (formatDashboardQuery(q) === formatDashboardQuery(this.#value)) return
    this.#value = { ...q }
    for (const cb of this.#listeners) cb(this.#value)
  }

  onChange(cb: (q: DashboardQuery) => void): () => void {
    this.#listeners.add(cb)
    return () => this.#listeners.delete(cb)
  }
})()
