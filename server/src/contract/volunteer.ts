import { z } from 'zod'
import { queryId, queryOffset } from '../http/ints.ts'

/**
 * The volunteer's phone view and the community programmes it shows (server/src/community: the
 * registry, a volunteer's points account, the point rules, the safety shop); the client's
 * volunteer/volunteer-api.ts takes its types from here, the server's ledger.ts and
 * volunteer-day.ts their row types.
 */

const count = z.number().int().nonnegative()
const id = z.number().int()

export const LEDGER_KINDS = ['activity', 'record', 'redemption', 'adjustment'] as const
export const ledgerRow = z.strictObject({
  id,
  at: z.string(),
  delta: z.number().int(),
  kind: z.enum(LEDGER_KINDS),
  activity_id: id.nullable(),
  record_id: id.nullable(),
  redemption_id: id.nullable(),
  note: z.string().nullable(),
  label: z.string().nullable().describe("what it was: the activity's title, the record's kind, the item redeemed"),
})
const volunteerAccountShape = {
  id,
  name: z.string(),
  occupation: z.string().nullable(),
  joined_on: z.string(),
  org_id: id,
  org_name: z.string(),
  unit_name: z.string().nullable().describe('the police unit the organisation belongs to'),
  balance: z.number().int().describe('the sum of the ledger'),
  earned: count.describe('every movement in (positive deltas)'),
  spent: count.describe('points redeemed in the shop'),
}
export const volunteerAccount = z.strictObject(volunteerAccountShape)
export const volunteerWithLedger = z.strictObject({ ...volunteerAccountShape, ledger: z.array(ledgerRow).describe('the latest movements, newest first') })

export const shopItem = z.strictObject({ id, name: z.string(), price: z.number().int().positive(), stock: count, active: z.boolean(), redeemed: count })
export const shopItemsAnswer = z.strictObject({ items: z.array(shopItem) })

export const statusChange = z.strictObject({ from: z.string(), to: z.string(), at: z.string(), reason: z.string().nullable() })
export const volunteerReport = z.strictObject({
  layer: z.enum(['hazards', 'disputes']),
  id,
  code: z.string(),
  category: z.string(),
  status: z.string(),
  description: z.string(),
  reported_at: z.string(),
  changed_at: z.string().describe('when the status last changed (its latest transition), else when the report was stored'),
  lon: z.number(),
  lat: z.number(),
  grid_name: z.string().nullable().describe('the grid cell it was assigned to'),
  community: z.string().nullable(),
  has_photo: z.boolean(),
  history: z.array(statusChange).describe('every status change, oldest first (who made them is not said)'),
})

export const myDayQuery = z.strictObject({})
export const myDayAnswer = z.strictObject({
  at: z.string(),
  account: z.strictObject({ user_id: id, display_name: z.string(), volunteer_id: id.nullable() }),
  volunteer: volunteerWithLedger.nullable().describe("the linked volunteer's points account (null when the account is linked to none)"),
  reports: z.array(volunteerReport).describe('newest first, at most 100'),
  reports_total: count,
  shop: z.array(shopItem.extend({ affordable: z.boolean().describe('in stock and within the balance (false without a linked volunteer)') })).describe('the items on offer'),
})

export const volunteersQuery = z.strictObject({
  org: queryId().optional().describe('only the volunteers of this organisation'),
  q: z.string().max(50).optional().describe('part of the name'),
  after: queryOffset().default(0).describe("the previous page's next"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})
export const volunteerListRow = z.strictObject({ id, name: z.string(), occupation: z.string().nullable(), joined_on: z.string(), org_id: id, org_name: z.string(), balance: z.number().int() })
export const volunteersAnswer = z.strictObject({ total: count, volunteers: z.array(volunteerListRow), next: id.nullable().describe('after= for the next page (null on the last)') })

export const pointRule = z.strictObject({
  kind: z.string(),
  unit: z.string(),
  points_per_unit: z.number().int().positive(),
  max_quantity: z.number().int().positive(),
  label: z.string(),
  version: z.number().int().positive(),
  updated_at: z.string(),
})
export const pointRulesAnswer = z.strictObject({ rules: z.array(pointRule) })

export type LedgerRow = z.output<typeof ledgerRow>
export type VolunteerAccount = z.output<typeof volunteerAccount>
export type VolunteerWithLedger = z.output<typeof volunteerWithLedger>
export type ShopItem = z.output<typeof shopItem>
export type StatusChange = z.output<typeof statusChange>
export type VolunteerReport = z.output<typeof volunteerReport>
export type MyDayAnswer = z.output<typeof myDayAnswer>
export type VolunteerListRow = z.output<typeof volunteerListRow>
export type PointRule = z.output<typeof pointRule>
