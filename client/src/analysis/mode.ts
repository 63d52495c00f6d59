/** What the map shows: the plain map, or one of the analyses over it. */
export const MODES = ['map', 'coverage', 'hotspots', 'seasons'] as const
export type Mode = (typeof MODES)[number]

export function isMode(x: unknown): x is Mode {
  return typeof x === 'string' && (MODES as readonly string[]).includes(x)
}

/** Analysis parameters as strings (the query parameters the endpoints take). */
export type Params = Record<string, string>

/**
 * The analysis parameters in the URL hash (`aq=`): `key:value;key:value`, values without `;`,
 * `:`, `&`, `#` or `+` (numbers, ids, ISO dates, comma lists), so the hash stays readable.
 */
export function formatParams(p: Params): string {
  return Object.entries(p)
    .filter(([, v]) => v !== '' && !/[;:&#+]/.test(v))
    .map(([k, v]) => `${k}:${v}`)
    .join(';')
}

export function parseParams(s: string | undefined): Params {
  const out: Params = {}
  for (const part of (s ?? '').split(';')) {
    const k = part.indexOf(':')
    if (k > 0 && /^[a-z_]+$/.test(part.slice(0, k))) out[part.slice(0, k)] = part.slice(k + 1)
  }
  return out
}

/** The mode and each analysis's parameters, with change listeners (the URL hash follows them). */
export class ModeState {
  private current: Mode
  private readonly params = new Map<Mode, Params>()
  private readonly listeners = new Set<() => void>()

  constructor(mode: Mode = 'map', params: Params = {}) {
    this.current = mode
    if (mode !== 'map') this.params.set(mode, params)
  }

  get mode(): Mode {
    return this.current
  }

  paramsOf(mode: Mode): Params {
    return this.params.get(mode) ?? {}
  }

  setMode(mode: Mode): void {
    if (mode === this.current) return
    this.current = mode
    this.changed()
  }

  setParams(mode: Mode, params: Params): void {
    this.params.set(mode, params)
    if (mode === this.current) this.changed()
  }

  onChange(cb: () => void): () => void {
    this.listeners.add(cb)
    return () => this.listeners.delete(cb)
  }

  private changed(): void {
    for (const cb of this.listeners) cb()
  }
}

/** The analysis part of the URL hash state (map/hash-state.ts parses and formats it). */
export interface AnalysisHashState {
  mode?: Mode
  /** The parameters as `formatParams` writes them. */
  analysis?: string
}

/** More view state kept in the hash, beside the map's own (map/url-state.ts). */
export interface HashExtension {
  state(): AnalysisHashState
  apply(state: AnalysisHashState): void
  onChange(cb: () => void): void
}
