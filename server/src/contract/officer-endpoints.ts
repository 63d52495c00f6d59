import * as officer from './officer.ts'
import { storedFeature } from './field.ts'
import { PHOTO_ANSWER } from './field-endpoints.ts'
import { GEOJSON, JSON_TYPE, type Endpoint } from './endpoint.ts'

/** The officer's phone view (client/src/officer/officer-api.ts; its coverage is the analysis area's). */
export const OFFICER_ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/api/officer/my-grid',
    summary:
      "an officer's own cells: open hazards and disputes by status and age, ten-household units with their lead, guard posts with today's duty windows, the four-seasons focus; at= for another moment",
    query: officer.myGridQuery,
    answer: { [JSON_TYPE]: officer.myGridAnswer },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/api/officer/hazards/:id/photo',
    summary: 'the photo of a hazard (the image itself)',
    answer: PHOTO_ANSWER,
    errors: [404],
  },
  {
    method: 'GET',
    path: '/api/layers/:layer/features/:id/transitions',
    summary: "a hazard's or dispute's status, the statuses it may move to, and its moves so far (who, when, why), within your scope of the layer",
    answer: { [JSON_TYPE]: officer.transitionsAnswer },
    errors: [404, 405],
  },
  {
    method: 'POST',
    path: '/api/layers/:layer/features/:id/transitions',
    summary:
      'move a hazard or dispute to another status {"to","version","reason","mediation_room_id"?}: 409 when the move is not allowed from its status or the version is stale; a dispute moving to mediating gets the room named or the nearest (audited with the reason)',
    body: officer.transitionBody,
    answer: { [GEOJSON]: storedFeature },
    errors: [400, 404, 405, 409, 422],
  },
]
