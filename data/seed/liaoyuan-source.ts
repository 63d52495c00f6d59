import { readFileSync } from 'node:fs'
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson'

export interface Village {
  code: string
  name: string
  type: '社区' | '村'
}
export interface Town {
  code: string
  name: string
  type: '街道' | '镇' | '乡'
  villages: Village[]
}
export interface County {
  code: string
  name: string
  towns: Town[]
}
export interface Divisions {
  city: { code: string; adcode: string; name: string }
  counties: County[]
}

export interface DistrictProps {
  adcode: number
  name: string
  seat_wgs84: [number, number]
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`./liaoyuan/${file}`, import.meta.url), 'utf8')) as T
}

/** The real Liaoyuan reference data shipped in data/seed/liaoyuan (see its SOURCES.md). */
export function loadLiaoyuan() {
  const divisions = readJson<Divisions>('liaoyuan_divisions_2023.json')
  const districts = readJson<FeatureCollection<MultiPolygon | Polygon, DistrictProps>>('liaoyuan_districts_wgs84.geojson')
  const city = readJson<FeatureCollection<MultiPolygon | Polygon, { seat_wgs84: [number, number] }>>('liaoyuan_city_wgs84.geojson')
  const places = readJson<FeatureCollection<Point, { name: string; adcode?: number; kind: string }>>('liaoyuan_places_wgs84.geojson')
  const cityFeature = city.features[0] as Feature<MultiPolygon | Polygon, { seat_wgs84: [number, number] }>
  return { divisions, districts: districts.features, city: cityFeature, places: places.features }
}

export type Liaoyuan = ReturnType<typeof loadLiaoyuan>

/**
 * How a town or village name is shortened, as (pattern, replacement) applied in order:
 * 寿山镇 → 寿山, 东吉街道 → 东吉, 三合满族朝鲜族乡 → 三合, 辽源高新技术产业开发区特殊街道 → 高新区.
 * Used by `shortName` here and by the seed's SQL function `pg_temp.short_name`.
 */
export const SHORT_NAME_RULES: ReadonlyArray<readonly [string, string]> = [
  ['^辽源高新技术产业开发区特殊街道$', '高新区'],
  ['满族朝鲜族乡$', ''],
  ['(街道|镇|乡|社区|村)$', ''],
]

/** A town or village name without its administrative suffix. */
export function shortName(name: string): string {
  return SHORT_NAME_RULES.reduce((n, [pattern, replacement]) => n.replace(new RegExp(pattern), replacement), name)
}
