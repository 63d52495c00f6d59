/**
 * The named values the API's answers carry, in the order the legends show them. No imports: the
 * client bundles this file as it is (the rest of the contract reaches the client as types only).
 */

/** Gi* classes of a hexagon bin by the significance of its z-score. */
export const GI_CLASSES = ['hot-99', 'hot-95', 'hot-90', 'not-significant', 'cold-90', 'cold-95', 'cold-99'] as const
export type GiClass = (typeof GI_CLASSES)[number]

/** Esri's emerging hot spot categories, in the order of its legend. */
export const EMERGING_CATEGORIES = [
  'new-hot',
  'consecutive-hot',
  'intensifying-hot',
  'persistent-hot',
  'diminishing-hot',
  'sporadic-hot',
  'oscillating-hot',
  'historical-hot',
  'new-cold',
  'consecutive-cold',
  'intensifying-cold',
  'persistent-cold',
  'diminishing-cold',
  'sporadic-cold',
  'oscillating-cold',
  'historical-cold',
  'no-pattern',
] as const
export type EmergingCategory = (typeof EMERGING_CATEGORIES)[number]
