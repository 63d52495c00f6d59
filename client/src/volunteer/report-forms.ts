import { DISPUTE_CATEGORIES, HAZARD_CATEGORIES } from '../../../data/catalog/layers.ts'
import { valueLabel, type MessageKey } from '../i18n.ts'
import type { FieldSpec, Values } from '../field/forms.ts'

/** What a volunteer reports: a hazard (风险隐患) or a dispute (矛盾纠纷), each a feature of its catalog layer. */
export type ReportKind = 'hazard' | 'dispute'

export const REPORT_LAYER: Record<ReportKind, 'hazards' | 'disputes'> = { hazard: 'hazards', dispute: 'disputes' }
export const REPORT_TITLE: Record<ReportKind, MessageKey> = { hazard: 'volunteer.form.hazard', dispute: 'volunteer.form.dispute' }
export const REPORT_HINT: Record<ReportKind, MessageKey> = { hazard: 'volunteer.form.hazardHint', dispute: 'volunteer.form.disputeHint' }

const options = (layer: string, values: readonly string[]): Array<[string, string]> => values.map((v) => [v, valueLabel(layer, 'category', v)])

/** The form's fields: the catalog's categories, what happened (required: the officer acts on it), a photo. */
export function reportFields(kind: ReportKind): FieldSpec[] {
  switch (kind) {
    case 'hazard':
      return [
        { kind: 'select', name: 'category', label: 'officer.form.category', options: options('hazards', HAZARD_CATEGORIES), required: true },
        { kind: 'textarea', name: 'description', label: 'officer.form.description', required: true, maxLength: 2000 },
        { kind: 'photo', name: 'photo', label: 'officer.form.photo' },
      ]
    case 'dispute':
      return [
        { kind: 'select', name: 'category', label: 'officer.form.category', options: options('disputes', DISPUTE_CATEGORIES), required: true },
        { kind: 'number', name: 'parties', label: 'officer.form.parties', min: 1, max: 500, integer: true, required: true, value: 2 },
        { kind: 'textarea', name: 'description', label: 'officer.form.description', required: true, maxLength: 2000 },
        { kind: 'photo', name: 'photo', label: 'officer.form.photo' },
      ]
    default:
      return kind satisfies never
  }
}

/**
 * The feature properties of a report (reported now; the server assigns grid, station and officer).
 * A volunteer's hazard comes in through the app (an online, 线上, report); a dispute is one found on
 * the volunteers' patrol rounds.
 */
export function reportProperties(kind: ReportKind, v: Values): Record<string, unknown> {
  const now = new Date().toISOString()
  switch (kind) {
    case 'hazard':
      return { category: v.category, source: 'online', description: v.description, reported_at: now }
    case 'dispute':
      return { category: v.category, source: 'patrol', parties: v.parties, description: v.description, reported_at: now }
    default:
      return kind satisfies never
  }
}
