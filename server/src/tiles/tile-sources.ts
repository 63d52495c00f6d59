import type { RawBuilder } from 'kysely'
import { findLayer, LAYERS, type LayerDef, type PropertyType } from '../../../data/catalog/layers.ts'

/** Point layers marked `cluster` are aggregated in tiles below this zoom. */
export const CLUSTER_BELOW_ZOOM = 13

/** A property as it is written into the tile. */
export interface TileField {
  name: string
  type: PropertyType
}

/**
 * One MVT layer of a tile, described as data; `tile-sql.ts` turns it into SQL.
 * - `features`: the catalogued layer's rows with their catalogued properties
 * - `clusters`: one point per cluster of the layer's points, with `count`
 * - `labels`: one point per admin area (ST_PointOnSurface) with its name and level
 * `levels` restricts admin areas to those levels (the basemap thins them by zoom).
 */
export interface TileSource {
  kind: 'features' | 'clusters' | 'labels'
  /** The MVT layer name. */
  name: string
  layer: LayerDef
  fields: readonly TileField[]
  levels?: readonly string[]
  /** The caller's access scope as a condition on `t` (officers see their own cells' rows). */
  scope?: RawBuilder<boolean>
}

/** A tile endpoint: one catalogued layer, or the composite basemap. */
export interface Tileset {
  id: string
  title: LayerDef['title']
  minzoom: number
  maxzoom: number
  /** Catalogued layers whose data it shows (invalidating one drops its tiles). */
  dependsOn: readonly string[]
  /** Its MVT layers at zoom z; empty outside minzoom..maxzoom. */
  sourcesAt(z: number): TileSource[]
  /** What TileJSON lists in `vector_layers`. */
  vectorLayers: ReadonlyArray<{ id: string; fields: readonly TileField[]; minzoom: number; maxzoom: number; description?: string }>
}

const COUNT_FIELD: TileField = { name: 'count', type: 'integer' }

function inRange(def: { minzoom: number; maxzoom: number }, z: number): boolean {
  return z >= def.minzoom && z <= def.maxzoom
}

function layerSource(layer: LayerDef, z: number, levels?: readonly string[]): TileSource {
  if (layer.cluster && z < CLUSTER_BELOW_ZOOM) return { kind: 'clusters', name: layer.id, layer, fields: [COUNT_FIELD] }
  return { kind: 'features', name: layer.id, layer, fields: layer.properties, ...(levels ? { levels } : {}) }
}

/** The tileset of one catalogued layer. */
export function layerTileset(layer: LayerDef): Tileset {
  return {
    id: layer.id,
    title: layer.title,
    minzoom: layer.minzoom,
    maxzoom: layer.maxzoom,
    dependsOn: [layer.id],
    sourcesAt: (z) => (inRange(layer, z) ? [layerSource(layer, z)] : []),
    vectorLayers: [
      {
        id: layer.id,
        fields: layer.cluster ? [...layer.properties, COUNT_FIELD] : layer.properties,
        minzoom: layer.minzoom,
        maxzoom: layer.maxzoom,
        ...(layer.cluster ? { description: `below z${CLUSTER_BELOW_ZOOM}: one point per cluster with only count` } : {}),
      },
    ],
  }
}

/**
 * Admin levels shown from which zoom, so low-zoom basemap tiles stay small: the city and its
 * districts always, towns from z8, villages from z10.
 */
export const ADMIN_LEVEL_MINZOOM: Readonly<Record<string, number>> = { city: 0, district: 0, town: 8, village: 10 }

const adminLevelsAt = (z: number) => Object.keys(ADMIN_LEVEL_MINZOOM).filter((level) => z >= ADMIN_LEVEL_MINZOOM[level]!)

const LABEL_FIELDS: readonly TileField[] = [
  { name: 'code', type: 'string' },
  { name: 'name', type: 'string' },
  { name: 'level', type: 'string' },
]

function basemapTileset(): Tileset {
  const members = LAYERS.filter((l) => l.basemap)
  const admin = findLayer('admin-areas')
  if (!admin?.basemap) throw new Error('the basemap needs the admin-areas layer in the catalog')
  // Every member is in every tile up to the lowest maxzoom; clients overzoom beyond it.
  const minzoom = Math.min(...members.map((l) => l.minzoom))
  const maxzoom = Math.min(...members.map((l) => l.maxzoom))
  return {
    id: 'basemap',
    title: { zh: '底图', en: 'Basemap' },
    minzoom,
    maxzoom,
    dependsOn: members.map((l) => l.id),
    sourcesAt(z) {
      if (z < minzoom || z > maxzoom) return []
      const levels = adminLevelsAt(z)
      const sources = members.filter((l) => inRange(l, z)).map((l) => layerSource(l, z, l === admin ? levels : undefined))
      if (inRange(admin, z)) sources.push({ kind: 'labels', name: 'labels', layer: admin, fields: LABEL_FIELDS, levels })
      return sources
    },
    vectorLayers: [
      ...members.map((l) => ({ id: l.id, fields: l.properties, minzoom: Math.max(l.minzoom, minzoom), maxzoom: Math.min(l.maxzoom, maxzoom) })),
      { id: 'labels', fields: LABEL_FIELDS, minzoom: admin.minzoom, maxzoom: Math.min(admin.maxzoom, maxzoom), description: 'a point inside each admin area (towns from z8, villages from z10)' },
    ],
  }
}

export const BASEMAP: Tileset = basemapTileset()

const byId = new Map<string, Tileset>(LAYERS.map((l) => [l.id, layerTileset(l)]))

/** The tileset of a catalogued layer (the caller has already checked the id). */
export function tilesetOf(layer: LayerDef): Tileset {
  return byId.get(layer.id) ?? layerTileset(layer)
}
