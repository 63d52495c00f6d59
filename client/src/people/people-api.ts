/**
 * The answers' types come from the API's contract (server/src/contract/people.ts), as types only:
 * nothing of the server is bundled.
 */
import type { ImportReport, PeoplePage, Person, PersonCard, PersonCell, SearchAnswer } from '../../../server/src/contract/people.ts'
import { ApiError, getJson } from '../api/client.ts'
export type { ImportReport, PeoplePage, Person, PersonCard, RejectedRow, SearchResult } from '../../../server/src/contract/people.ts'

/** server/src/people/person-key.ts */
export type PersonRole = Person['role']
export type CellDuty = PersonCell['duty']

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export const peopleApi = {
  list: (params: Record<string, string>, signal?: AbortSignal) => getJson<PeoplePage>(`/api/people?${new URLSearchParams(params)}`, signal ? { signal } : {}),
  card: (key: string, signal?: AbortSignal) => getJson<PersonCard>(`/api/people/${encodeURIComponent(key)}`, signal ? { signal } : {}),
  search: (q: string, signal?: AbortSignal) => getJson<SearchAnswer>(`/api/search?${new URLSearchParams({ q, limit: '12' })}`, signal ? { signal } : {}),
  /** A roster file as it is: XLSX by its bytes, anything else as CSV text. */
  async importRoster(file: File): Promise<ImportReport> {
    const xlsx = /\.xlsx$/i.test(file.name) || file.type === XLSX
    return getJson<ImportReport>('/api/people/import', {
      method: 'POST',
      headers: { 'content-type': xlsx ? XLSX : 'text/csv' },
      body: xlsx ? await file.arrayBuffer() : await file.text(),
    })
  },
}

const names = new Map<string, Promise<Person | null>>()
let batch: Map<string, Array<(p: Person | null) => void>> | null = null

/**
 * A person of the directory by key, for showing a name: asked for together with the others
 * asked for in the same moment (one `GET /api/people?ids=`), and remembered for the page's
 * life. Null for someone the account may not see.
 */
export function personByKey(key: string): Promise<Person | null> {
  let p = names.get(key)
  if (p) return p
  p = new Promise<Person | null>((resolve) => {
    if (!batch) {
      batch = new Map()
      queueMicrotask(flush)
    }
    batch.set(key, [...(batch.get(key) ?? []), resolve])
  })
  names.set(key, p)
  return p
}

function flush(): void {
  const waiting = batch!
  batch = null
  const keys = [...waiting.keys()]
  for (let i = 0; i < keys.length; i += 100) {
    const part = keys.slice(i, i + 100)
    peopleApi
      .list({ ids: part.join(','), limit: String(part.length) })
      .then((page) => {
        const found = new Map(page.people.map((x) => [x.id, x]))
        for (const k of part) for (const resolve of waiting.get(k)!) resolve(found.get(k) ?? null)
      })
      .catch((err: unknown) => {
        // Not remembered: the next popup asks again.
        for (const k of part) names.delete(k)
        for (const k of part) for (const resolve of waiting.get(k)!) resolve(null)
        if (!(err instanceof ApiError)) console.warn('people: cannot read names', err)
      })
  }
}

/** Forget remembered people (a roster was imported). */
export function forgetPeople(): void {
  names.clear()
}
