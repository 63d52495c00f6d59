import type { FeatureCollection } from 'geojson'

/** The only module that calls fetch. */
async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } })
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
    throw new Error(body?.error?.message ?? `${res.status} ${res.statusText}`)
  }
  return (await res.json()) as T
}

export interface Health {
  status: string
  database: { backend: 'pglite' | 'postgres'; postgis: string }
}
export interface Stats {
  layers: Record<string, number>
  headlines: Record<string, number>
}

export const api = {
  health: () => getJson<Health>('/api/health'),
  stats: () => getJson<Stats>('/api/stats'),
  features: (layer: string, params: Record<string, string> = {}) =>
    getJson<FeatureCollection>(`/api/layers/${encodeURIComponent(layer)}/features?${new URLSearchParams(params)}`),
}
