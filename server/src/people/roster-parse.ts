import { parse as parseCsv } from 'csv-parse/sync'
import type ExcelJS from 'exceljs'
import { MAX_IMPORT_ROWS } from '../features/import-parse.ts'
import { ApiError } from '../http/errors.ts'

/** One roster line as read: its line number as a spreadsheet shows it, and its cells by column. */
export interface RosterLine {
  row: number
  values: Partial<Record<RosterColumn, string>>
  /** Why the line could not be read at all. */
  error?: string
}

/** The columns of a roster, with the headers a Chinese spreadsheet may use for them. */
export const ROSTER_COLUMNS = {
  role: ['role', '角色', '职务', '身份'],
  name: ['name', '姓名', '名字'],
  badge: ['badge', '警号', '编号', '工号'],
  unit: ['unit', '单位', '所属单位', '派出所'],
  phone: ['phone', '电话', '手机', '联系电话'],
  org: ['org', 'organisation', 'organization', '组织', '所属组织'],
  cells: ['cells', '网格', '网格编码', '负责网格'],
} as const
export type RosterColumn = keyof typeof ROSTER_COLUMNS

const HEADER = new Map<string, RosterColumn>()
for (const [column, names] of Object.entries(ROSTER_COLUMNS) as Array<[RosterColumn, readonly string[]]>) for (const n of names) HEADER.set(n.toLowerCase(), column)

/** The known column a header names, or null (unknown columns are refused, naming them). */
function columnOf(header: string): RosterColumn | null {
  return HEADER.get(header.normalize('NFKC').trim().toLowerCase()) ?? null
}

function checkSize(n: number): void {
  if (n === 0) throw new ApiError(400, 'empty_import', 'nothing to import: the roster has no rows')
  if (n > MAX_IMPORT_ROWS) throw new ApiError(413, 'too_many_rows', `import at most ${MAX_IMPORT_ROWS} people at a time, given ${n}`)
}

/** Headers → columns; 400 naming every header that is not a roster column, or a column given twice. */
function headerColumns(headers: readonly string[]): Array<RosterColumn | null> {
  const columns = headers.map((h) => (h.trim() === '' ? null : columnOf(h)))
  const unknown = headers.filter((h, i) => h.trim() !== '' && columns[i] === null)
  if (unknown.length) {
    throw new ApiError(400, 'invalid_roster', `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((h) => `"${h.slice(0, 40)}"`).join(', ')}; a roster has ${Object.keys(ROSTER_COLUMNS).join(', ')}`)
  }
  const twice = columns.filter((c, i) => c !== null && columns.indexOf(c) !== i)
  if (twice.length) throw new ApiError(400, 'invalid_roster', `column ${twice[0]} is given twice`)
  if (!columns.includes('name') || !columns.includes('role')) throw new ApiError(400, 'invalid_roster', 'a roster needs at least the columns name and role')
  return columns
}

function line(row: number, columns: ReadonlyArray<RosterColumn | null>, cells: readonly string[]): RosterLine {
  const values: RosterLine['values'] = {}
  columns.forEach((c, i) => {
    const v = (cells[i] ?? '').trim()
    if (c && v !== '') values[c] = v
  })
  return { row, values }
}

/** CSV text (UTF-8, a BOM allowed); row numbers count the header as line 1. */
export function rosterFromCsv(text: string): RosterLine[] {
  let records: string[][]
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][]
  } catch (err) {
    throw new ApiError(400, 'invalid_csv', `cannot read the CSV: ${(err as Error).message.slice(0, 200)}`)
  }
  const [headers, ...rows] = records
  if (!headers) throw new ApiError(400, 'empty_import', 'nothing to import: the roster is empty')
  const columns = headerColumns(headers)
  checkSize(rows.length)
  return rows.map((cells, i) => line(i + 2, columns, cells))
}

/** The text a spreadsheet cell shows (numbers as written, dates as ISO dates, formulas by their result). */
function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value
  if (v === null || v === undefined) return ''
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  if (typeof v === 'object' && 'result' in v) return v.result === undefined || v.result === null ? '' : String(v.result)
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('')
  if (typeof v === 'object' && 'text' in v) return String(v.text)
  return String(v)
}

/** The first worksheet of an XLSX workbook; row numbers as the spreadsheet shows them. */
export async function rosterFromXlsx(bytes: Buffer): Promise<RosterLine[]> {
  // Loaded when a workbook arrives: exceljs takes ~0.3 s to import, which every start paid.
  const { default: Excel } = await import('exceljs')
  const wb = new Excel.Workbook()
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer)
  } catch (err) {
    throw new ApiError(400, 'invalid_xlsx', `cannot read the workbook: ${(err as Error).message.slice(0, 200)}`)
  }
  const sheet = wb.worksheets[0]
  if (!sheet || sheet.actualRowCount === 0) throw new ApiError(400, 'empty_import', 'nothing to import: the workbook has no rows')
  checkSize(sheet.actualRowCount - 1)
  let headerRow = 0
  let columns: Array<RosterColumn | null> = []
  const out: RosterLine[] = []
  sheet.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: string[] = []
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c)))
    if (!headerRow) {
      headerRow = n
      columns = headerColumns(cells)
      return
    }
    if (cells.every((c) => c.trim() === '')) return
    out.push(line(n, columns, cells))
  })
  checkSize(out.length)
  return out
}

/** JSON `{"rows": [{"name": …, "role": …}, …]}` (scripts); row numbers count from 1. Values are checked as text. */
export function rosterFromJson(body: unknown): RosterLine[] {
  const rows = (body as { rows?: unknown } | null)?.rows
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(rows)) {
    throw new ApiError(400, 'invalid_body', 'a roster is CSV (text/csv), XLSX or JSON {"rows": [{"name", "role", …}]}')
  }
  const extra = Object.keys(body).filter((k) => k !== 'rows')
  if (extra.length) throw new ApiError(400, 'invalid_body', `unknown field ${extra[0]!.slice(0, 40)}; the body has only rows`)
  checkSize(rows.length)
  return rows.map((r, i) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return { row: i + 1, values: {}, error: 'a row is an object of columns' }
    const values: RosterLine['values'] = {}
    for (const [k, v] of Object.entries(r)) {
      const column = columnOf(k)
      if (!column) return { row: i + 1, values: {}, error: `unknown column "${k.slice(0, 40)}"` }
      if (v === null || v === undefined || v === '') continue
      if (typeof v !== 'string' && typeof v !== 'number') return { row: i + 1, values: {}, error: `${column} must be text` }
      values[column] = String(v).trim()
    }
    return { row: i + 1, values }
  })
}
