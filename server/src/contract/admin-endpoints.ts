import * as admin from './admin.ts'
import { storedFeature } from './field.ts'
import { restoreBody } from './planner.ts'
import { GEOJSON, JSON_TYPE, type Endpoint } from './endpoint.ts'

/**
 * Administration (client/src/auth/admin-panel.ts), the alert rules and the audit log, who is
 * responsible for a point, restoring a planned zone or route, and the overview's figures and
 * layer catalog (client/src/api/client.ts).
 */
export const ADMIN_ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/api/admin/users',
    summary: 'accounts (administrators), each with its grid cells by code and name and the officer it is',
    answer: { [JSON_TYPE]: admin.usersAnswer },
  },
  {
    method: 'POST',
    path: '/api/admin/users',
    summary: 'create an account {"username","role","password","gridIds"?,"gridCodes"?,"displayName"?,"volunteerId"?} (audited)',
    body: admin.newUserBody,
    answer: { [JSON_TYPE]: admin.userRecord },
    statuses: [201],
    errors: [400, 409],
  },
  {
    method: 'PATCH',
    path: '/api/admin/users/:id',
    summary: 'change role, grid cells, password, volunteer link, or disable an account (audited; a new password or disabling revokes its sessions and tokens)',
    body: admin.userPatchBody,
    answer: { [JSON_TYPE]: admin.userRecord },
    errors: [400, 404, 409],
  },
  {
    method: 'POST',
    path: '/api/admin/users/:id/tokens',
    summary: 'issue an API token {"name"} for an account, shown once (audited)',
    body: admin.adminTokenBody,
    answer: { [JSON_TYPE]: admin.adminTokenCreated },
    statuses: [201],
    errors: [400, 404],
  },
  {
    method: 'GET',
    path: '/api/alert-rules',
    summary: 'alert rules and their settings',
    answer: { [JSON_TYPE]: admin.alertRulesAnswer },
  },
  {
    method: 'PATCH',
    path: '/api/alert-rules/:id',
    summary: 'change an alert rule {"version","enabled"?,"params"?} (params merged; 409 on a stale version; audited)',
    body: admin.alertRuleBody,
    answer: { [JSON_TYPE]: admin.alertRule },
    errors: [404, 409, 422],
  },
  {
    method: 'GET',
    path: '/api/audit',
    summary: 'the change history, newest first: layer=, id=, limit=',
    query: admin.auditQuery,
    answer: { [JSON_TYPE]: admin.auditAnswer },
    errors: [400, 404],
  },
  {
    method: 'GET',
    path: '/api/analysis/responsible',
    summary: 'whose is this point (lon=, lat=): cell, community, town, district, station, officers, militia, nearest mediation room and units= nearest live units; 404 outside the city',
    query: admin.responsibleQuery,
    answer: { [JSON_TYPE]: admin.responsibleAnswer },
    errors: [400, 404],
  },
  {
    method: 'POST',
    path: '/api/planner/:layer/:id/restore',
    summary: 'restore an earlier version {"version","entry"}: a versioned update (409 when stale), audited with the reason',
    body: restoreBody,
    answer: { [GEOJSON]: storedFeature },
    errors: [400, 404, 409, 422],
  },
  {
    method: 'GET',
    path: '/api/stats',
    summary: "feature counts per layer and the story's headline figures, within your scope",
    answer: { [JSON_TYPE]: admin.statsAnswer },
  },
  {
    method: 'GET',
    path: '/api/layers',
    summary: 'the layer catalog with counts and extents (the layers you may read)',
    answer: { [JSON_TYPE]: admin.layersAnswer },
  },
]
