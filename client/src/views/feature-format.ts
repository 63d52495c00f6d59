import type { LayerDef, PropertyDef } from '../../../data/catalog/layers.ts'
import { formatDate, formatDateTime, formatNumber, getLang, t, valueLabel } from '../i18n.ts'

/** Properties that are bookkeeping, not information for the person reading the map. */
// client_ref: the phone's own id of an entry (idempotent sends), nothing a reader needs.
const HIDDEN = new Set(['version', 'client_ref'])

export function shownProperties(def: LayerDef): PropertyDef[] {
  return def.properties.filter((p) => !HIDDEN.has(p.name))
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === ''

interface ScheduleWindow {
  start?: string
  end?: string
  days?: number[]
}

function formatDays(days: readonly number[] | undefined): string {
  if (!days || days.length === 7) return t('value.everyDay')
  const names = t('value.dayNames').split(',')
  return t('value.weekdays', { days: days.map((d) => names[(d - 1) % 7] ?? String(d)).join(getLang() === 'zh' ? '、' : ', ') })
}

/** JSON values: schedule windows as "20:00–02:00 daily", lists of times as "20:30, 21:00". */
function formatJson(value: unknown): string {
  const parsed = typeof value === 'string' ? safeParse(value) : value
  if (Array.isArray(parsed)) {
    const sep = getLang() === 'zh' ? '；' : '; '
    return parsed
      .map((item: unknown) => {
        if (typeof item === 'string' || typeof item === 'number') return String(item)
        const w = item as ScheduleWindow
        if (w && typeof w === 'object' && (w.start || w.end)) return `${w.start ?? ''}–${w.end ?? ''} ${formatDays(w.days)}`
        return JSON.stringify(item)
      })
      .join(sep)
  }
  return typeof parsed === 'string' ? parsed : JSON.stringify(parsed)
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s)
  } catch {
    return s
  }
}

/**
 * A property value in plain words: allowed values and kinds translated, instants in Beijing
 * time, booleans as yes/no, numbers grouped; ids and codes stay as they are.
 */
export function formatValue(def: LayerDef, prop: PropertyDef, value: unknown): string {
  if (isEmpty(value)) return t('value.empty')
  if (prop.values || prop.name === 'kind') return valueLabel(def.id, prop.name, String(value))
  switch (prop.type) {
    case 'boolean':
      return value === true || value === 'true' ? t('value.yes') : t('value.no')
    case 'datetime':
      return formatDateTime(String(value))
    case 'date':
      return formatDate(String(value))
    case 'json':
      return formatJson(value)
    case 'integer':
    case 'number':
      return /_id$/.test(prop.name) ? String(value) : formatNumber(Number(value))
    case 'string':
      return String(value)
    default:
      throw new Error(`property ${prop.name}: unknown type ${prop.type satisfies never}`)
  }
}
