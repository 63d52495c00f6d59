import type { FeatureCollection, Geometry, MultiPolygon } from 'geojson'
import { ApiError, getJson } from '../api/client.ts'
import type { CoverageAnswer } from '../analysis/analysis-api.ts'

/** `GET /api/officer/my-grid` (server/src/officer/my-grid.ts). */
export interface MyGrid {
  at: string
  officer: { user_id: number; display_name: string | null; officer_id: number | null; name: string | null; phone: string | null }
  cells: FeatureCollection<MultiPolygon, { id: number; code: string; name: string; community: string | null; households: number; population: number }> & {
    bbox: [number, number, number, number] | null
  }
  grid_ids: number[]
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

/** A photo as the API takes it: the type and the bytes in base64. */
export interface Photo {
  content_type: 'image/jpeg' | 'image/png' | 'image/webp'
  data: string
}

export interface NewFeature {
  type: 'Feature'
  geometry: Geometry
  properties: Record<string, unknown>
}

/** Whether a failure means "no network" (keep the entry and try again) rather than a refusal. */
export function isNetworkFailure(err: unknown): boolean {
  if (err instanceof ApiError) return err.status >= 500 || err.status === 408 || err.status === 429
  // fetch rejects with a TypeError when there is no network; AbortSignal.timeout with a TimeoutError.
  return err instanceof TypeError || (err instanceof DOMException && (err.name === 'AbortError' || err.name === 'TimeoutError'))
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const layerUrl = (layer: string) => `/api/layers/${encodeURIComponent(layer)}`

/** The officer's endpoints; every call goes through the app's one fetch (api/client.ts). */
export const officerApi = {
  myGrid: () => getJson<MyGrid>('/api/officer/my-grid'),
  coverage: (gridIds: readonly number[]) => getJson<CoverageAnswer>(`/api/analysis/coverage?grid=${gridIds.join(',')}`),
  create: (layer: string, feature: NewFeature, signal?: AbortSignal) =>
    getJson<{ id: number; properties: Record<string, unknown> }>(`${layerUrl(layer)}/features`, { ...json(feature), ...(signal ? { signal } : {}) }),
  putPhoto: (hazardId: number, photo: Photo) =>
    getJson<{ hazard_id: number; bytes: number }>(`/api/officer/hazards/${hazardId}/photo`, { ...json(photo), method: 'PUT' }),
  photoUrl: (hazardId: number) => `/api/officer/hazards/${hazardId}/photo`,
  transitions: (layer: string, id: number) => getJson<Transitions>(`${layerUrl(layer)}/features/${id}/transitions`),
  transition: (layer: string, id: number, body: { to: string; version: number; reason: string }) =>
    getJson<{ properties: Record<string, unknown> }>(`${layerUrl(layer)}/features/${id}/transitions`, json(body)),
}
