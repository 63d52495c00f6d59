import type { Geometry } from 'geojson'
import { DISPUTE_CATEGORIES, DISPUTE_SOURCES, HAZARD_CATEGORIES } from '../../../data/catalog/layers.ts'
import { valueLabel } from '../i18n.ts'
import type { FieldSpec, Values } from '../field/forms.ts'
import type { MyGrid } from './officer-api.ts'

/** The entries an officer records on the spot, each a feature of one catalog layer. */
export type EntryKind = 'hazard' | 'dispute' | 'river' | 'unitReport' | 'patrol'

const options = (layer: string, property: string, values: readonly string[]): Array<[string, string]> => values.map((v) => [v, valueLabel(layer, property, v)])

/** The fields of each form (the catalog's allowed values; ranges as the tables' CHECKs say). */
export function fieldsFor(kind: Exclude<EntryKind, 'patrol'>, grid: MyGrid | null): FieldSpec[] {
  switch (kind) {
    case 'hazard':
      return [
        { kind: 'select', name: 'category', label: 'officer.form.category', options: options('hazards', 'category', HAZARD_CATEGORIES), required: true },
        { kind: 'textarea', name: 'description', label: 'officer.form.description', required: true, maxLength: 2000 },
        { kind: 'photo', name: 'photo', label: 'officer.form.photo' },
      ]
    case 'dispute':
      return [
        { kind: 'select', name: 'category', label: 'officer.form.category', options: options('disputes', 'category', DISPUTE_CATEGORIES), required: true },
        { kind: 'number', name: 'parties', label: 'officer.form.parties', min: 1, max: 500, integer: true, required: true, value: 2 },
        // A ten-household unit's report has its own form (it names the unit).
        { kind: 'select', name: 'source', label: 'officer.form.source', options: options('disputes', 'source', DISPUTE_SOURCES.filter((s) => s !== 'household_unit')), required: true, value: 'patrol' },
        { kind: 'textarea', name: 'description', label: 'officer.form.description', maxLength: 2000 },
      ]
    case 'unitReport':
      return [
        {
          kind: 'select', name: 'household_unit_id', label: 'officer.form.unit', required: true,
          options: (grid?.household_units ?? []).map((u) => [String(u.id), `${u.name} · ${u.lead_name}`]),
        },
        { kind: 'select', name: 'category', label: 'officer.form.category', options: options('disputes', 'category', DISPUTE_CATEGORIES), required: true },
        { kind: 'number', name: 'parties', label: 'officer.form.parties', min: 1, max: 500, integer: true, required: true, value: 2 },
        { kind: 'textarea', name: 'description', label: 'officer.form.description', required: true, maxLength: 2000 },
      ]
    case 'river':
      return [
        { kind: 'text', name: 'team', label: 'officer.form.team', required: true, maxLength: 100, value: grid?.officer.name ? `${grid.officer.name}` : '' },
        { kind: 'number', name: 'water_level_m', label: 'officer.form.waterLevel', min: -10, max: 100, required: true },
        { kind: 'textarea', name: 'observations', label: 'officer.form.observations', required: true, maxLength: 2000 },
        { kind: 'number', name: 'hazards_found', label: 'officer.form.hazardsFound', min: 0, max: 1000, integer: true, value: 0 },
      ]
    default:
      return kind satisfies never
  }
}

export const LAYER_OF: Record<EntryKind, string> = { hazard: 'hazards', dispute: 'disputes', unitReport: 'disputes', river: 'river-patrols', patrol: 'patrols' }

/** The feature properties an entry's form values make (reported now; the server assigns the grid). */
export function propertiesFor(kind: Exclude<EntryKind, 'patrol'>, v: Values, startedAt: string): Record<string, unknown> {
  const now = new Date().toISOString()
  switch (kind) {
    case 'hazard':
      // Found in the field: an offline (线下) report.
      return { category: v.category, source: 'offline', description: v.description, reported_at: now }
    case 'dispute':
      return { category: v.category, source: v.source, parties: v.parties, description: v.description ?? '', reported_at: now }
    case 'unitReport':
      return { category: v.category, source: 'household_unit', household_unit_id: Number(v.household_unit_id), parties: v.parties, description: v.description, reported_at: now }
    case 'river':
      return { team: v.team, started_at: startedAt, ended_at: now, water_level_m: v.water_level_m, observations: v.observations, hazards_found: v.hazards_found ?? 0 }
    default:
      return kind satisfies never
  }
}

/** Where a ten-household report starts: at its unit. */
export function unitPoint(grid: MyGrid | null, unitId: number): [number, number] | null {
  const u = grid?.household_units.find((x) => x.id === unitId)
  return u ? [u.lon, u.lat] : null
}

export function isLine(g: Geometry | null): boolean {
  return g?.type === 'LineString'
}
