import { ADMIN_ENDPOINTS } from './admin-endpoints.ts'
import { ANALYSIS_ENDPOINTS } from './analysis-endpoints.ts'
import { AUTH_ENDPOINTS, AUTH_NO_CONTENT_ENDPOINTS } from './auth-endpoints.ts'
import { COMMUNITY_ENDPOINTS } from './community-endpoints.ts'
import { DASHBOARD_ENDPOINTS } from './dashboard-endpoints.ts'
import type { Endpoint } from './endpoint.ts'
import { FIELD_ENDPOINTS } from './field-endpoints.ts'
import { LIVE_ENDPOINTS } from './live-endpoints.ts'
import { OFFICER_ENDPOINTS } from './officer-endpoints.ts'
import { PEOPLE_ENDPOINTS } from './people-endpoints.ts'
import { PLANNER_ENDPOINTS } from './planner-endpoints.ts'
import { STATIONS_ENDPOINTS } from './stations-endpoints.ts'
import { VOLUNTEER_ENDPOINTS } from './volunteer-endpoints.ts'

export { operationOf, type Endpoint } from './endpoint.ts'

/**
 * Every endpoint of the contract, by area: each area's file declares its endpoints (method, path,
 * query, body, answers by media type), and tests/api/contract*.test.ts asks each of them.
 */
export const ENDPOINTS: readonly Endpoint[] = [
  ...ANALYSIS_ENDPOINTS,
  ...PLANNER_ENDPOINTS,
  ...OFFICER_ENDPOINTS,
  ...VOLUNTEER_ENDPOINTS,
  ...FIELD_ENDPOINTS,
  ...PEOPLE_ENDPOINTS,
  ...LIVE_ENDPOINTS,
  ...DASHBOARD_ENDPOINTS,
  ...AUTH_ENDPOINTS,
  ...AUTH_NO_CONTENT_ENDPOINTS,
  ...STATIONS_ENDPOINTS,
  ...COMMUNITY_ENDPOINTS,
  ...ADMIN_ENDPOINTS,
]
