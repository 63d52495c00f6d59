import * as live from './live.ts'
import { JSON_TYPE, type Endpoint } from './endpoint.ts'

/** The live view (client/src/live/live-api.ts): units, their tracks, the alerts (the stream's events are not described here). */
export const LIVE_ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/api/live/units',
    summary: 'current position of every unit',
    answer: { [JSON_TYPE]: live.unitsAnswer },
  },
  {
    method: 'GET',
    path: '/api/live/tracks',
    summary: 'stored track points of units in a time window (at most 7 days), with the distance travelled and the stops: units=, from=, to=',
    query: live.tracksQuery,
    answer: { [JSON_TYPE]: live.tracksAnswer },
    errors: [400, 404],
  },
  {
    method: 'GET',
    path: '/api/alerts',
    summary: 'alerts, newest first, with the village or community each lies in: state=open|cleared|all, limit=',
    query: live.alertsQuery,
    answer: { [JSON_TYPE]: live.alertsAnswer },
    errors: [400],
  },
  {
    method: 'POST',
    path: '/api/alerts/:id/acknowledge',
    summary: 'acknowledge an alert {"note"?}: the alert as stored; 409 when it was acknowledged already (audited)',
    body: live.acknowledgeBody,
    answer: { [JSON_TYPE]: live.acknowledgedAlert },
    errors: [400, 404, 409],
  },
]
