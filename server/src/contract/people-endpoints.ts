import * as people from './people.ts'
import { JSON_TYPE, type Endpoint } from './endpoint.ts'

/** The people directory and search (client/src/people/people-api.ts). */
export const PEOPLE_ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/api/people',
    summary:
      'the people directory (officers, auxiliaries, grid workers, militia contacts, volunteer leads): name, role, unit, station and its duty phone, cells; phones and badges for police roles only, a volunteer sees the people of their own area; q= (name, pinyin or initials), role=, unit= (and below), cell=, ids= (officer:1,militia:2), limit=, offset=',
    query: people.peopleQuery,
    answer: { [JSON_TYPE]: people.peopleAnswer },
    errors: [400, 404],
  },
  {
    method: 'GET',
    path: '/api/people/:id',
    summary: 'one person (id officer:N, militia:N or volunteer:N): the directory row and their cells as GeoJSON with a bbox; 404 for someone the caller may not see',
    answer: { [JSON_TYPE]: people.personCard },
    errors: [404],
  },
  {
    method: 'POST',
    path: '/api/people/import',
    summary:
      'a roster as CSV (text/csv), XLSX or JSON {"rows"} with columns role, name, badge, unit (code or name), phone, org, cells (grid codes): all rows or none; 422 import_rejected lists every rejected row with its reasons (administrators; audited)',
    body: people.rosterBody,
    answer: { [JSON_TYPE]: people.importReport },
    statuses: [201],
    errors: [400, 413, 422],
  },
  {
    method: 'GET',
    path: '/api/search',
    summary:
      'places, police units, grid cells (name or code), schools, mediation rooms and people by Chinese, full pinyin or initials, best first: q=, limit=, kinds=place,unit,grid,school,room,person; people within what the caller may see',
    query: people.searchQuery,
    answer: { [JSON_TYPE]: people.searchAnswer },
    errors: [400],
  },
]
