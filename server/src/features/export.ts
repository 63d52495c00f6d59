import { stringify } from 'csv-stringify/sync'
import type { LayerDef } from '../../../data/catalog/layers.ts'

/** CSV with a header row: id, the catalogued properties, lon/lat for points, and WKT geometry. */
export function toCsv(layer: LayerDef, rows: Array<Record<string, unknown>>): string {
  const columns = ['id', ...layer.properties.map((p) => p.name), ...(layer.geometry === 'Point' ? ['lon', 'lat'] : []), 'wkt']
  const cell = (v: unknown) => (v instanceof Date ? v.toISOString() : Array.isArray(v) ? JSON.stringify(v) : v)
  return stringify(
    rows.map((r) => columns.map((c) => cell(r[c]))),
    { header: true, columns, bom: true },
  )
}
