import { getJson } from '../api/client.ts'
import { fetchStations as allStations } from '../api/stations.ts'

/** Counted events of `GET /api/community/dashboard` (server/src/community/dashboard.ts). */
export const EVENT_FIGURES = [
  'disputes_resolved', 'household_unit_disputes', 'hazards', 'hazards_eliminated', 'river_patrols', 'redemptions', 'points_redeemed', 'household_unit_reports', 'mediation_cases', 'issues_resolved',
] as const
export type EventFigure = (typeof EVENT_FIGURES)[number]
export const STANDING_FIGURES = ['branches', 'stations', 'community_officers', 'volunteers'] as const
export type StandingFigure = (typeof STANDING_FIGURES)[number]
type Row = Record<EventFigure, number>

export interface DashboardFilter {
  district?: string
  station?: string
  /** Beijing dates YYYY-MM-DD; `to` is exclusive on the server, so the view sends the day after. */
  from?: string
  to?: string
}

export interface DashboardData {
  totals: Record<StandingFigure | EventFigure | 'volunteers_redeemed', number>
  by_month: Array<{ month: string } & Row>
  by_season: Array<{ season: string } & Row>
  by_category: Record<EventFigure, Record<string, number>>
  per_district: Array<{ code: string; name: string } & Record<StandingFigure | EventFigure, number>>
  /** Every district of the city (the filter's choices). */
  districts: Array<{ code: string; name: string }>
}

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
