import { parse as parseCsv } from 'csv-parse/sync'
import { parse as parseWkt } from 'wellknown'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { ApiError } from '../http/errors.ts'

export const MAX_IMPORT_ROWS = 10000

/** One raw row as a Feature-like object for the import schema, or why it could not be read. */
export type RawRow = { row: number; feature: unknown } | { row: number; error: string }

/** GeoJSON FeatureCollection body → raw features (row = 1-based index). */
export function rowsFromGeoJson(body: unknown): RawRow[] {
  const fc = body as { type?: unknown; features?: unknown }
  if (typeof body !== 'object' || body === null || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new ApiError(400, 'invalid_body', 'import takes a GeoJSON FeatureCollection (application/geo+json) or CSV (text/csv)')
  }
  checkSize(fc.features.length)
  return fc.features.map((feature, i) => ({ row: i + 1, feature }))
}

/**
 * CSV text → raw features. Geometry from a `wkt` column, or `lon` and `lat` for points; values
 * typed by the catalog; empty cells are absent; `id` (from an export) is ignored. Row numbers
 * count the header as line 1, as a spreadsheet shows them.
 */
export function rowsFromCsv(layer: LayerDef, text: string): RawRow[] {
  let records: Array<Record<string, string>>
  try {
    records = parseCsv(text, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Array<Record<string, string>>
  } catch (err) {
    throw new ApiError(400, 'invalid_csv', `cannot read the CSV: ${(err as Error).message.slice(0, 200)}`)
  }
  checkSize(records.length)
  const types = new Map(layer.properties.map((p) => [p.name, p.type]))
  return records.map((rec, i): RawRow => {
    const row = i + 2
    let geometry: unknown
    if (rec.wkt) {
      geometry = parseWkt(rec.wkt)
      if (!geometry) return { row, error: 'wkt: not valid WKT' }
    } else if (rec.lon !== undefined && rec.lat !== undefined && rec.lon !== '' && rec.lat !== '') {
      geometry = { type: 'Point', coordinates: [Number(rec.lon), Number(rec.lat)] }
    } else {
      return { row, error: 'geometry: give a wkt column, or lon and lat for points' }
    }
    const properties: Record<string, unknown> = {}
    for (const [key, raw] of Object.entries(rec)) {
      if (['id', 'wkt', 'lon', 'lat'].includes(key) || raw === '') continue
      properties[key] = typed(types.get(key), raw)
    }
    return { row, feature: { type: 'Feature', geometry, properties } }
  })
}

function typed(type: string | undefined, raw: string): unknown {
  switch (type) {
    case 'integer':
    case 'number':
      return Number.isFinite(Number(raw)) ? Number(raw) : raw
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw
    case 'json':
      try {
        return JSON.parse(raw) as unknown
      } catch {
        return raw
      }
    default:
      return raw
  }
}

function checkSize(n: number): void {
  if (n === 0) throw new ApiError(400, 'empty_import', 'nothing to import')
  if (n > MAX_IMPORT_ROWS) throw new ApiError(413, 'too_many_rows', `import at most ${MAX_IMPORT_ROWS} features at a time, given ${n}`)
}
