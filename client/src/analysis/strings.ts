/** UI strings of the analysis views, merged into i18n.ts (zh first; both languages must have every key). */
export const ANALYSIS_ZH = {
} as const

export const ANALYSIS_EN: Record<keyof typeof ANALYSIS_ZH, string> = {
}
