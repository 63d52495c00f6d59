import { z } from 'zod'
import { SEARCH_KINDS } from '../search/search-index.ts'
import { CELL_DUTIES, parsePersonKey, PERSON_KINDS, PERSON_ROLES } from '../people/person-key.ts'
import { queryId, queryOffset } from '../http/ints.ts'
import { feature, featureCollection, multiPolygonGeometry } from './geojson.ts'

/**
 * The people directory (server/src/people) and the search that finds people and places
 * (server/src/search); the client's people/people-api.ts takes its types from here, the server's
 * people-query.ts, roster-import.ts and search-details.ts their answer types.
 */

const count = z.number().int().nonnegative()
const id = z.number().int()
const bbox = z.tuple([z.number(), z.number(), z.number(), z.number()])
const lonLat = z.tuple([z.number(), z.number()])

export const peopleQuery = z.strictObject({
  q: z.string().max(50, 'q is at most 50 characters').optional().describe('part of the name (Chinese), or full pinyin or initials'),
  role: z.enum(PERSON_ROLES).optional(),
  unit: queryId().optional().describe('a police unit: its people and those of every unit under it'),
  cell: queryId().optional().describe('a grid cell: the people answering for it'),
  /** These people only (`officer:125,militia:214`): a popup naming several at once. */
  ids: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.string().refine((k) => parsePersonKey(k) !== null, 'a person is officer:ID, militia:ID or volunteer:ID')).max(100, 'at most 100 people'))
    .optional()
    .describe('these people only, comma-separated keys (officer:1,militia:2), at most 100'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: queryOffset().default(0),
})

export const personCell = z.strictObject({ id, code: z.string(), name: z.string(), duty: z.enum(CELL_DUTIES) })
const personShape = {
  id: z.string().describe('the directory key: officer:N, militia:N or volunteer:N'),
  kind: z.enum(PERSON_KINDS),
  name: z.string(),
  role: z.enum(PERSON_ROLES),
  org: z.string().nullable().describe('the militia or volunteer organisation they speak for'),
  unit: z.strictObject({ id, name: z.string(), kind: z.string() }).nullable(),
  station: z.strictObject({ id, name: z.string(), phone: z.string().nullable() }).nullable().describe("the station answering for them (an office's parent), with its duty phone"),
  phone: z.string().nullable().optional().describe('personal phone: police roles only (absent for a volunteer)'),
  badge: z.string().nullable().optional().describe('police roles only (absent for a volunteer)'),
  cells: z.array(personCell),
}
export const person = z.strictObject(personShape)
export const peopleAnswer = z.strictObject({
  total: count,
  people: z.array(person).describe('in role order (community officers first), then by name'),
  next: count.nullable().describe('offset= for the next page (null on the last)'),
})

export const personCellFeature = feature(
  multiPolygonGeometry,
  z.strictObject({ id, code: z.string(), name: z.string(), duty: z.enum(CELL_DUTIES), community: z.string().nullable() }),
)
export const personCard = z.strictObject({
  ...personShape,
  unit_point: lonLat.nullable().describe('where their unit is (null without a unit)'),
  cells_geojson: featureCollection(personCellFeature, {}),
  bbox: bbox.nullable().describe('of their cells (null without cells)'),
})

/** A roster as JSON (scripts); CSV (text/csv) and XLSX bodies carry the same columns. Checked row by row by people/roster-parse.ts. */
export const rosterBody = z.strictObject({
  rows: z
    .array(z.record(z.string(), z.union([z.string(), z.number(), z.null()])))
    .min(1)
    .describe('one object per person with the columns role, name, badge, unit (code or name), phone, org, cells (grid codes; Chinese headers too)'),
})
export const importReport = z.strictObject({
  imported: count,
  created: count,
  updated: count,
  people: z.array(z.string()).describe('the keys of the people written, in the roster order'),
})
export const importProblem = z.strictObject({
  code: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  message: z.string(),
})
/** A rejected row of a roster (`error.details.rejected` of the 422 import_rejected). */
export const rejectedRow = z.strictObject({ row: z.number().int().positive(), reason: z.string(), problems: z.array(importProblem) })

export const searchQuery = z.strictObject({
  q: z.string().max(50, 'q is at most 50 characters'),
  limit: z.coerce.number().int().min(1).max(50).default(12),
  kinds: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(SEARCH_KINDS)).min(1, 'kinds names at least one kind'))
    .optional()
    .describe(`comma-separated (${SEARCH_KINDS.join(', ')}); all when absent`),
})
export const searchResult = z.strictObject({
  kind: z.enum(SEARCH_KINDS),
  id: z.union([id, z.string()]).describe("a feature's row id, or a person's key (officer:125)"),
  layer: z.string().nullable().describe('the map layer whose popup opens for it (null for a person: their card opens)'),
  name: z.string(),
  code: z.string().nullable(),
  type: z.string().nullable().describe('the kind of a place (街道, 社区, 村…), unit, school or room; the role of a person'),
  context: z.array(z.string()).describe('names that place it, widest first'),
  bbox: bbox.nullable(),
  point: lonLat.nullable(),
})
export const searchAnswer = z.strictObject({ q: z.string().describe('as asked'), results: z.array(searchResult).describe('best first') })

export type PersonCell = z.output<typeof personCell>
export type Person = z.output<typeof person>
export type PeoplePage = z.output<typeof peopleAnswer>
export type PersonCard = z.output<typeof personCard>
export type ImportReport = z.output<typeof importReport>
export type ImportProblem = z.output<typeof importProblem>
export type RejectedRow = z.output<typeof rejectedRow>
export type SearchResult = z.output<typeof searchResult>
export type SearchAnswer = z.output<typeof searchAnswer>
