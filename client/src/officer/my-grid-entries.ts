import { booleanPointInPolygon } from '@turf/turf'
import type { Geometry } from 'geojson'
import { t, valueLabel, type MessageKey } from '../i18n.ts'
import { distinctPoints, LocationPicker, type FieldSpec, type renderForm, type Values } from '../field/forms.ts'
import type { MyGridLayers } from './my-grid-layers.ts'
import type { Photo } from '../field/entry-api.ts'
import type { MyGrid } from './officer-api.ts'
import type { PatrolTracker } from './patrol-tracker.ts'
import { shrinkPhoto } from '../field/photo.ts'
import { fieldsFor, propertiesFor, unitPoint, type EntryKind } from './record-forms.ts'

/** What the entry forms need of "my grid". */
export interface EntryHost {
  readonly grid: MyGrid | null
  readonly tracker: PatrolTracker
  readonly layers: MyGridLayers
  /** The sheet's body, where the form is. */
  readonly body: HTMLElement
  readonly open: boolean
  setOpen(open: boolean): void
  showForm(entry: EntryKind, spec: Parameters<typeof renderForm>[0], submit: (v: Values, photo: File | null) => void): void
  /** The map's taps now place the entry. */
  picking(picker: LocationPicker): void
  closeSheet(): void
  say(message: string): void
  /** Into the outbox (sent now, or when the network is back). */
  queue(entry: EntryKind, geometry: Geometry, properties: Record<string, unknown>, photo?: Photo): void
}

/*
 * The officer's entries on the spot: a hazard, a dispute, a ten-household report, a river patrol
 * log (placed by taps or the phone's position, checked to be in the officer's cells), and a
 * patrol (started here, its track recorded while the page is open, stopped with a note).
 */

export function startPatrolForm(host: EntryHost): void {
  const kinds: FieldSpec = { kind: 'select', name: 'kind', label: 'officer.form.kind', required: true, value: 'foot', options: (['foot', 'ebike', 'car'] as const).map((k) => [k, valueLabel('patrols', 'kind', k)]) }
  host.showForm('patrol', { title: 'officer.action.patrolStart', fields: [kinds], picker: null, submit: 'officer.action.patrolStart' }, (v) => {
    host.tracker.start(String(v.kind))
    host.closeSheet()
  })
}

export function openEntryForm(host: EntryHost, entry: EntryKind): void {
  if (!host.open) host.setOpen(true)
  if (entry === 'patrol') {
    host.showForm('patrol', { title: 'officer.form.patrol', fields: [{ kind: 'textarea', name: 'notes', label: 'officer.form.notes', maxLength: 2000 }], picker: null, submit: 'officer.action.patrolStop' }, (v) => finishPatrol(host, v))
    return
  }
  const openedAt = new Date().toISOString()
  const mode = entry === 'river' ? 'line' : 'point'
  const picker = new LocationPicker(mode, (geometry, points) => host.layers.showPick(geometry, points), () => host.tracker.current?.track ?? [])
  const title: MessageKey = entry === 'hazard' ? 'officer.form.hazard' : entry === 'dispute' ? 'officer.form.dispute' : entry === 'river' ? 'officer.form.river' : 'officer.form.unitReport'
  host.showForm(entry, { title, fields: fieldsFor(entry, host.grid), picker, submit: 'officer.form.submit' }, (values, photoFile) => {
    const geometry = picker.geometry()
    if (!geometry || !insideCells(host.grid, geometry)) {
      picker.showError(t('officer.error.outside'))
      return
    }
    const startedAt = entry === 'river' ? (host.tracker.current?.startedAt ?? openedAt) : openedAt
    const properties = propertiesFor(entry, values, startedAt)
    if (!photoFile) return host.queue(entry, geometry, properties)
    // A photo that cannot be read is said, and the entry still goes without it.
    shrinkPhoto(photoFile)
      .then((photo) => host.queue(entry, geometry, properties, photo))
      .catch((err: Error) => {
        host.queue(entry, geometry, properties)
        host.say(`${t('officer.photo')}: ${err.message}`)
      })
  })
  host.picking(picker)
  // A ten-household report starts at the unit chosen.
  if (entry === 'unitReport') {
    host.body.querySelector<HTMLSelectElement>('select[name="household_unit_id"]')?.addEventListener('change', (e) => {
      const p = unitPoint(host.grid, Number((e.target as HTMLSelectElement).value))
      if (p) picker.set([p])
    })
  }
}

function finishPatrol(host: EntryHost, v: Values): void {
  const patrol = host.tracker.current
  if (!patrol) return host.closeSheet()
  if (distinctPoints(patrol.track) < 2) {
    host.say(t('officer.patrol.tooShort'))
    host.tracker.stop()
    host.closeSheet()
    return
  }
  const done = host.tracker.stop()!
  host.queue('patrol', { type: 'LineString', coordinates: done.track.map((p) => [...p]) }, {
    kind: done.kind, started_at: done.startedAt, ended_at: done.endedAt, notes: v.notes ?? null,
    ...(host.grid?.officer.officer_id ? { officer_id: host.grid.officer.officer_id } : {}),
  })
}

/** A point in one of my cells, or a line touching one (the server refuses the rest). */
export function insideCells(grid: MyGrid | null, g: Geometry): boolean {
  const cells = grid?.cells.features ?? []
  if (cells.length === 0) return true
  const points = g.type === 'Point' ? [g.coordinates] : g.type === 'LineString' ? g.coordinates : []
  return points.some((p) => cells.some((c) => booleanPointInPolygon(p, c)))
}
