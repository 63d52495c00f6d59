import type { ExpressionSpecification } from 'maplibre-gl'

/**
 * What grid cells can be coloured by: catalog properties every grid-cell tile carries, and
 * counts the tiles do not carry (they change with every report), which come from
 * `GET /api/stats/grid-cells` as feature state (analysis/grid-cell-stats.ts).
 */
export const MEASURES = ['none', 'households', 'population', 'open_hazards', 'disputes'] as const
export type Measure = (typeof MEASURES)[number]
export const STATE_MEASURES: ReadonlySet<Measure> = new Set(['open_hazards', 'disputes'])

export function isMeasure(x: unknown): x is Measure {
  return typeof x === 'string' && (MEASURES as readonly string[]).includes(x)
}

/**
 * Class breaks near the demo city's quantiles (households: 10 % ≈ 230, median ≈ 600,
 * 90 % ≈ 1550; population about 2.5× that), rounded so the legend reads easily.
 */
const BREAKS: Record<Exclude<Measure, 'none'>, readonly number[]> = {
  households: [300, 500, 800, 1200, 1600],
  population: [800, 1300, 2000, 3000, 4000],
  // Demo city: open hazards per cell median 2, 90 % ≈ 5; disputes (all) 75 % ≈ 1, max ≈ 5.
  open_hazards: [1, 2, 3, 5, 8],
  disputes: [1, 2, 3, 4, 6],
}

/** Sequential, dark-background friendly: deep blue → teal → yellow. */
export const CLASS_COLORS = ['#1b3560', '#1f5f8f', '#2590a8', '#3dbd9f', '#9bd97f', '#f7e36a'] as const

export interface LegendClass {
  color: string
  from: number | null
  to: number | null
}

export function legendClasses(measure: Exclude<Measure, 'none'>): LegendClass[] {
  const b = BREAKS[measure]
  return CLASS_COLORS.map((color, i) => ({ color, from: i === 0 ? null : b[i - 1]!, to: i < b.length ? b[i]! : null }))
}

/**
 * A `step` expression over the measure; features without a catalog property get the first class.
 * A count that comes as feature state is only drawn where it came: an officer is sent the counts
 * of their own cells, and another's cell is left uncoloured rather than shown as nought.
 */
export function choroplethColor(measure: Exclude<Measure, 'none'>): ExpressionSpecification {
  const b = BREAKS[measure]
  const steps: Array<number | string> = []
  b.forEach((v, i) => steps.push(v, CLASS_COLORS[i + 1]!))
  if (!STATE_MEASURES.has(measure)) return ['step', ['to-number', ['get', measure], 0], CLASS_COLORS[0], ...steps] as ExpressionSpecification
  const value = ['feature-state', measure]
  return ['case', ['==', ['typeof', value], 'number'], ['step', ['to-number', value, 0], CLASS_COLORS[0], ...steps], 'rgba(0, 0, 0, 0)'] as unknown as ExpressionSpecification
}
