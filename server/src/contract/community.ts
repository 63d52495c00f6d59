import { z } from 'zod'
import { DISPUTE_CATEGORIES, HAZARD_CATEGORIES } from '../../../data/catalog/layers.ts'
import { bodyId, queryOffset } from '../http/ints.ts'
import { storedFeature } from './field.ts'
import { pointRule } from './volunteer.ts'

/**
 * The community programmes' writes and the desk's readings of them (server/src/community):
 * recording a volunteer's activity, the organisations' leaderboards, changing a point rule, the
 * shop's new items and redemptions; the ten-household units' reports and their counts, mediation
 * cases, and coordination meetings with the issues raised in them. The routes validate with
 * these schemas; the server's ledger.ts and the routes take their answer types from here.
 */

const id = z.number().int()
const count = z.number().int().nonnegative()
const id32 = z.number().int().min(1).max(2147483647)
const queryId32 = z.coerce.number().int().positive().max(2147483647)
/** A time not later than an hour from now (clock skew), for reports and logs. */
export const notFuture = (iso: string) => Date.parse(iso) <= Date.now() + 3_600_000

// ── Volunteers' points ──────────────────────────────────────────────────────────────────────

export const activityBody = z.strictObject({
  kind: z.string().min(1).max(40).describe('a point rule kind (GET /api/point-rules)'),
  quantity: z.number().int().min(1).max(1000).describe("in the rule's unit, at most its max_quantity"),
  heldAt: z.iso.datetime({ offset: true }).refine((d) => Date.parse(d) <= Date.now() + 3_600_000, 'heldAt lies in the future').optional(),
  note: z.string().max(500).optional(),
})
export const activityRecord = z.strictObject({
  id,
  volunteer_id: id,
  kind: z.string(),
  quantity: z.number().int().positive(),
  points_per_unit: z.number().int().positive().describe('the rate of the rule when it was recorded'),
  points: z.number().int().positive(),
  held_at: z.string(),
  note: z.string(),
  recorded_by: z.string(),
})
export const activityRecorded = z.strictObject({ record: activityRecord, balance: z.number().int().describe("the volunteer's balance after it") })

export const leaderboardQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(20) })
export const leaderboardAnswer = z.strictObject({
  org: z.strictObject({ id, name: z.string(), kind: z.string() }),
  leaderboard: z
    .array(z.strictObject({ rank: z.number().int().positive(), id, name: z.string(), earned: count, balance: z.number().int() }))
    .describe('by points earned, most first (redeeming does not lower a rank; ties share one)'),
})

export const pointRuleBody = z.strictObject({
  version: bodyId(),
  pointsPerUnit: z.number().int().min(1).max(1000).optional(),
  maxQuantity: z.number().int().min(1).max(1000).optional(),
  label: z.string().trim().min(1).max(100).optional(),
})
/** The rule after the change. */
export const pointRuleChanged = pointRule

export const shopItemBody = z.strictObject({ name: z.string().trim().min(1).max(100), price: z.number().int().min(1).max(100000), stock: z.number().int().min(0).max(1000000) })
export const shopItemCreated = z.strictObject({ id, name: z.string(), price: z.number().int().positive(), stock: count, active: z.boolean() })

export const redemptionBody = z.strictObject({
  volunteerId: z.number().int().min(1).max(2147483647),
  itemId: z.number().int().min(1).max(2147483647),
  quantity: z.number().int().min(1).max(100).default(1),
})
export const redemptionAnswer = z.strictObject({
  redemption: z.strictObject({
    id,
    volunteer_id: id,
    item: z.string().describe("the item's name"),
    item_id: id,
    quantity: z.number().int().positive(),
    points: z.number().int().positive(),
    redeemed_at: z.string(),
    recorded_by: z.string(),
  }),
  balance: z.number().int().describe("the volunteer's balance after it"),
  stock: count.describe("the item's stock after it"),
})

// ── Ten-household units' reports ────────────────────────────────────────────────────────────

export const SUSPICIOUS_CATEGORIES = ['stranger', 'vehicle', 'fraud', 'theft', 'other'] as const
export const REPORT_KINDS = ['dispute', 'hazard', 'suspicious'] as const

const when = z.iso.datetime({ offset: true }).refine(notFuture, 'reportedAt lies in the future').optional()
const description = z.string().max(1000).optional()
export const householdReportBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('dispute'), category: z.enum(DISPUTE_CATEGORIES), parties: z.number().int().min(1).max(500).optional(), description, reportedAt: when }),
  z.strictObject({ kind: z.literal('hazard'), category: z.enum(HAZARD_CATEGORIES), description, reportedAt: when }),
  z.strictObject({ kind: z.literal('suspicious'), category: z.enum(SUSPICIOUS_CATEGORIES), description, reportedAt: when }),
])

/** A report row as stored. */
/** A unit's report: what the stored row and the unit's list both carry. */
const reportShape = {
  id,
  code: z.string(),
  household_unit_id: id,
  kind: z.enum(REPORT_KINDS),
  dispute_id: id.nullable(),
  hazard_id: id.nullable(),
  grid_id: id.nullable(),
  description: z.string(),
  reported_at: z.string(),
  recorded_by: z.string(),
}
export const householdReportStored = z.strictObject({
  ...reportShape,
  suspicious_category: z.enum(SUSPICIOUS_CATEGORIES).nullable(),
  suspicious_status: z.enum(['open', 'forwarded', 'closed']).nullable(),
  created_at: z.string(),
  district_code: z.string(),
})
export const householdReportCreated = z.strictObject({
  report: householdReportStored,
  feature: storedFeature.nullable().describe('the dispute or hazard feature the report became (null for a suspicious-activity report)'),
})

export const householdReportRow = z.strictObject({
  ...reportShape,
  category: z.string().describe('of the dispute or hazard it became, or of the suspicious activity'),
  status: z.string().describe('of the dispute or hazard it became, or of the suspicious-activity report'),
})
export const householdUnitReports = z.strictObject({
  unit: z.strictObject({ id, code: z.string(), name: z.string(), lead_name: z.string(), households: count, grid_id: id.nullable(), reports: count }),
  reports: z.array(householdReportRow).describe('newest first'),
})

export const householdReportCountsQuery = z
  .strictObject({
    by: z.enum(['grid', 'unit']).default('grid').describe('a row per grid cell (every cell in scope, zeros too) or per unit that reported'),
    grid: queryId32.optional(),
    station: queryId32.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(1000),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] })

const tally = { dispute: count, hazard: count, suspicious: count, total: count }
export const gridReportCount = z.strictObject({ grid_id: id, code: z.string(), name: z.string(), station_id: id, ...tally })
export const unitReportCount = z.strictObject({ household_unit_id: id, code: z.string(), name: z.string(), lead_name: z.string(), grid_id: id, ...tally })
export const householdReportCounts = z
  .strictObject({
    by: z.enum(['grid', 'unit']),
    totals: z.strictObject({ ...tally, units: count.describe('units that reported') }),
    rows: z.array(z.union([gridReportCount, unitReportCount])).describe('by=grid: grid cells; by=unit: units; most reports first'),
  })
  .refine((a) => a.rows.every((r) => ('grid_id' in r && 'station_id' in r) === (a.by === 'grid')), 'by=grid answers grid cell rows, by=unit unit rows')

// ── Mediation ───────────────────────────────────────────────────────────────────────────────

export const AGENCIES = ['police', 'court', 'justice', 'petition', 'people_mediator', 'village_committee'] as const
export const OUTCOMES = ['agreement', 'no_agreement', 'referred'] as const

export const mediationParticipant = z.strictObject({ agency: z.enum(AGENCIES), name: z.string().trim().min(1).max(50), role: z.string().max(50).optional() })
export const openCaseBody = z.strictObject({
  disputeId: id32,
  roomId: id32.optional().describe("else the dispute's own room, else the nearest"),
  version: id32.optional().describe("the dispute's version (else its current one)"),
  note: z.string().max(1000).optional(),
  participants: z.array(mediationParticipant).max(20).optional(),
})
export const closeCaseBody = z.strictObject({
  outcome: z.enum(OUTCOMES),
  closedAt: z.iso.datetime({ offset: true }).refine(notFuture, 'closedAt lies in the future').optional(),
  sessions: z.number().int().min(1).max(100).optional(),
  note: z.string().max(1000).optional(),
})
export const mediationCasesQuery = z.strictObject({
  status: z.enum(['open', 'closed']).optional(),
  room: queryId32.optional(),
  dispute: queryId32.optional(),
  station: queryId32.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: queryOffset().default(0).describe("the previous page's next"),
})

export const mediationCase = z.strictObject({
  id,
  dispute_id: id,
  dispute_code: z.string(),
  dispute_status: z.string(),
  category: z.string(),
  grid_id: id.nullable(),
  room_id: id,
  room_name: z.string(),
  opened_at: z.string(),
  closed_at: z.string().nullable(),
  outcome: z.enum(OUTCOMES).nullable(),
  sessions: z.number().int().nonnegative(),
  note: z.string(),
  opened_by: z.string(),
  closed_by: z.string().nullable(),
  duration_hours: z.number().nullable().describe('opened to closed (null while open)'),
  joint: z.boolean().describe('the police and at least one of court, justice bureau, petition office sit on it (公安+法院+司法+信访)'),
  participants: z.array(z.strictObject({ agency: z.enum(AGENCIES), name: z.string(), role: z.string() })),
})
export const mediationCasesAnswer = z.strictObject({
  summary: z.strictObject({
    cases: count,
    open: count,
    agreement: count,
    no_agreement: count,
    referred: count,
    joint: count,
    avg_days_closed: z.number().nullable().describe('of the closed cases (null when none)'),
  }),
  cases: z.array(mediationCase),
  next: id.nullable().describe('after= for the next page (null on the last)'),
})

// ── Coordination meetings ───────────────────────────────────────────────────────────────────

/** 月例会 (station–town, monthly), 周研判 (office with the community committees, weekly), 日沟通 (officer–grid worker, daily). */
export const MEETING_KINDS = ['station_town', 'community_weekly', 'grid_daily'] as const
export const ISSUE_CATEGORIES = ['dispute', 'hazard', 'public_order', 'traffic', 'flood', 'service', 'other'] as const

export const meetingBody = z
  .strictObject({
    kind: z.enum(MEETING_KINDS),
    heldAt: z.iso.datetime({ offset: true }).refine(notFuture, 'heldAt lies in the future'),
    stationId: id32.optional(),
    areaCode: z.string().regex(/^\d{6,12}$/, 'an administrative area code').optional(),
    gridId: id32.optional(),
    attendees: z.number().int().min(2).max(200),
    summary: z.string().max(2000).optional(),
    raised: z.array(z.strictObject({ title: z.string().trim().min(1).max(200), category: z.enum(ISSUE_CATEGORIES) })).max(50).default([]).describe('issues raised at it'),
    resolves: z.array(id32).max(50).default([]).describe('open issues of its station it resolved'),
  })
  .refine((b) => b.kind !== 'grid_daily' || b.gridId !== undefined, { message: 'a daily contact names its grid cell (gridId)', path: ['gridId'] })
  .refine((b) => b.kind === 'grid_daily' || (b.stationId !== undefined && b.areaCode !== undefined), { message: 'a monthly or weekly meeting names its stationId and areaCode', path: ['stationId'] })
  .refine((b) => new Set(b.resolves).size === b.resolves.length, { message: 'an issue is listed twice', path: ['resolves'] })

const period = {
  station: queryId32.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
}
export const meetingsQuery = z.strictObject({
  kind: z.enum(MEETING_KINDS).optional(),
  ...period,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: z.coerce.number().int().min(0).default(0).describe("the previous page's next"),
})
export const issuesQuery = z.strictObject({ status: z.enum(['open', 'resolved']).optional(), ...period })

const issueCategory = z.enum(ISSUE_CATEGORIES)
export const meetingRow = z.strictObject({
  id,
  kind: z.enum(MEETING_KINDS),
  held_at: z.string(),
  station_id: id,
  station_name: z.string(),
  area_code: z.string().nullable(),
  area_name: z.string().nullable(),
  grid_id: id.nullable(),
  attendees: z.number().int().positive(),
  summary: z.string(),
  recorded_by: z.string(),
  raised: z.array(z.strictObject({ id, title: z.string(), category: issueCategory, resolved_at: z.string().nullable() })).describe('issues raised at it'),
  resolved: z.array(z.strictObject({ id, title: z.string(), category: issueCategory, raised_in: id })).describe('issues it resolved'),
})
export const meetingsAnswer = z.strictObject({
  summary: z.array(z.strictObject({ kind: z.enum(MEETING_KINDS), meetings: count, attendees: count, raised: count, resolved: count })).describe('per kind of meeting'),
  meetings: z.array(meetingRow),
  next: id.nullable().describe('after= for the next page (null on the last)'),
})
export const meetingCreated = z.strictObject({
  id,
  kind: z.enum(MEETING_KINDS),
  held_at: z.string(),
  station_id: id,
  area_code: z.string().nullable(),
  grid_id: id.nullable(),
  attendees: z.number().int().positive(),
  summary: z.string(),
  recorded_by: z.string(),
  created_at: z.string(),
  issues: z.array(z.strictObject({ id, title: z.string(), category: issueCategory, raised_in: id, resolved_in: id.nullable() })).describe('the issues it raised and resolved'),
})
export const issuesAnswer = z.strictObject({
  raised: count,
  resolved: count,
  open: count,
  issues: z
    .array(
      z.strictObject({
        id,
        title: z.string(),
        category: issueCategory,
        raised_in: id,
        raised_at_kind: z.enum(MEETING_KINDS),
        raised_at: z.string(),
        station_id: id,
        resolved_in: id.nullable(),
        resolved_at: z.string().nullable(),
      }),
    )
    .describe('by when they were raised'),
})

export type ActivityRequest = z.output<typeof activityBody>
export type ActivityRecorded = z.output<typeof activityRecorded>
export type LeaderboardAnswer = z.output<typeof leaderboardAnswer>
export type ShopItemCreated = z.output<typeof shopItemCreated>
export type RedemptionRequest = z.output<typeof redemptionBody>
export type RedemptionAnswer = z.output<typeof redemptionAnswer>
export type HouseholdReportCreated = z.output<typeof householdReportCreated>
export type HouseholdUnitReports = z.output<typeof householdUnitReports>
export type HouseholdReportCounts = z.output<typeof householdReportCounts>
export type MediationParticipant = z.output<typeof mediationParticipant>
export type MediationCase = z.output<typeof mediationCase>
export type MediationCasesAnswer = z.output<typeof mediationCasesAnswer>
export type MeetingsAnswer = z.output<typeof meetingsAnswer>
export type MeetingCreated = z.output<typeof meetingCreated>
export type IssuesAnswer = z.output<typeof issuesAnswer>
