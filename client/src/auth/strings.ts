/** UI strings of the auth views, merged into i18n.ts (zh first; both languages must have every key). */
export const AUTH_ZH = {
} as const

export const AUTH_EN: Record<keyof typeof AUTH_ZH, string> = {
}
