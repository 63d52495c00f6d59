import type { Geometry } from 'geojson'
import { ApiError, getJson } from '../api/client.ts'

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

const featuresUrl = (layer: string) => `/api/layers/${encodeURIComponent(layer)}/features`

/**
 * What a phone sends from the field (an officer's or a volunteer's): a new feature, and its photo
 * once the feature is stored (`PUT /api/layers/{layer}/features/{id}/photo`). Through the app's one fetch.
 */
export const entryApi = {
  create: (layer: string, feature: NewFeature, signal?: AbortSignal) =>
    getJson<{ id: number; properties: Record<string, unknown> }>(featuresUrl(layer), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(feature), ...(signal ? { signal } : {}),
    }),
  putPhoto: (layer: string, id: number, photo: Photo) =>
    getJson<{ bytes: number }>(`${featuresUrl(layer)}/${id}/photo`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(photo) }),
  photoUrl: (layer: string, id: number) => `${featuresUrl(layer)}/${id}/photo`,
}
