/** UI strings of the live views, merged into i18n.ts (zh first; both languages must have every key). */
export const LIVE_ZH = {
} as const

export const LIVE_EN: Record<keyof typeof LIVE_ZH, string> = {
}
