import { z } from 'zod'
import { EVENT_FIGURES, SEASON_NAMES, STANDING_FIGURES } from './dashboard-figures.ts'

/**
 * The community dashboard (server/src/community/dashboard.ts): the story's figures computed live;
 * the client's dashboard/dashboard-api.ts takes its types from here (and its lists of figures from
 * dashboard-figures.ts), the server's dashboard.ts its answer type.
 */
export { EVENT_FIGURES, STANDING_FIGURES, type EventFigure, type StandingFigure } from './dashboard-figures.ts'

const count = z.number().int().nonnegative()
const countsOf = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, count])) as Record<K, typeof count>

/** A date (a Beijing day: from its start) or an RFC 3339 instant. */
const instant = z.union([
  z.iso.date().transform((d) => new Date(`${d}T00:00:00+08:00`).toISOString()),
  z.iso.datetime({ offset: true }).transform((d) => new Date(d).toISOString()),
])

export const dashboardQuery = z
  .strictObject({
    district: z.string().regex(/^\d{6}$/, 'a 6-digit district code').optional().describe('a district (区/县) code'),
    station: z.coerce.number().int().positive().max(2147483647).optional().describe('a police station id'),
    from: instant.optional().describe('a Beijing date (from its start) or an RFC 3339 instant; the events only, not the standing figures'),
    to: instant.optional().describe('the same, exclusive'),
    format: z.enum(['json', 'csv']).default('json').describe('csv: section, key, figure, figure_name, value (one row per number of the JSON)'),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] })

const events = countsOf(EVENT_FIGURES)
const standing = countsOf(STANDING_FIGURES)
const district = z.strictObject({ code: z.string(), name: z.string() })

export const dashboardFigures = z.strictObject({
  totals: z.strictObject({ ...standing, ...events, volunteers_redeemed: count }),
  by_month: z.array(z.strictObject({ month: z.string().regex(/^\d{4}-\d{2}$/).describe('YYYY-MM in Beijing time'), ...events })).describe('months with events, in order'),
  by_season: z.array(z.strictObject({ season: z.enum(SEASON_NAMES), ...events })).describe('the four seasons, spring first'),
  by_category: z.strictObject(Object.fromEntries(EVENT_FIGURES.map((f) => [f, z.record(z.string(), count)])) as Record<(typeof EVENT_FIGURES)[number], z.ZodRecord<z.ZodString, typeof count>>),
  per_district: z.array(z.strictObject({ code: z.string(), name: z.string(), ...standing, ...events })).describe('every district (the one asked for with district=)'),
  districts: z.array(district).describe('every district of the city (the filter’s choices)'),
})
export const dashboardAnswer = z.strictObject({
  filter: z
    .strictObject({ district: z.string().optional(), station: z.number().int().optional(), from: z.string().optional(), to: z.string().optional() })
    .describe('the filter applied (from and to as UTC instants)'),
  ...dashboardFigures.shape,
})

export type DashboardFigures = z.output<typeof dashboardFigures>
export type DashboardAnswer = z.output<typeof dashboardAnswer>
export type DashboardFilter = z.output<typeof dashboardAnswer>['filter']
