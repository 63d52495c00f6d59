import { stringify } from 'csv-stringify/sync'

/**
 * The one CSV writer of the server: every CSV answer (feature export, community dashboard,
 * coverage) is written here, so none can carry a spreadsheet formula.
 *
 * OWASP "CSV Injection": a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
 * is run as a formula by Excel, LibreOffice and Google Sheets (`=HYPERLINK("http://…"&A1,"x")`
 * sends the neighbouring cells away when clicked). Such a text cell is written with a single
 * quote in front (`'=HYPERLINK(…)`), which spreadsheets show as text and never evaluate.
 *
 * Only text is changed. Numbers stay numbers: `-3` is written `-3`; so is a number the
 * database handed over as text (a `numeric` column, "-3.50"), since a bare number cannot be a
 * formula. Dates are written as ISO 8601 (csv-stringify's default would be epoch milliseconds).
 * The JSON and GeoJSON answers are never touched: they carry the exact text.
 */
export const FORMULA_START = /^[=+\-@\t\r]/

/** A plain decimal number (optionally signed, with a fraction or an exponent): not a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** A text cell made safe to open in a spreadsheet (see above); other values unchanged. */
export function neutraliseCell<T>(value: T): T | string {
  if (typeof value !== 'string' || !FORMULA_START.test(value) || PLAIN_NUMBER.test(value)) return value
  return `'${value}`
}

/** CSV text with a header row and a UTF-8 BOM (so Excel reads the Chinese names), cells neutralised. */
export function csvText(columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return stringify(rows as unknown[][], {
    header: true,
    columns: columns.map((c) => neutraliseCell(c)),
    bom: true,
    cast: {
      string: (value) => neutraliseCell(value),
      date: (value) => value.toISOString(),
    },
  })
}
