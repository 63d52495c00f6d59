import { sql, type Kysely, type RawBuilder } from 'kysely'
import { dbStep } from '../analysis/hex-db.ts'
import { intArray } from '../auth/layer-access.ts'
import { inKeys } from '../people/people-query.ts'
import { parsePersonKey, type PersonKey } from '../people/person-key.ts'
import type { PeopleViewer } from '../people/people-scope.ts'
import type { SearchKind } from './search-index.ts'
import type { SearchResult } from '../contract/people.ts'

/** One search result as the client shows it (server/src/contract/people.ts): what it is, its name, where it sits, and where it is on the map. */
export type { SearchResult } from '../contract/people.ts'

interface DetailRow {
  ref: string
  name: string
  code: string | null
  type: string | null
  context: Array<string | null> | string
  bbox: [number, number, number, number] | string | null
  lon: number | null
  lat: number | null
}

export const LAYER_OF: Record<Exclude<SearchKind, 'person'>, string> = {
  place: 'admin-areas',
  unit: 'police-units',
  grid: 'grid-cells',
  school: 'schools',
  room: 'mediation-rooms',
}

const box = (g: RawBuilder<unknown>) => sql`json_build_array(ST_XMin(${g}), ST_YMin(${g}), ST_XMax(${g}), ST_YMax(${g}))`

/** Per kind, the details of the rows `ids` (every column named as DetailRow). */
function detailSql(kind: Exclude<SearchKind, 'person'>, ids: RawBuilder<number[]>): RawBuilder<DetailRow> {
  switch (kind) {
    case 'place':
      return sql<DetailRow>`
        SELECT a.id::text AS ref, a.name, a.code, a.kind AS type, json_build_array(pp.name, p.name) AS context,
               ${box(sql`a.geom`)} AS bbox, ST_X(l.pt) AS lon, ST_Y(l.pt) AS lat
        FROM admin_areas a LEFT JOIN admin_areas p ON p.code = a.parent_code LEFT JOIN admin_areas pp ON pp.code = p.parent_code
        CROSS JOIN LATERAL (SELECT ST_PointOnSurface(a.geom) AS pt) l
        WHERE a.id = ANY(${ids})`
    case 'grid':
      return sql<DetailRow>`
        SELECT g.id::text AS ref, g.name, g.code, NULL::text AS type, json_build_array(v.name, st.name) AS context,
               ${box(sql`g.geom`)} AS bbox, ST_X(l.pt) AS lon, ST_Y(l.pt) AS lat
        FROM grid_cells g LEFT JOIN admin_areas v ON v.code = g.community_code LEFT JOIN police_units st ON st.id = g.station_id
        CROSS JOIN LATERAL (SELECT ST_PointOnSurface(g.geom) AS pt) l
        WHERE g.id = ANY(${ids})`
    case 'school':
      return sql<DetailRow>`
        SELECT s.id::text AS ref, s.name, NULL::text AS code, s.kind AS type, json_build_array(v.name, st.name) AS context,
               NULL::json AS bbox, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
        FROM schools s LEFT JOIN admin_areas v ON v.code = s.community_code LEFT JOIN police_units st ON st.id = s.station_id
        WHERE s.id = ANY(${ids})`
    case 'unit':
      return sql<DetailRow>`
        SELECT u.id::text AS ref, u.name, u.code, u.kind AS type, json_build_array(p.name) AS context,
               NULL::json AS bbox, ST_X(u.geom) AS lon, ST_Y(u.geom) AS lat
        FROM police_units u LEFT JOIN police_units p ON p.id = u.parent_id
        WHERE u.id = ANY(${ids})`
    case 'room':
      return sql<DetailRow>`
        SELECT m.id::text AS ref, m.name, NULL::text AS code, m.kind AS type, json_build_array(u.name) AS context,
               NULL::json AS bbox, ST_X(m.geom) AS lon, ST_Y(m.geom) AS lat
        FROM mediation_rooms m LEFT JOIN police_units u ON u.id = m.owner_unit_id
        WHERE m.id = ANY(${ids})`
    default:
      return kind satisfies never
  }
}

/** A person's details: role; organisation, unit and station; the extent of their cells, else their unit's place. */
function personSql(viewer: PeopleViewer, keys: readonly PersonKey[]): RawBuilder<DetailRow> {
  return sql<DetailRow>`
    SELECT p.kind || ':' || p.ref_id AS ref, p.name, NULL::text AS code, p.role AS type, json_build_array(p.org_name, u.name) AS context,
           (SELECT CASE WHEN e IS NOT NULL THEN ${box(sql`e`)} END FROM (
              SELECT ST_Extent(g.geom)::geometry AS e FROM person_cells c JOIN grid_cells g ON g.id = c.grid_id
              WHERE c.kind = p.kind AND c.ref_id = p.ref_id) x) AS bbox,
           ST_X(u.geom) AS lon, ST_Y(u.geom) AS lat
    FROM people p LEFT JOIN police_units u ON u.id = p.unit_id
    WHERE ${viewer.where} AND ${inKeys(keys)}`
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v)

/** The people among `refs` (keys, best first) that the viewer may see, in the same order. */
export async function visiblePeople(db: Kysely<any>, viewer: PeopleViewer, refs: readonly string[]): Promise<string[]> {
  const keys = refs.map(parsePersonKey).filter((k): k is PersonKey => k !== null)
  if (viewer.seesPhones || keys.length === 0) return keys.map((k) => `${k.kind}:${k.id}`)
  const r = await dbStep('choosing the people the caller may see', () =>
    sql<{ ref: string }>`SELECT p.kind || ':' || p.ref_id AS ref FROM people p WHERE ${viewer.where} AND ${inKeys(keys)}`.execute(db),
  )
  const visible = new Set(r.rows.map((x) => x.ref))
  return refs.filter((ref) => visible.has(ref))
}

/** The results for chosen entries (kind and ref), in the order given; rows gone meanwhile are left out. */
export async function searchDetails(db: Kysely<any>, viewer: PeopleViewer, chosen: ReadonlyArray<{ kind: SearchKind; ref: string }>): Promise<SearchResult[]> {
  const byKind = new Map<SearchKind, string[]>()
  for (const c of chosen) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c.ref])
  const found = new Map<string, SearchResult>()
  for (const [kind, refs] of byKind) {
    const rows = await dbStep(`reading the search results (${kind})`, async () => {
      if (kind === 'person') {
        const keys = refs.map(parsePersonKey).filter((k): k is PersonKey => k !== null)
        return (await personSql(viewer, keys).execute(db)).rows
      }
      return (await detailSql(kind, intArray(refs.map(Number))).execute(db)).rows
    })
    for (const r of rows) {
      found.set(`${kind}/${r.ref}`, {
        kind,
        id: kind === 'person' ? r.ref : Number(r.ref),
        layer: kind === 'person' ? null : LAYER_OF[kind],
        name: r.name,
        code: r.code,
        type: r.type,
        context: json(r.context).filter((c): c is string => typeof c === 'string' && c.length > 0),
        bbox: r.bbox === null ? null : json(r.bbox),
        point: r.lon === null || r.lat === null ? null : [r.lon, r.lat],
      })
    }
  }
  return chosen.flatMap((c) => found.get(`${c.kind}/${c.ref}`) ?? [])
}
