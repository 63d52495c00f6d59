import { sql, type RawBuilder } from 'kysely'

/**
 * One query per figure: the condition that makes a row count towards each headline figure whose
 * table is shared by several screens. `/api/stats` (stats/routes.ts) and the community dashboard
 * (community/dashboard.ts) both build their counts from these, so 化解矛盾纠纷 or 十户联防 cannot
 * mean one thing on the overview and another on the dashboard. Names: data/catalog/figures.ts.
 */
const col = (alias: string, column: string) => sql.ref(`${alias}.${column}`)

export const FIGURE_WHERE = {
  /** police_units */
  branches: (a: string): RawBuilder<boolean> => sql`${col(a, 'kind')} = 'branch'`,
  stations: (a: string): RawBuilder<boolean> => sql`${col(a, 'kind')} = 'station'`,
  community_police_offices: (a: string): RawBuilder<boolean> => sql`${col(a, 'kind')} = 'office'`,
  /** officers */
  community_officers: (a: string): RawBuilder<boolean> => sql`${col(a, 'role')} = 'community_officer'`,
  /** disputes */
  disputes_resolved: (a: string): RawBuilder<boolean> => sql`${col(a, 'status')} = 'resolved'`,
  household_unit_disputes: (a: string): RawBuilder<boolean> => sql`${col(a, 'source')} = 'household_unit'`,
  /** hazards */
  hazards_open: (a: string): RawBuilder<boolean> => sql`${col(a, 'status')} IN ('reported', 'verified', 'rectifying')`,
  hazards_eliminated: (a: string): RawBuilder<boolean> => sql`${col(a, 'status')} = 'eliminated'`,
} as const
