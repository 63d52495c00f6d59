import * as planner from './planner.ts'
import * as requests from './analysis-requests.ts'
import { JSON_TYPE, type Endpoint } from './endpoint.ts'

/** The planner's endpoints (and the workload table it shows). */
export const PLANNER_ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/api/analysis/workload',
    summary: 'per patrol zone: households, hazards, disputes, schools, guard posts, area, route length',
    query: requests.workloadQuery,
    answer: { [JSON_TYPE]: planner.workloadAnswer },
    errors: [400],
  },
  {
    method: 'POST',
    path: '/api/analysis/workload/preview',
    summary: "the workload of a zone as drawn (not saved): route length inside, coverage by the routes, overlaps with the station's or team's zones; 422 invalid_geometry with details {reason, location}",
    body: planner.previewBody,
    answer: { [JSON_TYPE]: planner.workloadPreviewAnswer },
    errors: [400, 413, 422],
  },
  {
    method: 'POST',
    path: '/api/planner/split',
    summary: 'a zone cut by a line → its parts (ST_Split; nothing written)',
    body: planner.splitBody,
    answer: { [JSON_TYPE]: planner.splitAnswer },
    errors: [400, 422],
  },
  {
    method: 'POST',
    path: '/api/planner/merge',
    summary: 'zones merged → one geometry (ST_UnaryUnion; 422 when they do not touch; nothing written)',
    body: planner.mergeBody,
    answer: { [JSON_TYPE]: planner.mergeAnswer },
    errors: [400, 422],
  },
  {
    method: 'GET',
    path: '/api/planner/:layer/:id/history',
    summary: 'every saved version of a patrol zone or route (the audit log, newest first)',
    answer: { [JSON_TYPE]: planner.historyAnswer },
    errors: [404],
  },
]
