/**
 * The figures of the community dashboard (`GET /api/community/dashboard`). No imports: the client
 * bundles this file as it is (the rest of the contract reaches the client as types only).
 */

/** Counted events: each has a time, a category and a place (district, station). */
export const EVENT_FIGURES = [
  'disputes_resolved', 'household_unit_disputes', 'hazards', 'hazards_eliminated', 'river_patrols', 'redemptions', 'points_redeemed',
  // The mechanisms: ten-household units' reports (by kind), mediation cases opened (by outcome), issues resolved at coordination meetings (by category).
  'household_unit_reports', 'mediation_cases', 'issues_resolved',
] as const
export type EventFigure = (typeof EVENT_FIGURES)[number]

/**
 * Standing figures: what exists now (stations, people). Keys, names and conditions are those of
 * `/api/stats` (data/catalog/figures.ts, stats/figures.ts): 派出所 are the stations, 分局 the branches.
 */
export const STANDING_FIGURES = ['branches', 'stations', 'community_officers', 'volunteers'] as const
export type StandingFigure = (typeof STANDING_FIGURES)[number]

export const SEASON_NAMES = ['spring', 'summer', 'autumn', 'winter'] as const
