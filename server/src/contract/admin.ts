import { z } from 'zod'
import { FIGURES, type FigureKey } from '../../../data/catalog/figures.ts'
import { LAYERS } from '../../../data/catalog/layers.ts'
import { ROLES } from '../auth/principal.ts'
import { bodyId } from '../http/ints.ts'
import { SCOPES } from './auth.ts'

/**
 * Administration and the desk's overview (server/src/auth/admin-routes.ts, alerts/routes.ts,
 * audit/routes.ts, analysis/responsible.ts, stats/routes.ts, features/routes.ts): accounts, alert
 * rules, the audit log, who is responsible for a point, the headline figures and the layer
 * catalog with counts. The client's admin panel and api/client.ts take their types from here,
 * the server's users.ts and user-names.ts their row types.
 */

const id = z.number().int()
const count = z.number().int().nonnegative()
const layerIds = LAYERS.map((l) => l.id) as [string, ...string[]]
const figureKeys = Object.keys(FIGURES) as [FigureKey, ...FigureKey[]]

// ── Accounts ────────────────────────────────────────────────────────────────────────────────

const role = z.enum(ROLES)
const gridIds = z.array(bodyId()).max(500)
/** Cells by grid code, as the administration screen shows them (added to gridIds). */
const gridCodes = z.array(z.string().min(1).max(40)).max(500).describe('cells by grid code (added to gridIds)')

export const newUserBody = z.strictObject({
  username: z.string().describe('3–40 characters: a–z, 0–9, _ . -'),
  role,
  password: z.string().max(500),
  displayName: z.string().min(1).max(80).optional(),
  gridIds: gridIds.optional().describe('an officer account: its grid cells'),
  gridCodes: gridCodes.optional(),
  volunteerId: bodyId().nullable().optional().describe('a volunteer account: the volunteer record it is'),
})
export const userPatchBody = z
  .strictObject({
    role: role.optional(),
    disabled: z.boolean().optional().describe('disabling ends every session and revokes every API token'),
    password: z.string().max(500).optional().describe('a new password ends every session and revokes every API token'),
    displayName: z.string().min(1).max(80).optional(),
    gridIds: gridIds.optional(),
    gridCodes: gridCodes.optional(),
    volunteerId: bodyId().nullable().optional().describe('null: unlink'),
  })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change')
export const adminTokenBody = z.strictObject({ name: z.string().min(1).max(80) })

export const userRecord = z.strictObject({
  id,
  username: z.string(),
  display_name: z.string(),
  role,
  disabled: z.boolean(),
  officer_id: id.nullable().describe('the officer an officer account is'),
  volunteer_id: id.nullable().describe('the volunteer record a volunteer account is (points, organisation)'),
  grid_ids: z.array(id),
  created_at: z.string(),
})
export const namedUser = z.strictObject({
  ...userRecord.shape,
  grids: z.array(z.strictObject({ id, code: z.string(), name: z.string() })).describe('the account’s grid cells by code and name (grid_ids: the same cells)'),
  officer: z.strictObject({ id: z.string().describe('the key in the people directory, officer:ID'), name: z.string() }).nullable(),
})
export const usersAnswer = z.strictObject({ users: z.array(namedUser) })
export const adminTokenCreated = z.strictObject({
  id,
  token: z.string().startsWith('pgt_').describe('the secret, shown this once: send it as Authorization: Bearer'),
  name: z.string(),
})

// ── Alert rules ─────────────────────────────────────────────────────────────────────────────

const ruleParams = z.record(z.string().max(40), z.union([z.number(), z.array(z.number()).max(1000)]))
export const alertRuleBody = z.strictObject({
  version: bodyId(),
  enabled: z.boolean().optional(),
  params: ruleParams.optional().describe('merged into the rule’s params'),
})
export const alertRule = z.strictObject({
  id,
  kind: z.string(),
  title: z.string(),
  enabled: z.boolean(),
  params: ruleParams,
  version: z.number().int().positive(),
  updated_at: z.string(),
})
export const alertRulesAnswer = z.strictObject({ rules: z.array(alertRule) })

// ── The audit log ───────────────────────────────────────────────────────────────────────────

export const auditQuery = z.strictObject({
  layer: z.string().optional().describe('a layer id, or alerts, alert-rules'),
  id: z.string().regex(/^\d+$/, 'id is a feature id').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})
const jsonObject = z.record(z.string(), z.unknown())
export const auditEntry = z.strictObject({
  id,
  actor: z.string(),
  action: z.string(),
  layer: z.string(),
  feature_id: z.string().nullable(),
  before: jsonObject.nullable(),
  after: jsonObject.nullable(),
  reason: z.string().nullable(),
  at: z.string(),
})
export const auditAnswer = z.strictObject({ entries: z.array(auditEntry).describe('newest first') })

// ── Who is responsible for a point ──────────────────────────────────────────────────────────

export const responsibleQuery = z.strictObject({
  lon: z.coerce.number().min(-180).max(180),
  lat: z.coerce.number().min(-90).max(90),
  units: z.coerce.number().int().min(1).max(50).default(5).describe('how many of the nearest live units'),
})
const area = z.strictObject({ code: z.string(), name: z.string(), kind: z.string() })
const officer = z.strictObject({ id, person: z.string().describe('officer:ID in the people directory'), name: z.string(), phone: z.string().nullable(), unit: z.string() })
export const responsibleAnswer = z.strictObject({
  point: z.strictObject({ lon: z.number(), lat: z.number() }),
  grid: z.strictObject({ id, code: z.string(), name: z.string(), households: count.nullable(), population: count.nullable() }),
  community: area,
  town: area,
  district: z.strictObject({ code: z.string(), name: z.string() }),
  station: z.strictObject({ id, name: z.string(), phone: z.string().nullable() }),
  officer: officer.nullable().describe('the community officer of the cell'),
  auxiliary: officer.nullable(),
  grid_worker: officer.nullable(),
  militia: z
    .strictObject({ id, person: z.string().nullable().describe('militia:ID when it has a contact'), name: z.string(), contact: z.string().nullable(), phone: z.string().nullable() })
    .nullable(),
  mediation_room: z.strictObject({ id, name: z.string(), kind: z.string(), distance_m: count }).nullable().describe('the nearest'),
  nearest_units: z.array(z.strictObject({ id, code: z.string(), callsign: z.string().nullable(), kind: z.string(), ts: z.string(), distance_m: count })).describe('nearest first, by their latest position'),
})

// ── The headline figures and the layer catalog ──────────────────────────────────────────────

export const statsAnswer = z.strictObject({
  layers: z.partialRecord(z.enum(layerIds), count).describe('features per layer within your read scope (layers closed to you are left out)'),
  headlines: z.partialRecord(z.enum(figureKeys), count).describe("the story's headline figures within your scope (data/catalog/figures.ts names them)"),
  scope: z.partialRecord(z.enum(layerIds), z.enum(SCOPES).exclude(['none'])).describe('how each counted layer is scoped for you: all, grids (your cells), own (your reports)'),
})

const label = z.strictObject({ zh: z.string(), en: z.string() })
export const catalogProperty = z.strictObject({
  name: z.string(),
  type: z.enum(['string', 'integer', 'number', 'boolean', 'datetime', 'date', 'json']),
  label,
  values: z.array(z.string()).optional().describe('the allowed values'),
  readOnly: z.boolean().optional().describe('set by the system, never by a client'),
  required: z.boolean().optional().describe('must be given on create'),
  createOnly: z.boolean().optional(),
  format: z.literal('uuid').optional(),
})
export const catalogLayer = z.strictObject({
  id: z.enum(layerIds),
  table: z.string(),
  title: label,
  group: z.enum(['reference', 'police', 'community', 'patrol', 'safety']),
  geometry: z.enum(['Point', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']),
  nameColumn: z.string().optional(),
  timeColumn: z.string().optional(),
  properties: z.array(catalogProperty),
  minzoom: z.number(),
  maxzoom: z.number(),
  style: z.strictObject({ kind: z.enum(['fill', 'line', 'circle']), color: z.string(), width: z.number().optional(), radius: z.number().optional() }),
  cluster: z.boolean().optional(),
  basemap: z.boolean().optional(),
  editable: z.boolean().optional(),
  lifecycle: z.enum(['hazard', 'dispute']).optional(),
  count: count.describe('features within your read scope'),
  extent: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable().describe('[west, south, east, north] of those (null when none)'),
})
export const layersAnswer = z.strictObject({ layers: z.array(catalogLayer).describe('the layers you may read, in catalog order') })

export type NewUserRequest = z.input<typeof newUserBody>
export type UserPatchRequest = z.input<typeof userPatchBody>
export type UserRecord = z.output<typeof userRecord>
export type NamedUser = z.output<typeof namedUser>
export type UsersAnswer = z.output<typeof usersAnswer>
export type AdminTokenCreated = z.output<typeof adminTokenCreated>
export type AlertRule = z.output<typeof alertRule>
export type AuditEntry = z.output<typeof auditEntry>
export type ResponsibleAnswer = z.output<typeof responsibleAnswer>
export type StatsAnswer = z.output<typeof statsAnswer>
export type LayersAnswer = z.output<typeof layersAnswer>
