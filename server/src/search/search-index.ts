import { sql, type Kysely } from 'kysely'
import { dbStep } from '../analysis/hex-db.ts'
import { codeScore, hasHan, nameKeys, nameScore, type NameKeys } from './search-keys.ts'

/** What the search box finds. */
export const SEARCH_KINDS = ['place', 'unit', 'grid', 'school', 'room', 'person'] as const
export type SearchKind = (typeof SEARCH_KINDS)[number]

/** The tables each kind reads its names from (their rows in `search_sources`, migration 0022, say when they changed). */
const SOURCES: Record<SearchKind, readonly string[]> = {
  place: ['admin_areas'],
  unit: ['police_units'],
  grid: ['grid_cells'],
  school: ['schools'],
  room: ['mediation_rooms'],
  person: ['officers', 'militia_orgs', 'volunteers', 'volunteer_orgs'],
}

/**
 * Names and codes of each kind: `ref` is the row id (a person: `kind:id`); `alias` a second name
 * it is known by: a unit's name without its superior's (辽源市公安局向阳分局 → 向阳分局).
 */
const LOADERS: Record<SearchKind, ReturnType<typeof sql<{ ref: string; name: string; alias: string | null; code: string | null }>>> = {
  place: sql`SELECT id::text AS ref, name, NULL::text AS alias, code FROM admin_areas`,
  unit: sql`SELECT u.id::text AS ref, u.name, CASE WHEN p.name IS NOT NULL AND u.name <> p.name AND left(u.name, length(p.name)) = p.name THEN substr(u.name, length(p.name) + 1) END AS alias, u.code
    FROM police_units u LEFT JOIN police_units p ON p.id = u.parent_id`,
  grid: sql`SELECT id::text AS ref, name, NULL::text AS alias, code FROM grid_cells`,
  school: sql`SELECT id::text AS ref, name, NULL::text AS alias, NULL::text AS code FROM schools`,
  room: sql`SELECT id::text AS ref, name, NULL::text AS alias, NULL::text AS code FROM mediation_rooms`,
  person: sql`SELECT kind || ':' || ref_id AS ref, name, NULL::text AS alias, NULL::text AS code FROM people`,
}

export interface IndexEntry {
  kind: SearchKind
  ref: string
  code: string | null
  /** The keys of its name, and of its alias if it has one. */
  keys: NameKeys[]
  /** The name as stored (the keys hold it lower-cased). */
  name: string
}

export interface Match {
  entry: IndexEntry
  score: number
}

/** Earlier kinds first when two matches score the same. */
const KIND_RANK: Record<SearchKind, number> = { place: 0, unit: 1, grid: 2, school: 3, room: 4, person: 5 }

/**
 * The names of everything the search box finds, with their pinyin keys, held in this server's
 * memory: the pinyin is computed once per name (pinyin-pro, a few thousand names in a few
 * hundred milliseconds), not per query. Each search first reads `search_sources` (one row per
 * table, bumped by a trigger on any change, whoever made it) and rebuilds the kinds whose tables
 * changed since they were built, so a renamed person or cell is found by its new name on the
 * very next search, on every server process. What a caller may see is decided afterwards, in
 * SQL (search-routes.ts): the index only proposes.
 */
export class SearchIndex {
  #entries = new Map<SearchKind, IndexEntry[]>()
  #built = new Map<SearchKind, string>()
  #building = new Map<SearchKind, Promise<void>>()

  constructor(private readonly db: Kysely<any>) {}

  /** Brings the given kinds up to date with the database. */
  async refresh(kinds: readonly SearchKind[]): Promise<void> {
    const versions = await dbStep('reading the search index versions', async () => {
      const r = await sql<{ source: string; v: string }>`SELECT source, version::text || '@' || changed_at::text AS v FROM search_sources`.execute(this.db)
      return new Map(r.rows.map((x) => [x.source, x.v]))
    })
    await Promise.all(
      kinds.map((kind) => {
        const stamp = SOURCES[kind].map((t) => versions.get(t) ?? '0').join('|')
        if (this.#built.get(kind) === stamp) return undefined
        let p = this.#building.get(kind)
        if (!p) {
          p = this.#load(kind, stamp).finally(() => this.#building.delete(kind))
          this.#building.set(kind, p)
        }
        return p
      }),
    )
  }

  async #load(kind: SearchKind, stamp: string): Promise<void> {
    // The stamp was read before the rows: a change committed in between is rebuilt next time.
    const rows = await dbStep(`reading the names to search (${kind})`, async () => (await LOADERS[kind].execute(this.db)).rows)
    const asPerson = kind === 'person'
    this.#entries.set(
      kind,
      rows.map((r) => ({ kind, ref: r.ref, code: r.code, name: r.name, keys: [nameKeys(r.name, asPerson), ...(r.alias ? [nameKeys(r.alias, asPerson)] : [])] })),
    )
    this.#built.set(kind, stamp)
  }

  /**
   * Every entry of `kinds` that `q` (normalised) finds, best first: score, then kind, then the
   * shorter name. At most `max` per kind.
   */
  match(q: string, kinds: readonly SearchKind[], max: number): Match[] {
    const han = hasHan(q)
    const out: Match[] = []
    for (const kind of kinds) {
      const found: Match[] = []
      for (const entry of this.#entries.get(kind) ?? []) {
        const score = Math.max(...entry.keys.map((k) => nameScore(k, q)), codeScore(entry.code, q))
        // Pinyin finds far more people than places: a place of the same sound comes first.
        if (score > 0) found.push({ entry, score: kind === 'person' && !han ? score - 10 : score })
      }
      out.push(...found.sort(byRank).slice(0, max))
    }
    return out.sort(byRank)
  }
}

const collator = new Intl.Collator('zh')

export function byRank(a: Match, b: Match): number {
  return b.score - a.score || KIND_RANK[a.entry.kind] - KIND_RANK[b.entry.kind] || a.entry.name.length - b.entry.name.length || collator.compare(a.entry.name, b.entry.name) || (a.entry.ref < b.entry.ref ? -1 : a.entry.ref > b.entry.ref ? 1 : 0)
}

const indexes = new WeakMap<Kysely<any>, SearchIndex>()

/** The one index of a database handle in this process (the search and people routes share it). */
export function searchIndexOf(db: Kysely<any>): SearchIndex {
  let index = indexes.get(db)
  if (!index) {
    index = new SearchIndex(db)
    indexes.set(db, index)
  }
  return index
}
