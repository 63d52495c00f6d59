import type { Feature, FeatureCollection } from 'geojson'
import { sessionEnded } from '../auth/expiry.ts'
import { csrfHeaders } from '../auth/session.ts'
import type { StatsAnswer } from '../../../server/src/contract/admin.ts'

/** The only module that calls fetch. */
async function request(url: string, init: RequestInit = {}): Promise<Response> {
  const unsafe = init.method !== undefined && !['GET', 'HEAD'].includes(init.method.toUpperCase())
  const res = await fetch(url, { ...init, headers: { accept: 'application/json', ...(unsafe ? csrfHeaders() : {}), ...init.headers } })
  if (res.status === 401) sessionEnded()
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string; code?: string; details?: unknown } } | null
    throw new ApiError(res.status, body?.error?.message ?? `${res.status} ${res.statusText}`, body?.error?.code, body?.error?.details)
  }
  return res
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  return (await (await request(url, init)).json()) as T
}

/** The JSON at `url`, or null when the server answers 404 (an endpoint or resource not there). */
async function getOptionalJson<T>(url: string): Promise<T | null> {
  try {
    return await getJson<T>(url)
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null
    throw err
  }
}

export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    message: string,
    /** The server's machine code (`invalid_geometry`, `stale_version`…) and details, when it gave them. */
    readonly code?: string,
    readonly details?: unknown,
  ) {
    super(message)
  }
}

export interface Health {
  status: string
  database: { backend: 'pglite' | 'postgres'; postgis: string }
}
/** `GET /api/stats`: the API contract's answer (server/src/contract/admin.ts), as a type only. */
export type Stats = StatsAnswer
export interface FeaturePage extends FeatureCollection {
  numberReturned: number
  next: string | null
}

/** A raster basemap the server is configured with (`GET /api/config`). */
export interface RasterBasemapConfig {
  name: string
  /** XYZ tile URL templates. */
  tiles: string[]
  /** Tiles drawn over `tiles`, e.g. Tianditu's `cva_w` annotation layer. */
  overlayTiles?: string[]
  tileSize?: number
  maxzoom?: number
  /** The datum its coordinates are in: WGS84 and CGCS2000 line up with our data, GCJ-02 does not. */
  datum: 'WGS84' | 'CGCS2000' | 'GCJ-02' | string
  attribution?: string
}
export interface ClientConfig {
  basemap?: RasterBasemapConfig | null
}

const layerUrl = (layer: string) => `/api/layers/${encodeURIComponent(layer)}`

export const api = {
  health: () => getJson<Health>('/api/health'),
  stats: () => getJson<Stats>('/api/stats'),
  /** Client settings (`GET /api/config`); null if the server does not answer. */
  config: () => getOptionalJson<ClientConfig>('/api/config'),
  features: (layer: string, params: Record<string, string> = {}, signal?: AbortSignal) =>
    getJson<FeaturePage>(`${layerUrl(layer)}/features?${new URLSearchParams(params)}`, signal ? { signal } : {}),
  feature: (layer: string, id: number | string, signal?: AbortSignal) =>
    getJson<Feature>(`${layerUrl(layer)}/features/${encodeURIComponent(String(id))}`, signal ? { signal } : {}),
  /** One vector tile's bytes; null for an empty tile (204). */
  async tile(url: string, signal?: AbortSignal): Promise<ArrayBuffer | null> {
    const res = await request(url, { headers: { accept: 'application/vnd.mapbox-vector-tile' }, ...(signal ? { signal } : {}) })
    if (res.status === 204) return null
    return res.arrayBuffer()
  },
}
