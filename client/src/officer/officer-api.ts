/**
 * The answers' types come from the API's contract (server/src/contract/officer.ts), as types only:
 * nothing of the server is bundled.
 */
import type { MyGridAnswer, TransitionRequest, Transitions } from '../../../server/src/contract/officer.ts'
import type { StoredFeature } from '../../../server/src/contract/field.ts'
import { getJson } from '../api/client.ts'
import type { CoverageAnswer } from '../analysis/analysis-api.ts'
export type { DisputeItem, GuardPostItem, HazardItem, Transitions, UnitItem } from '../../../server/src/contract/officer.ts'

/**
 * `GET /api/officer/my-grid` (server/src/officer/my-grid.ts). `people` may be absent in a copy
 * cached before the people directory.
 */
export type MyGrid = Omit<MyGridAnswer, 'people'> & Partial<Pick<MyGridAnswer, 'people'>>

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const layerUrl = (layer: string) => `/api/layers/${encodeURIComponent(layer)}`

/** The officer's endpoints (entries go through field/entry-api.ts); every call goes through the app's one fetch (api/client.ts). */
export const officerApi = {
  myGrid: () => getJson<MyGridAnswer>('/api/officer/my-grid'),
  coverage: (gridIds: readonly number[]) => getJson<CoverageAnswer>(`/api/analysis/coverage?grid=${gridIds.join(',')}`),
  photoUrl: (hazardId: number) => `/api/officer/hazards/${hazardId}/photo`,
  transitions: (layer: string, id: number) => getJson<Transitions>(`${layerUrl(layer)}/features/${id}/transitions`),
  transition: (layer: string, id: number, body: TransitionRequest) => getJson<StoredFeature>(`${layerUrl(layer)}/features/${id}/transitions`, json(body)),
}
