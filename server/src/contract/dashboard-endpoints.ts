import * as dashboard from './dashboard.ts'
import { CSV, JSON_TYPE, type Endpoint } from './endpoint.ts'

/** The community dashboard (client/src/dashboard/dashboard-api.ts). */
export const DASHBOARD_ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/api/community/dashboard',
    summary: "the story's figures live, by month, season, category and district: district=, station=, from=, to=, format=csv",
    query: dashboard.dashboardQuery,
    answer: { [JSON_TYPE]: dashboard.dashboardAnswer, [CSV]: null },
    errors: [400, 404],
  },
]
