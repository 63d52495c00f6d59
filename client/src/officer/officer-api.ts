import type { FeatureCollection, MultiPolygon } from 'geojson'
import { getJson } from '../api/client.ts'
import type { CoverageAnswer } from '../analysis/analysis-api.ts'
import type { CellPerson } from '../people/cell-people.ts'

/** `GET /api/officer/my-grid` (server/src/officer/my-grid.ts). */
export interface MyGrid {
  at: string
  officer: { user_id: number; display_name: string | null; officer_id: number | null; name: string | null; phone: string | null }
  cells: FeatureCollection<MultiPolygon, { id: number; code: string; name: string; community: string | null; households: number; population: number }> & {
    bbox: [number, number, number, number] | null
  }
  grid_ids: number[]
  /** Who answers for these cells (absent in a copy cached before the people directory). */
  people?: CellPerson[]
  hazards: HazardItem[]
  disputes: DisputeItem[]
  household_units: UnitItem[]
  guard_posts: GuardPostItem[]
  season: {
    season: string
    focus_category: string
    past_season_years: number[]
    cells: Array<{ grid_id: number; code: string; name: string; category: string; this_season: number; past_same_season: number; screen: boolean }>
  } | null
}
interface Located {
  id: number
  lon: number
  lat: number
  grid_id: number | null
}
export interface HazardItem extends Located {
  code: string
  category: string
  status: string
  source: string
  description: string
  version: number
  reported_at: string
  age_days: number
  has_photo: boolean
}
export interface DisputeItem extends Located {
  code: string
  category: string
  status: string
  source: string
  parties: number
  description: string
  version: number
  reported_at: string
  age_days: number
}
export interface UnitItem extends Located {
  code: string
  name: string
  lead_name: string
  lead_phone: string | null
  households: number
  reports: number
}
export interface GuardPostItem extends Located {
  name: string
  school: string
  dismissal_times: string[]
  minutes_before: number
  minutes_after: number
  today: Array<{ dismissal: string; from: string; to: string }>
}

export interface Transitions {
  status: string
  allowed: string[]
  history: Array<{ actor: string; at: string; reason: string | null; from: string; to: string }>
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const layerUrl = (layer: string) => `/api/layers/${encodeURIComponent(layer)}`

/** The officer's endpoints (entries go through field/entry-api.ts); every call goes through the app's one fetch (api/client.ts). */
export const officerApi = {
  myGrid: () => getJson<MyGrid>('/api/officer/my-grid'),
  coverage: (gridIds: readonly number[]) => getJson<CoverageAnswer>(`/api/analysis/coverage?grid=${gridIds.join(',')}`),
  photoUrl: (hazardId: number) => `/api/officer/hazards/${hazardId}/photo`,
  transitions: (layer: string, id: number) => getJson<Transitions>(`${layerUrl(layer)}/features/${id}/transitions`),
  transition: (layer: string, id: number, body: { to: string; version: number; reason: string }) =>
    getJson<{ properties: Record<string, unknown> }>(`${layerUrl(layer)}/features/${id}/transitions`, json(body)),
}
