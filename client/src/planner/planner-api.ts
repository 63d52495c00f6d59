import type { Feature, FeatureCollection, LineString, MultiPolygon, Polygon } from 'geojson'
import type { HistoryEntry, PreviewOverlap, PreviewRequest, WorkloadPreview, ZoneWorkload } from '../../../server/src/contract/planner.ts'
import type { StoredFeature } from '../../../server/src/contract/field.ts'
import { getJson } from '../api/client.ts'

/** The planner's requests and answers are the API contract's (server/src/contract/planner.ts), as types only. */
export type { HistoryEntry, PreviewRequest, WorkloadPreview, ZoneWorkload } from '../../../server/src/contract/planner.ts'
export type Overlap = PreviewOverlap

export type PlannedLayer = 'patrol-zones' | 'patrol-routes'

const post = <T>(url: string, body: unknown, method = 'POST') =>
  getJson<T>(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

/** The planner's endpoints and the feature writes it makes; all through the app's one fetch. */
export const plannerApi = {
  preview: (body: PreviewRequest, signal?: AbortSignal) =>
    getJson<WorkloadPreview>('/api/analysis/workload/preview', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(signal ? { signal } : {}) }),
  workload: (station: number, from?: string, to?: string) =>
    getJson<{ zones: ZoneWorkload[] }>(`/api/analysis/workload?${new URLSearchParams({ station: String(station), ...(from && to ? { datetime: `${from}/${to}` } : {}) })}`),
  split: (geometry: Polygon, line: LineString) => post<{ parts: Polygon[] }>('/api/planner/split', { geometry, line }),
  merge: (geometries: Polygon[]) => post<{ geometry: Polygon }>('/api/planner/merge', { geometries }),
  history: (layer: PlannedLayer, id: number) => getJson<{ entries: HistoryEntry[] }>(`/api/planner/${layer}/${id}/history`),
  restore: (layer: PlannedLayer, id: number, version: number, entry: number) => post<StoredFeature>(`/api/planner/${layer}/${id}/restore`, { version, entry }),
  features: <G extends Polygon | LineString>(layer: PlannedLayer, params: Record<string, string>) =>
    getJson<FeatureCollection<G, Record<string, unknown>>>(`/api/layers/${layer}/features?${new URLSearchParams({ limit: '1000', ...params })}`),
  gridCells: (bbox: [number, number, number, number]) =>
    getJson<FeatureCollection<Polygon | MultiPolygon>>(`/api/layers/grid-cells/features?${new URLSearchParams({ bbox: bbox.map((v) => v.toFixed(6)).join(','), limit: '1000' })}`),
  feature: (layer: PlannedLayer, id: number) => getJson<Feature>(`/api/layers/${layer}/features/${id}`),
  create: (layer: PlannedLayer, geometry: Polygon | LineString, properties: Record<string, unknown>) =>
    post<Feature>(`/api/layers/${layer}/features`, { type: 'Feature', geometry, properties }),
  update: (layer: PlannedLayer, id: number, version: number, geometry: Polygon | LineString, properties: Record<string, unknown>) =>
    post<Feature>(`/api/layers/${layer}/features/${id}`, { version, geometry, properties }, 'PATCH'),
  remove: (layer: PlannedLayer, id: number, version: number) =>
    getJson<unknown>(`/api/layers/${layer}/features/${id}?version=${version}`, { method: 'DELETE' }).catch((err: unknown) => {
      // 204 has no JSON body: getJson's parse fails after a successful delete.
      if (err instanceof SyntaxError) return null
      throw err
    }),
}
