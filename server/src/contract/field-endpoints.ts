import * as field from './field.ts'
import { GEOJSON, JSON_TYPE, type Endpoint } from './endpoint.ts'

/** The image of a photo, in the type it was sent as. */
export const PHOTO_ANSWER = Object.fromEntries(field.PHOTO_TYPES.map((t) => [t, null])) as Record<(typeof field.PHOTO_TYPES)[number], null>

/** Field entry (client/src/field/entry-api.ts): a new report from a phone, and its photo. */
export const FIELD_ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'POST',
    path: '/api/layers/:layer/features',
    summary:
      "create a feature of an editable layer (an officer: in their cells; a volunteer: hazards and disputes): 201 with the stored feature; sent again with the same properties.client_ref, 200 with the feature stored the first time (409 when that client_ref names another feature); the layer's own body is /api/layers/{layer id}/features",
    body: field.featureBody,
    answer: { [GEOJSON]: field.storedFeature },
    statuses: [201, 200],
    errors: [400, 404, 405, 409, 413, 422],
  },
  {
    method: 'PUT',
    path: '/api/layers/:layer/features/:id/photo',
    summary:
      'the photo of a hazard or dispute {"content_type","data" (base64)}: one per feature, replaced when sent again, at most 1.5 MB (officers in their cells, administrators, and the volunteer who reported it; audited)',
    body: field.photoBody,
    answer: { [JSON_TYPE]: field.photoStored },
    errors: [400, 404, 413, 422],
  },
  {
    method: 'GET',
    path: '/api/layers/:layer/features/:id/photo',
    summary: 'the photo itself (the image), within your scope of the layer',
    answer: PHOTO_ANSWER,
    errors: [404],
  },
]
