import type { LayerDef } from '../../../data/catalog/layers.ts'
import { csvText } from '../http/csv.ts'

/**
 * CSV with a header row: id, the catalogued properties, lon/lat for points, and WKT geometry.
 * Written by the shared CSV writer (http/csv.ts): a text cell that a spreadsheet would run as a
 * formula (`=`, `+`, `-`, `@`, tab, CR first) is prefixed with `'`; numbers stay numbers.
 */
export function toCsv(layer: LayerDef, rows: Array<Record<string, unknown>>): string {
  const columns = ['id', ...layer.properties.map((p) => p.name), ...(layer.geometry === 'Point' ? ['lon', 'lat'] : []), 'wkt']
  const numeric = new Set(['id', 'lon', 'lat', ...layer.properties.filter((p) => p.type === 'integer' || p.type === 'number').map((p) => p.name)])
  const cell = (c: string, v: unknown) =>
    v instanceof Date ? v.toISOString() : Array.isArray(v) ? JSON.stringify(v) : numeric.has(c) && typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : v
  return csvText(columns, rows.map((r) => columns.map((c) => cell(c, r[c]))))
}
