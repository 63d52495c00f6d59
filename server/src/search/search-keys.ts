import { pinyin } from 'pinyin-pro'

/**
 * The keys a name is found by: the name itself, its full pinyin without tones or spaces
 * (仙城分局 → "xianchengfenju") with where each syllable starts, and its initials ("xcfj").
 * pinyin-pro reads words in context (长寿 → "changshou"), and a person's name with the surname
 * reading (单 → "shan"). Characters that are not Chinese (digits, Latin letters) are kept as they
 * are, lower-cased, each its own "syllable".
 */
export interface NameKeys {
  name: string
  full: string
  /** Offsets in `full` where a syllable starts. */
  starts: number[]
  initials: string
}

const HAN = /\p{Script=Han}/u

export function nameKeys(name: string, asPerson = false): NameKeys {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true, ...(asPerson ? { surname: 'head' as const } : {}) })
    .map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .filter((s) => s.length > 0)
  let full = ''
  const starts: number[] = []
  let initials = ''
  for (const s of syllables) {
    starts.push(full.length)
    full += s
    initials += s[0]
  }
  return { name: name.toLowerCase(), full, starts, initials }
}

/** A query as typed, normalised: full-width forms folded (ｘｃ → xc), lower case, no spaces or apostrophes (xi'an). */
export function normaliseQuery(q: string): string {
  return q.normalize('NFKC').toLowerCase().replace(/[\s'’·]+/g, '')
}

export const hasHan = (s: string): boolean => HAN.test(s)

/**
 * How well `q` (normalised) finds a name: 0 for not at all; higher is better.
 * Chinese: the name equals (100), starts with (80), ends with (70) or contains (60) it. Latin: the full pinyin
 * or initials equal (98, 95; two initials only 75), start with (85, 75) it, the full pinyin contains it from a syllable
 * start (55), or the initials contain it (45; two letters or more). Codes are matched apart.
 */
export function nameScore(keys: NameKeys, q: string): number {
  if (!q) return 0
  if (hasHan(q)) {
    if (keys.name === q) return 100
    if (keys.name.startsWith(q)) return 80
    if (keys.name.endsWith(q)) return 70
    return keys.name.includes(q) ? 60 : 0
  }
  if (!/^[a-z0-9]+$/.test(q)) return keys.name.includes(q) ? 60 : 0
  if (keys.full === q) return 98
  // Two letters are the initials of a great many names: no better than a prefix.
  if (keys.initials === q) return q.length > 2 ? 95 : 75
  if (keys.full.startsWith(q)) return 85
  if (keys.initials.startsWith(q)) return 75
  for (let at = keys.full.indexOf(q); at >= 0; at = keys.full.indexOf(q, at + 1)) if (keys.starts.includes(at)) return 55
  if (q.length >= 2 && keys.initials.includes(q)) return 45
  return 0
}

/** A code (grid code, area code, unit code) matched by `q`: equal (100), or starting with it (70; four characters or more). */
export function codeScore(code: string | null, q: string): number {
  if (!code || !q) return 0
  const c = code.toLowerCase()
  if (c === q) return 100
  return q.length >= 4 && c.startsWith(q) ? 70 : 0
}
