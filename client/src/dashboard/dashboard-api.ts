import { getJson } from '../api/client.ts'
import { fetchStations as allStations } from '../api/stations.ts'

/**
 * `GET /api/community/dashboard` (server/src/community/dashboard.ts): the answer's type from the
 * API's contract (server/src/contract/dashboard.ts, as a type only), the figures' lists from its
 * zod-free dashboard-figures.ts.
 */
import type { DashboardAnswer } from '../../../server/src/contract/dashboard.ts'
export { EVENT_FIGURES, STANDING_FIGURES, type EventFigure, type StandingFigure } from '../../../server/src/contract/dashboard-figures.ts'

export interface DashboardFilter {
  district?: string
  station?: string
  /** Beijing dates YYYY-MM-DD; `to` is exclusive on the server, so the view sends the day after. */
  from?: string
  to?: string
}

/** The figures, and the filter applied (from and to as UTC instants). */
export type DashboardData = DashboardAnswer

export interface StationOption {
  id: number
  name: string
  /** Its area's code: the district's six digits come first (admin codes nest). */
  areaCode: string
}

function query(f: DashboardFilter, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...f, ...extra })) if (v) p.set(k, v)
  const s = p.toString()
  return s ? `?${s}` : ''
}

export const fetchDashboard = (f: DashboardFilter) => getJson<DashboardData>(`/api/community/dashboard${query(f)}`)

/** The same figures as CSV (a download link; the session cookie goes with it). */
export const dashboardCsvUrl = (f: DashboardFilter) => `/api/community/dashboard${query(f, { format: 'csv' })}`

/** The stations (a unit owning cells or zones: the counties' 派出所 and the city districts' 实战化分局), from the one list (api/stations.ts). */
export async function fetchStations(): Promise<StationOption[]> {
  return (await allStations()).map((s) => ({ id: s.id, name: s.name, areaCode: s.district_code ?? '' }))
}
