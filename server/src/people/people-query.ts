import type { Person, PersonCard, PersonCell } from '../contract/people.ts'
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { dbStep } from '../analysis/hex-db.ts'
import { PERSON_ROLES, personKey, type CellDuty, type PersonKey, type PersonKind, type PersonRole } from './person-key.ts'
import { unitAndBelow, type PeopleViewer } from './people-scope.ts'

/** The directory's rows as the API shows them (server/src/contract/people.ts): `phone` and `badge` only to the roles that see them. */
export type { Person, PersonCard, PersonCell } from '../contract/people.ts'

interface PersonDbRow {
  kind: PersonKind
  ref_id: number
  name: string
  role: PersonRole
  org_name: string | null
  phone: string | null
  badge: string | null
  unit_id: number | null
  unit_name: string | null
  unit_kind: string | null
  station_id: number | null
  station_name: string | null
  station_phone: string | null
  cells: PersonCell[] | string
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v)

/**
 * The columns of one person, from `people p` joined to its unit `u` and station `st`:
 * `p.kind, p.ref_id, p.name, p.role, p.org_name, p.phone|NULL, p.badge|NULL, u.*, st.*,
 *  (SELECT json_agg(cell) FROM person_cells c JOIN grid_cells g … WHERE c.kind = p.kind AND c.ref_id = p.ref_id) AS cells`
 */
function personColumns(viewer: PeopleViewer): RawBuilder<unknown> {
  return sql`p.kind, p.ref_id, p.name, p.role, p.org_name,
    ${viewer.seesPhones ? sql`p.phone, p.badge` : sql`NULL::text AS phone, NULL::text AS badge`},
    u.id AS unit_id, u.name AS unit_name, u.kind AS unit_kind,
    st.id AS station_id, st.name AS station_name, st.phone AS station_phone,
    (SELECT coalesce(json_agg(json_build_object('id', g.id, 'code', g.code, 'name', g.name, 'duty', c.duty) ORDER BY g.code, c.duty), '[]'::json)
       FROM person_cells c JOIN grid_cells g ON g.id = c.grid_id WHERE c.kind = p.kind AND c.ref_id = p.ref_id) AS cells`
}

const PEOPLE_FROM = sql`people p
  LEFT JOIN police_units u ON u.id = p.unit_id
  LEFT JOIN police_units st ON st.id = CASE WHEN u.kind = 'office' THEN u.parent_id ELSE u.id END`

function toPerson(r: PersonDbRow, viewer: PeopleViewer): Person {
  return {
    id: personKey(r.kind, r.ref_id),
    kind: r.kind,
    name: r.name,
    role: r.role,
    org: r.org_name,
    unit: r.unit_id === null ? null : { id: r.unit_id, name: r.unit_name!, kind: r.unit_kind! },
    station: r.station_id === null ? null : { id: r.station_id, name: r.station_name!, phone: r.station_phone },
    ...(viewer.seesPhones ? { phone: r.phone, badge: r.badge } : {}),
    cells: json(r.cells),
  }
}

export interface PeopleFilter {
  /** Name contains (Chinese), matched in SQL. */
  name?: string
  /** Only these people (the pinyin index's matches for a Latin query). */
  keys?: readonly PersonKey[]
  role?: PersonRole
  /** A police unit: its people and those of every unit under it. */
  unit?: number
  /** A grid cell: the people answering for it. */
  cell?: number
  limit: number
  offset: number
}

/** `(p.kind, p.ref_id) IN (SELECT * FROM unnest('{officer,…}'::text[], '{125,…}'::int[]))` */
export function inKeys(keys: readonly PersonKey[], alias = 'p'): RawBuilder<boolean> {
  if (keys.length === 0) return sql<boolean>`false`
  return sql<boolean>`(${sql.ref(`${alias}.kind`)}, ${sql.ref(`${alias}.ref_id`)}) IN (SELECT k, i FROM unnest(${keys.map((k) => k.kind)}::text[], ${keys.map((k) => k.id)}::int[]) AS x(k, i))`
}

/** The directory within the viewer's scope, filtered, in role order (community officers first), then by name. */
export async function listPeople(db: Kysely<any>, viewer: PeopleViewer, f: PeopleFilter): Promise<{ total: number; people: Person[] }> {
  const where = sql.join(
    [
      viewer.where,
      f.name ? sql`strpos(p.name, ${f.name}) > 0` : sql`true`,
      f.keys ? inKeys(f.keys) : sql`true`,
      f.role ? sql`p.role = ${f.role}` : sql`true`,
      f.unit !== undefined ? sql`p.unit_id IN ${unitAndBelow(f.unit)}` : sql`true`,
      f.cell !== undefined ? sql`(p.kind, p.ref_id) IN (SELECT c.kind, c.ref_id FROM person_cells c WHERE c.grid_id = ${f.cell})` : sql`true`,
    ],
    sql` AND `,
  )
  return dbStep('reading the people directory', async () => {
    const [rows, total] = await Promise.all([
      sql<PersonDbRow>`SELECT ${personColumns(viewer)} FROM ${PEOPLE_FROM} WHERE ${where}
        ORDER BY array_position(${[...PERSON_ROLES]}::text[], p.role), p.name, p.kind, p.ref_id
        LIMIT ${f.limit} OFFSET ${f.offset}`.execute(db),
      sql<{ n: number }>`SELECT count(*)::int AS n FROM people p WHERE ${where}`.execute(db),
    ])
    return { total: total.rows[0]!.n, people: rows.rows.map((r) => toPerson(r, viewer)) }
  })
}

/** The people among `keys` the viewer may see, in the order of `keys`. */
export async function peopleByKeys(db: Kysely<any>, viewer: PeopleViewer, keys: readonly PersonKey[]): Promise<Person[]> {
  if (keys.length === 0) return []
  const r = await dbStep('reading people', () =>
    sql<PersonDbRow>`SELECT ${personColumns(viewer)} FROM ${PEOPLE_FROM} WHERE ${viewer.where} AND ${inKeys(keys)}`.execute(db),
  )
  const byKey = new Map(r.rows.map((row) => [personKey(row.kind, row.ref_id), toPerson(row, viewer)]))
  return keys.flatMap((k) => byKey.get(personKey(k.kind, k.id)) ?? [])
}

/** One person's card, or null when there is none the viewer may see (the caller answers 404). */
export async function readPerson(db: Kysely<any>, viewer: PeopleViewer, key: PersonKey): Promise<PersonCard | null> {
  const person = await dbStep('reading the person', async () => {
    const r = await sql<PersonDbRow & { lon: number | null; lat: number | null }>`
      SELECT ${personColumns(viewer)}, ST_X(u.geom) AS lon, ST_Y(u.geom) AS lat
      FROM ${PEOPLE_FROM} WHERE p.kind = ${key.kind} AND p.ref_id = ${key.id} AND ${viewer.where}`.execute(db)
    return r.rows[0]
  })
  if (!person) return null
  const cells = await dbStep('reading the person\u2019s grid cells', async () => {
    const r = await sql<{ features: unknown[] | string; bbox: [number, number, number, number] | string | null }>`
      SELECT coalesce(json_agg(json_build_object('type', 'Feature', 'id', g.id, 'geometry', ST_AsGeoJSON(g.geom, 6)::json,
               'properties', json_build_object('id', g.id, 'code', g.code, 'name', g.name, 'duty', c.duty, 'community', a.name)) ORDER BY g.code), '[]'::json) AS features,
             CASE WHEN count(*) > 0 THEN json_build_array(ST_XMin(ST_Extent(g.geom)), ST_YMin(ST_Extent(g.geom)), ST_XMax(ST_Extent(g.geom)), ST_YMax(ST_Extent(g.geom))) END AS bbox
      FROM person_cells c JOIN grid_cells g ON g.id = c.grid_id LEFT JOIN admin_areas a ON a.code = g.community_code
      WHERE c.kind = ${key.kind} AND c.ref_id = ${key.id}`.execute(db)
    return r.rows[0]!
  })
  return {
    ...toPerson(person, viewer),
    unit_point: person.lon === null || person.lat === null ? null : [person.lon, person.lat],
    cells_geojson: { type: 'FeatureCollection', features: json(cells.features) as PersonCard['cells_geojson']['features'] },
    bbox: cells.bbox === null ? null : json(cells.bbox),
  }
}
