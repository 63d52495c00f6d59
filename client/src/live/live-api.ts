import { getJson } from '../api/client.ts'

/**
 * The live view's requests, through the app's one fetch (api/client.ts): the session cookie, the
 * CSRF token on writes, a 401 asks for the password again, and errors carry the server's code
 * for error-text.ts.
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

/** An alert as `GET /api/alerts` and the stream's `alerts` events give it (server/src/alerts/alert-row.ts). */
export interface AlertRow {
  id: number
  rule_id: number
  kind: string
  subject: string
  message: string
  opened_at: string
  cleared_at: string | null
  acknowledged_by: string | null
  acknowledged_at: string | null
  lon: number | null
  lat: number | null
  /** The village or community (社区/村) it lies in, with its town; null without a point. */
  place_code: string | null
  place: string | null
  /** For an alert with no point (the river rule): the extent of what it is about. */
  extent: [number, number, number, number] | null
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

const json = <T>(url: string, init: RequestInit = {}) => getJson<T>(url, init)

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
    json<AlertRow>(`/api/alerts/${id}/acknowledge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
  tracks: (codes: string[], from: string, to: string) =>
    json<{ units: UnitTrack[] }>(`/api/live/tracks?${new URLSearchParams({ units: codes.join(','), from, to })}`).then((r) => r.units),
}
