import type { AcknowledgedAlert, AlertRow as ListedAlert, TracksAnswer, UnitInfo } from '../../../server/src/contract/live.ts'
import { getJson } from '../api/client.ts'
/** The answers' types come from the API's contract (server/src/contract/live.ts), as types only: nothing of the server is bundled. */
export type { AcknowledgedAlert, TrackPoint, UnitInfo, UnitTrack } from '../../../server/src/contract/live.ts'

/**
 * An alert as `GET /api/alerts` gives it; the stream's `alerts` events are read as one too (the
 * contract does not describe them), so the acknowledgement's note, which the feed never shows,
 * may be absent.
 */
export type AlertRow = Omit<ListedAlert, 'ack_note'> & Partial<Pick<ListedAlert, 'ack_note'>>

/**
 * The live view's requests, through the app's one fetch (api/client.ts): the session cookie, the
 * CSRF token on writes, a 401 asks for the password again, and errors carry the server's code
 * for error-text.ts.
 */

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
  openAlerts: () => json<{ alerts: ListedAlert[] }>('/api/alerts?state=open&limit=100').then((r) => r.alerts),
  acknowledge: (id: number) =>
    json<AcknowledgedAlert>(`/api/alerts/${id}/acknowledge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
  tracks: (codes: string[], from: string, to: string) =>
    json<TracksAnswer>(`/api/live/tracks?${new URLSearchParams({ units: codes.join(','), from, to })}`).then((r) => r.units),
}
