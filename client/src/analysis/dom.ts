import { t, type MessageKey } from '../i18n.ts'

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  if (className) e.className = className
  if (text !== undefined) e.textContent = text
  return e
}

const SVG = 'http://www.w3.org/2000/svg'

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v))
  return e
}

/** A labelled form field (label above its control). */
export function field(labelKey: MessageKey, control: HTMLElement): HTMLElement {
  const box = el('label', 'an-field')
  box.append(el('span', 'an-label', t(labelKey)), control)
  return box
}

/** A `<select>` with (value, words) options and the current value selected. */
export function select(options: ReadonlyArray<[string, string]>, value: string, onChange: (v: string) => void): HTMLSelectElement {
  const s = el('select', 'an-input')
  for (const [v, words] of options) {
    const o = el('option', undefined, words)
    o.value = v
    s.append(o)
  }
  s.value = value
  s.addEventListener('change', () => onChange(s.value))
  return s
}

export function dateInput(value: string, onChange: (v: string) => void): HTMLInputElement {
  const i = el('input', 'an-input')
  i.type = 'date'
  i.value = value
  i.addEventListener('change', () => {
    if (i.value === '' || /^\d{4}-\d{2}-\d{2}$/.test(i.value)) onChange(i.value)
  })
  return i
}

/** A one-choice button row (the layer panel's segmented look). */
export function segmented(label: string, options: ReadonlyArray<[string, string]>, value: string, onChange: (v: string) => void, attr: string): HTMLElement {
  const box = el('div', 'segmented an-segmented')
  box.setAttribute('role', 'radiogroup')
  box.setAttribute('aria-label', label)
  for (const [v, words] of options) {
    const b = el('button', undefined, words)
    b.type = 'button'
    b.dataset[attr] = v
    b.setAttribute('role', 'radio')
    b.setAttribute('aria-checked', String(v === value))
    b.addEventListener('click', () => onChange(v))
    box.append(b)
  }
  return box
}

export const percent = (share: number, digits = 1) => `${(share * 100).toFixed(digits)}%`
