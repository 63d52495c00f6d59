import { t } from '../i18n.ts'

/** An elapsed time in the largest whole unit that fits (never negative: clocks can disagree slightly). */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return t('live.age.s', { n: s })
  if (s < 3600) return t('live.age.m', { n: Math.floor(s / 60) })
  if (s < 86400) return t('live.age.h', { n: Math.floor(s / 3600) })
  return t('live.age.d', { n: Math.floor(s / 86400) })
}
