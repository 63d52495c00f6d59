import type { Geometry } from 'geojson'
import { formatNumber, t, type MessageKey } from '../i18n.ts'
import { el } from '../analysis/dom.ts'

/** The distinct points of a track (a line needs at least two). */
export function distinctPoints(track: ReadonlyArray<readonly [number, number]>): number {
  return new Set(track.map(([x, y]) => `${x.toFixed(7)},${y.toFixed(7)}`)).size
}

export type FieldSpec =
  | { kind: 'select'; name: string; label: MessageKey; options: ReadonlyArray<[string, string]>; required?: boolean; value?: string }
  | { kind: 'number'; name: string; label: MessageKey; min: number; max: number; integer?: boolean; required?: boolean; value?: number }
  | { kind: 'text' | 'textarea'; name: string; label: MessageKey; required?: boolean; maxLength?: number; value?: string }
  | { kind: 'photo'; name: string; label: MessageKey }

export type Values = Record<string, string | number | undefined>

/**
 * Checks one field's value; the message to show, or null. Values are the raw control strings;
 * numbers must parse, be whole when asked, and lie in range.
 */
export function fieldError(spec: FieldSpec, raw: string): string | null {
  const name = t(spec.label)
  const value = raw.trim()
  if (spec.kind === 'photo') return null
  if (value === '') return 'required' in spec && spec.required ? t('officer.error.required', { field: name }) : null
  if (spec.kind === 'number') {
    const n = Number(value)
    if (!Number.isFinite(n) || (spec.integer && !Number.isInteger(n)) || n < spec.min || n > spec.max) {
      return t('officer.error.range', { field: name, min: formatNumber(spec.min), max: formatNumber(spec.max) })
    }
  }
  if (spec.kind === 'select' && !spec.options.some(([v]) => v === value)) return t('officer.error.required', { field: name })
  if ((spec.kind === 'text' || spec.kind === 'textarea') && value.length > (spec.maxLength ?? 2000)) return t('officer.error.range', { field: name, min: 1, max: spec.maxLength ?? 2000 })
  return null
}

export type LocationMode = 'point' | 'line'

/**
 * Where an entry is: one point (a tap on the map or the phone's position) or, for a river
 * patrol, a line of taps or the patrol track.
 */
export class LocationPicker {
  points: Array<[number, number]> = []
  readonly box = el('div', 'og-location')
  private readonly status = el('div', 'og-location-status')
  private readonly error = el('div', 'og-error')
  private gpsNote = ''

  constructor(
    readonly mode: LocationMode,
    private readonly onChange: (geometry: Geometry | null, points: ReadonlyArray<[number, number]>) => void,
    private readonly track?: () => ReadonlyArray<[number, number]>,
  ) {
    const label = el('span', 'og-label', t('officer.form.location'))
    const buttons = el('div', 'og-location-buttons')
    const gps = el('button', 'og-btn og-btn-secondary', t('officer.form.useGps'))
    gps.type = 'button'
    gps.addEventListener('click', () => this.useGps())
    buttons.append(gps)
    const trackPoints = track?.() ?? []
    if (mode === 'line' && distinctPoints(trackPoints) >= 2) {
      const useTrack = el('button', 'og-btn og-btn-secondary', t('officer.form.useTrack', { n: trackPoints.length }))
      useTrack.type = 'button'
      useTrack.addEventListener('click', () => this.set(trackPoints.map((p) => [p[0], p[1]])))
      buttons.append(useTrack)
    }
    const clear = el('button', 'og-btn og-btn-secondary', t('officer.form.clear'))
    clear.type = 'button'
    clear.addEventListener('click', () => this.set([]))
    buttons.append(clear)
    this.box.append(label, this.status, buttons, this.error)
    this.render()
  }

  /** A tap on the map: the point, or one more point of the line. */
  tap(lon: number, lat: number): void {
    const p: [number, number] = [Number(lon.toFixed(7)), Number(lat.toFixed(7))]
    this.set(this.mode === 'point' ? [p] : [...this.points, p])
  }

  set(points: Array<[number, number]>): void {
    this.points = points
    this.gpsNote = ''
    this.error.textContent = ''
    this.render()
    this.onChange(this.geometry(), this.points)
  }

  geometry(): Geometry | null {
    if (this.mode === 'point') return this.points[0] ? { type: 'Point', coordinates: [...this.points[0]] } : null
    return this.points.length >= 2 ? { type: 'LineString', coordinates: this.points.map((p) => [...p]) } : this.points[0] ? { type: 'Point', coordinates: [...this.points[0]] } : null
  }

  /** The message when the location is not enough yet, else null (and the message shown). */
  validate(): string | null {
    const problem = this.points.length === 0 ? t('officer.error.location') : this.mode === 'line' && distinctPoints(this.points) < 2 ? t('officer.error.line') : null
    this.error.textContent = problem ?? ''
    return problem
  }

  showError(message: string): void {
    this.error.textContent = message
  }

  private useGps(): void {
    if (!('geolocation' in navigator)) {
      this.gpsNote = t('officer.form.gpsFailed', { message: 'geolocation unavailable' })
      this.render()
      return
    }
    this.gpsNote = t('officer.form.gpsWaiting')
    this.render()
    navigator.geolocation.getCurrentPosition(
      (pos) => this.tap(pos.coords.longitude, pos.coords.latitude),
      (err) => {
        this.gpsNote = t('officer.form.gpsFailed', { message: err.message || String(err.code) })
        this.render()
      },
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 10_000 },
    )
  }

  private render(): void {
    const [first] = this.points
    const said =
      this.points.length === 0
        ? t(this.mode === 'point' ? 'officer.form.locationHint' : 'officer.form.lineHint')
        : this.mode === 'point' && first
          ? t('officer.form.locationSet', { lon: first[0].toFixed(5), lat: first[1].toFixed(5) })
          : t('officer.form.lineSet', { n: this.points.length })
    this.status.textContent = this.gpsNote ? `${said} · ${this.gpsNote}` : said
    this.box.dataset.set = String(this.points.length > 0)
  }
}

export interface FormSpec {
  title: MessageKey
  fields: FieldSpec[]
  picker: LocationPicker | null
  submit: MessageKey
}

/**
 * A form for the bottom sheet: big controls, every field checked before anything is sent,
 * each problem said under its field. `onSubmit` gets the values (numbers as numbers, empty
 * left out) and the photo file if one was taken.
 */
export function renderForm(spec: FormSpec, onSubmit: (values: Values, photo: File | null) => void, onCancel: () => void): HTMLFormElement {
  const form = el('form', 'og-form')
  form.noValidate = true
  form.append(el('h3', 'og-form-title', t(spec.title)))
  const controls = new Map<string, { spec: FieldSpec; input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement; error: HTMLElement }>()
  for (const f of spec.fields) {
    const box = el('label', 'og-field')
    box.append(el('span', 'og-label', t(f.label)))
    let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement
    if (f.kind === 'select') {
      input = el('select', 'og-input')
      const none = el('option', undefined, t('officer.form.choose'))
      none.value = ''
      input.append(none)
      for (const [v, words] of f.options) {
        const o = el('option', undefined, words)
        o.value = v
        input.append(o)
      }
      input.value = f.value ?? ''
    } else if (f.kind === 'textarea') {
      input = el('textarea', 'og-input og-textarea')
      input.rows = 3
      input.value = f.value ?? ''
    } else if (f.kind === 'photo') {
      input = el('input', 'og-input og-photo')
      input.type = 'file'
      input.accept = 'image/*'
      input.setAttribute('capture', 'environment')
      box.append(input, el('span', 'og-hint', t('officer.form.photoNote')))
    } else {
      input = el('input', 'og-input')
      if (f.kind === 'number') {
        input.type = 'number'
        input.inputMode = f.integer ? 'numeric' : 'decimal'
        input.min = String(f.min)
        input.max = String(f.max)
        input.step = f.integer ? '1' : 'any'
        if (f.value !== undefined) input.value = String(f.value)
      } else {
        input.type = 'text'
        input.value = f.value ?? ''
      }
    }
    input.name = f.name
    const error = el('span', 'og-error')
    error.id = `og-error-${f.name}`
    input.setAttribute('aria-describedby', error.id)
    if (f.kind !== 'photo') box.append(input)
    box.append(error)
    // A problem said on submit goes once the field is changed.
    input.addEventListener(f.kind === 'select' ? 'change' : 'input', () => {
      error.textContent = ''
      input.removeAttribute('aria-invalid')
    })
    form.append(box)
    controls.set(f.name, { spec: f, input, error })
  }
  if (spec.picker) form.append(spec.picker.box)
  const buttons = el('div', 'og-form-buttons')
  const cancel = el('button', 'og-btn og-btn-secondary', t('officer.form.cancel'))
  cancel.type = 'button'
  cancel.addEventListener('click', onCancel)
  const submit = el('button', 'og-btn og-btn-primary', t(spec.submit))
  submit.type = 'submit'
  buttons.append(cancel, submit)
  form.append(buttons)

  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const values: Values = {}
    let firstBad: HTMLElement | null = null
    for (const [name, c] of controls) {
      if (c.spec.kind === 'photo') continue
      const problem = fieldError(c.spec, c.input.value)
      c.error.textContent = problem ?? ''
      c.input.setAttribute('aria-invalid', String(problem !== null))
      if (problem) firstBad ??= c.input
      const v = c.input.value.trim()
      if (v !== '') values[name] = c.spec.kind === 'number' ? Number(v) : v
    }
    const locationProblem = spec.picker?.validate() ?? null
    if (firstBad || locationProblem) {
      ;(firstBad ?? spec.picker?.box)?.scrollIntoView({ block: 'nearest' })
      firstBad?.focus()
      return
    }
    const photoInput = [...controls.values()].find((c) => c.spec.kind === 'photo')?.input as HTMLInputElement | undefined
    onSubmit(values, photoInput?.files?.[0] ?? null)
  })
  return form
}
