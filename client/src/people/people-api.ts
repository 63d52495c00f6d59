import type { FeatureCollection } from 'geojson'
import { ApiError, getJson } from '../api/client.ts'

/** server/src/people/person-key.ts */
export type PersonRole = 'community_officer' | 'auxiliary' | 'grid_worker' | 'patrol_officer' | 'traffic_officer' | 'leader' | 'militia_contact' | 'volunteer_lead'
export type CellDuty = 'community_officer' | 'auxiliary' | 'grid_worker' | 'militia'

/** One person of the directory (`GET /api/people`, server/src/people/people-query.ts); phone and badge only for police roles. */
export interface Person {
  id: string
  kind: 'officer' | 'militia' | 'volunteer'
  name: string
  role: PersonRole
  org: string | null
  unit: { id: number; name: string; kind: string } | null
  station: { id: number; name: string; phone: string | null } | null
  phone?: string | null
  badge?: string | null
  cells: Array<{ id: number; code: string; name: string; duty: CellDuty }>
}

export interface PersonCard extends Person {
  unit_point: [number, number] | null
  cells_geojson: FeatureCollection
  bbox: [number, number, number, number] | null
}

export interface PeoplePage {
  total: number
  people: Person[]
  next: number | null
}

/** `GET /api/search` (server/src/search/search-details.ts). */
export interface SearchResult {
  kind: 'place' | 'unit' | 'grid' | 'school' | 'room' | 'person'
  id: number | string
  layer: string | null
  name: string
  code: string | null
  type: string | null
  context: string[]
  bbox: [number, number, number, number] | null
  point: [number, number] | null
}

/** A roster's rejected row (`POST /api/people/import` answering 422 import_rejected). */
export interface RejectedRow {
  row: number
  reason: string
  problems: Array<{ code: string; params?: Record<string, string | number>; message: string }>
}

export interface ImportReport {
  imported: number
  created: number
  updated: number
  people: string[]
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export const peopleApi = {
  list: (params: Record<string, string>, signal?: AbortSignal) => getJson<PeoplePage>(`/api/people?${new URLSearchParams(params)}`, signal ? { signal } : {}),
  card: (key: string, signal?: AbortSignal) => getJson<PersonCard>(`/api/people/${encodeURIComponent(key)}`, signal ? { signal } : {}),
  search: (q: string, signal?: AbortSignal) => getJson<{ q: string; results: SearchResult[] }>(`/api/search?${new URLSearchParams({ q, limit: '12' })}`, signal ? { signal } : {}),
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
