import { sessionEnded } from '../auth/expiry.ts'
import { csrfHeaders } from '../auth/session.ts'

/**
 * The live view's requests: same-origin relative URLs with the browser's default credentials
 * (the session cookie), the session's CSRF token on writes; a 401 asks for the password again.
 */

export interface UnitInfo {
  id: number
  code: string
  callsign: string
  kind: string
  station_id: number | null
  zone_id: number | null
  ts: string | null
  lon: number | null
  lat: number | null
  speed: number | null
  heading: number | null
}

export interface AlertRow {
  id: number
  kind: string
  subject: string
  message: string
  opened_at: string
  cleared_at: string | null
  acknowledged_by: string | null
  acknowledged_at: string | null
  lon: number | null
  lat: number | null
}

export interface TrackPoint {
  ts: string
  lon: number
  lat: number
  speed: number | null
  heading: number | null
}

export interface UnitTrack {
  unit_id: number
  code: string
  callsign: string
  kind: string
  points: TrackPoint[]
  distance_m: number
  stops: number
}

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers } })
  if (res.status === 401) sessionEnded()
  const body = (await res.json().catch(() => null)) as (T & { error?: { message?: string } }) | null
  if (!res.ok) throw new Error(body?.error?.message ?? `${res.status} ${res.statusText}`)
  return body as T
}

/** Names of patrol zones and police units by id (for the unit card). */
async function namesOf(layer: string): Promise<Map<number, { name: string; team?: string }>> {
  const fc = await json<{ features: Array<{ id: number; properties: { name?: string; team?: string } }> }>(`/api/layers/${layer}/features?limit=5000`)
  return new Map(fc.features.map((f) => [Number(f.id), { name: String(f.properties.name ?? f.id), ...(f.properties.team ? { team: f.properties.team } : {}) }]))
}

export const liveApi = {
  units: () => json<{ units: UnitInfo[] }>('/api/live/units').then((r) => r.units),
  zones: () => namesOf('patrol-zones'),
  stations: () => namesOf('police-units'),
  openAlerts: () => json<{ alerts: AlertRow[] }>('/api/alerts?state=open&limit=100').then((r) => r.alerts),
  acknowledge: (id: number) =>
    json<AlertRow>(`/api/alerts/${id}/acknowledge`, { method: 'POST', headers: { 'content-type': 'application/json', ...csrfHeaders() }, body: '{}' }),
  tracks: (codes: string[], from: string, to: string) =>
    json<{ units: UnitTrack[] }>(`/api/live/tracks?${new URLSearchParams({ units: codes.join(','), from, to })}`).then((r) => r.units),
}
