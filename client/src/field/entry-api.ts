import type { NewFeature, Photo, PhotoStored, StoredFeature } from '../../../server/src/contract/field.ts'
import { ApiError, getJson } from '../api/client.ts'

/** A new feature and a photo as the API takes them (the photo: the type and the bytes in base64). */
export type { NewFeature, Photo } from '../../../server/src/contract/field.ts'

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
    getJson<StoredFeature>(featuresUrl(layer), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(feature), ...(signal ? { signal } : {}),
    }),
  putPhoto: (layer: string, id: number, photo: Photo) =>
    getJson<PhotoStored>(`${featuresUrl(layer)}/${id}/photo`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(photo) }),
  photoUrl: (layer: string, id: number) => `${featuresUrl(layer)}/${id}/photo`,
}
