import { api } from '../api/client.ts'
import { getLang, t } from '../i18n.ts'

/** Properties that point at a feature of another layer, by id… */
const BY_ID: Record<string, string> = {
  station_id: 'police-units',
  parent_id: 'police-units',
  owner_unit_id: 'police-units',
  'guard-posts.unit_id': 'police-units',
  grid_id: 'grid-cells',
  zone_id: 'patrol-zones',
  route_id: 'patrol-routes',
  river_id: 'rivers',
  school_id: 'schools',
  mediation_room_id: 'mediation-rooms',
  household_unit_id: 'household-units',
}
/** …or by an admin-area code. */
const BY_CODE = new Set(['community_code', 'parent_code', 'area_code'])
/** Units the API does not publish: shown as labelled ids. (People are names: people/person-ref.ts.) */
const OPAQUE: Record<string, Parameters<typeof t>[0]> = {
  unit_id: 'value.unit',
  assigned_unit_id: 'value.unit',
}

const names = new Map<string, Promise<string | null>>()

function cached(key: string, load: () => Promise<string | null>): Promise<string | null> {
  let p = names.get(key)
  if (!p) {
    p = load().catch(() => null)
    names.set(key, p)
  }
  return p
}

const nameOf = (props: Record<string, unknown> | null | undefined) => {
  const n = props?.name ?? props?.code
  return typeof n === 'string' ? n : null
}

/**
 * The words for a reference property: a promise of the referenced feature's name (null when
 * it cannot be found), a fixed label for unpublished ids, or undefined for other properties.
 */
export function describeReference(layerId: string, prop: string, value: unknown): Promise<string | null> | string | undefined {
  if (value === null || value === undefined || value === '') return undefined
  const target = BY_ID[`${layerId}.${prop}`] ?? (prop === 'unit_id' ? undefined : BY_ID[prop])
  if (target) {
    return cached(`${target}/${value}`, async () => nameOf((await api.feature(target, String(value))).properties))
  }
  if (BY_CODE.has(prop)) {
    return cached(`admin-areas?code=${value}`, async () => nameOf((await api.features('admin-areas', { code: String(value), limit: '1' })).features[0]?.properties)).then(
      (name) => (name ? (getLang() === 'zh' ? `${name}（${value}）` : `${name} (${value})`) : null),
    )
  }
  const key = OPAQUE[prop]
  return key ? t(key, { id: String(value) }) : undefined
}
