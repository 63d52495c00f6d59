import type { Feature, Geometry } from 'geojson'
import type { Kysely } from 'kysely'
import type { DbHandle } from '../db/create-db.ts'
import { errorMessage } from '../logger.ts'
import { encodeTileInNode, type GeoJsonTileLayer } from './encode-tile.ts'
import { tilePath, type TileCoord } from './tile-coord.ts'
import { geoJsonLayerQuery, mvtLayerQuery, oneRow } from './tile-sql.ts'
import type { TileSource } from './tile-sources.ts'

/** An encoded tile, or null when it has no feature (served as 204). */
export type TileBytes = Uint8Array | null

/**
 * Renders the MVT layers of one tile. The one place the backends differ: PostgreSQL's PostGIS
 * encodes with ST_AsMVT; PGlite's is built without protobuf-c, so the same rows come back as
 * clipped GeoJSON and Node encodes them.
 */
export async function renderTile(database: DbHandle, tileset: string, sources: readonly TileSource[], c: TileCoord): Promise<TileBytes> {
  if (sources.length === 0) return null
  return withContext(tileset, c, async () => {
    switch (database.backend) {
      case 'postgres':
        return renderInSql(database.db, sources, c)
      case 'pglite':
        return encodeTileInNode(await readTileLayers(database.db, sources, c), c)
      default:
        return database.backend satisfies never
    }
  })
}

/** ST_AsMVT per layer, concatenated (MVT layers are independent protobuf messages). */
async function renderInSql(db: Kysely<any>, sources: readonly TileSource[], c: TileCoord): Promise<TileBytes> {
  const row = await single(oneRow(sources.map((s) => mvtLayerQuery(s, c)), ['mvt', 'n']).execute(db))
  const parts: Uint8Array[] = []
  let features = 0
  sources.forEach((_, i) => {
    features += Number(row[`l${i}_n`])
    const mvt = row[`l${i}_mvt`] as Uint8Array
    if (mvt.byteLength > 0) parts.push(mvt)
  })
  return features === 0 ? null : Buffer.concat(parts)
}

/**
 * The tile's layers as GeoJSON in EPSG:4326, clipped to the buffered tile by the database: what
 * the Node encoder takes. Runs on either backend.
 */
export async function readTileLayers(db: Kysely<any>, sources: readonly TileSource[], c: TileCoord): Promise<GeoJsonTileLayer[]> {
  const row = await single(oneRow(sources.map((s) => geoJsonLayerQuery(s, c)), ['features', 'n']).execute(db))
  return sources.map((s, i) => {
    const rows = JSON.parse(String(row[`l${i}_features`])) as Array<{ id: number; geom: Geometry; [field: string]: unknown }>
    const features = rows.map(({ id, geom, ...properties }): Feature => ({ type: 'Feature', id, geometry: geom, properties }))
    return { name: s.name, features }
  })
}

/** Same tile through the Node encoder on any backend (for tests and the benchmark). */
export async function renderTileInNode(database: DbHandle, tileset: string, sources: readonly TileSource[], c: TileCoord): Promise<TileBytes> {
  if (sources.length === 0) return null
  return withContext(tileset, c, async () => encodeTileInNode(await readTileLayers(database.db, sources, c), c))
}

/** An aggregate query always answers one row; none means PGlite swallowed an error. */
async function single<R>(result: Promise<{ rows: R[] }>): Promise<R> {
  const { rows } = await result
  if (rows.length !== 1) throw new Error(`the tile query returned ${rows.length} rows instead of 1 (a swallowed GEOS error?)`)
  return rows[0]!
}

const MAX_MESSAGE = 500

async function withContext<T>(tileset: string, c: TileCoord, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    // PGlite messages can carry megabytes of source: keep the start.
    const message = errorMessage(err)
    const short = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message
    throw new Error(`unable to get tile ${tilePath(c)} of layer ${tileset}: ${short}`)
  }
}
