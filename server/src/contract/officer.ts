import { z } from 'zod'
import { DISPUTE_CATEGORIES, HAZARD_CATEGORIES, SEASONS } from '../../../data/catalog/layers.ts'
import { bodyId } from '../http/ints.ts'
import { OPEN_DISPUTE_STATUSES, OPEN_HAZARD_STATUSES } from '../officer/my-grid.ts'
import { CELL_DUTIES, PERSON_ROLES } from '../people/person-key.ts'
import { seasonalFocus } from './analysis.ts'
import { feature, featureCollection, multiPolygonGeometry } from './geojson.ts'

/**
 * The officer's phone view (server/src/officer) and the lifecycle moves it makes
 * (server/src/features/transition-routes.ts); the client's officer/officer-api.ts takes its types
 * from here.
 */

const count = z.number().int().nonnegative()
const id = z.number().int()
const lonLat = { lon: z.number(), lat: z.number() }

export const myGridQuery = z.strictObject({
  at: z.iso.datetime({ offset: true }).optional().describe('another moment than now (RFC 3339): ages and duty windows at it, reports after it left out'),
})

export const myGridOfficer = z.strictObject({
  user_id: id,
  display_name: z.string().nullable(),
  officer_id: id.nullable().describe('the officer the account is linked to'),
  name: z.string().nullable(),
  phone: z.string().nullable(),
})
export const myGridCellProps = z.strictObject({
  id,
  code: z.string(),
  name: z.string(),
  community_code: z.string(),
  community: z.string().nullable(),
  households: count,
  population: count,
})
export const cellPerson = z.strictObject({
  id: z.string().describe('the directory key: officer:N, militia:N or volunteer:N'),
  name: z.string(),
  role: z.enum(PERSON_ROLES),
  phone: z.string().nullable(),
  cells: z.array(z.strictObject({ id, code: z.string(), name: z.string(), duty: z.enum(CELL_DUTIES) })),
})
export const hazardItem = z.strictObject({
  id,
  code: z.string(),
  category: z.enum(HAZARD_CATEGORIES),
  status: z.enum(OPEN_HAZARD_STATUSES),
  source: z.string(),
  description: z.string(),
  grid_id: id.nullable(),
  version: id,
  reported_at: z.string(),
  has_photo: z.boolean(),
  age_days: z.number().describe('days since it was reported, at `at`'),
  ...lonLat,
})
export const disputeItem = z.strictObject({
  id,
  code: z.string(),
  category: z.enum(DISPUTE_CATEGORIES),
  status: z.enum(OPEN_DISPUTE_STATUSES),
  source: z.string(),
  parties: count,
  description: z.string(),
  season: z.enum(SEASONS),
  grid_id: id.nullable(),
  household_unit_id: id.nullable(),
  version: id,
  reported_at: z.string(),
  age_days: z.number(),
  ...lonLat,
})
export const unitItem = z.strictObject({
  id,
  code: z.string(),
  name: z.string(),
  lead_name: z.string(),
  lead_phone: z.string().nullable(),
  households: count,
  reports: count,
  grid_id: id.nullable(),
  ...lonLat,
})
export const guardPostItem = z.strictObject({
  id,
  name: z.string(),
  school_id: id,
  school: z.string(),
  dismissal_times: z.array(z.string()),
  minutes_before: count,
  minutes_after: count,
  officer_id: id.nullable(),
  grid_id: id.nullable(),
  ...lonLat,
  today: z.array(z.strictObject({ dismissal: z.string(), from: z.string(), to: z.string() })).describe('duty windows today (none on a weekend)'),
})
export const myGridSeason = z.strictObject({
  season: z.enum(SEASONS),
  focus_category: z.string(),
  past_season_years: z.array(z.number().int()),
  screen_rule: z.string(),
  cells: z.array(z.strictObject({ grid_id: id, code: z.string(), name: z.string(), ...seasonalFocus.shape })),
})
export const myGridAnswer = z.strictObject({
  at: z.string(),
  officer: myGridOfficer,
  cells: featureCollection(feature(multiPolygonGeometry, myGridCellProps), {
    bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional().describe('of all the cells (absent with none)'),
  }),
  grid_ids: z.array(id),
  people: z.array(cellPerson).describe('who answers for these cells beside the officer'),
  hazards: z.array(hazardItem),
  disputes: z.array(disputeItem),
  household_units: z.array(unitItem),
  guard_posts: z.array(guardPostItem),
  season: myGridSeason.nullable().describe("this season's screening focus (null without cells)"),
  rules: z.strictObject({ hazards: z.string(), disputes: z.string(), duty: z.string() }),
})

/** A lifecycle move (hazards, disputes). */
export const transitionBody = z.strictObject({
  to: z.string().min(1),
  version: bodyId(),
  reason: z.string().trim().min(1, 'say why').max(1000),
  mediation_room_id: bodyId().optional(),
})
export const transitionsAnswer = z.strictObject({
  status: z.string(),
  allowed: z.array(z.string()).describe('the statuses it may move to (none: final)'),
  history: z.array(z.strictObject({ actor: z.string(), at: z.string(), reason: z.string().nullable(), from: z.string(), to: z.string() })),
})

export type MyGridAnswer = z.output<typeof myGridAnswer>
export type MyGridOfficer = z.output<typeof myGridOfficer>
export type CellPerson = z.output<typeof cellPerson>
export type HazardItem = z.output<typeof hazardItem>
export type DisputeItem = z.output<typeof disputeItem>
export type UnitItem = z.output<typeof unitItem>
export type GuardPostItem = z.output<typeof guardPostItem>
export type TransitionRequest = z.input<typeof transitionBody>
export type Transitions = z.output<typeof transitionsAnswer>
