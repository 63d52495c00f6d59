import { followLayerChanges } from './layer-changes.ts'
import type { Router, Request, Response } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import type { DbHandle } from '../db/create-db.ts'
import { layerParam } from '../features/routes.ts'
import { handle } from '../http/errors.ts'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { scopeKey } from '../auth/layer-access.ts'
import { readScopeOf, type RequestScope } from '../auth/request-scope.ts'
import { renderTile } from './render-tile.ts'
import { registerTileCache, TileCache, type TileCacheOptions } from './tile-cache.ts'
import { parseTileCoord, tilePath } from './tile-coord.ts'
import { BASEMAP, tilesetOf, type Tileset } from './tile-sources.ts'
import { tileJson, tilesetBounds } from './tilejson.ts'
import { msSinceStart } from '../ops/request-context.ts'

export const MVT_TYPE = 'application/vnd.mapbox-vector-tile'
const CACHE_CONTROL = 'public, max-age=60'
/** Tiles of data layers depend on who asks: browsers may keep them, shared caches may not. */
const PRIVATE_CACHE_CONTROL = 'private, max-age=60'

export interface TileRouteOptions {
  cache?: TileCacheOptions
}

/** Whether If-None-Match names this entity tag (weak comparison, as for GET). */
function notModified(req: Request, hash: string): boolean {
  const header = req.get('if-none-match')
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === `"${hash}"`)
}

/**
 * Vector tiles and TileJSON for every catalogued layer and the composite basemap, mounted at
 * `/tiles`:
 * - `GET /{layer}/{z}/{x}/{y}.mvt`, `GET /basemap/{z}/{x}/{y}.mvt`: MVT 2.1; 204 when empty or
 *   outside the zoom range; gzip when accepted; ETag and 304; cached in memory
 * - `GET /{layer}.json`, `GET /basemap.json`: TileJSON 3.0.0
 */
export function tileRoutes(database: DbHandle, options: TileRouteOptions = {}): Router {
  const cache = registerTileCache(new TileCache(options.cache))
  const router = secureRouter('/tiles')

  /**
   * One tile of a tileset; for a catalogued layer, only the rows the caller may read (the scope
   * is in the SQL, and in the cache key: an officer's tiles are cached apart from the city's).
   */
  async function sendTile(req: Request, res: Response, tileset: Tileset, layer?: LayerDef): Promise<void> {
    const c = parseTileCoord(req.params)
    const access = layer ? readScopeOf(req, layer) : null
    await followLayerChanges(database)
    res.set('Cache-Control', access ? PRIVATE_CACHE_CONTROL : CACHE_CONTROL).vary('Accept-Encoding')
    const sources = tileset.sourcesAt(c.z).map((s) => (access && access.scope !== 'all' ? { ...s, scope: access.where } : s))
    if (sources.length === 0) {
      res.status(204).end()
      return
    }
    const key = `${access ? scopeKey(access.scope, access.principal) : 'public'}:${tileset.id}/${tilePath(c)}`
    let dbMs: number | null = null
    const tile = await cache.get(key, tileset.dependsOn, async () => {
      const t0 = performance.now()
      try {
        return await renderTile(database, tileset.id, sources, c)
      } finally {
        dbMs = performance.now() - t0
      }
    })
    // Server-Timing: what the tile cost in the database (when it was rendered for this request)
    // and in the server in all, as browsers' developer tools and the benchmark read it.
    const timing = () =>
      res.set('Server-Timing', `${dbMs === null ? 'cache;desc="hit"' : `db;dur=${(dbMs as number).toFixed(2)}`}, total;dur=${msSinceStart(res).toFixed(2)}`)
    if (!tile.bytes || !tile.hash) {
      timing()
      res.status(204).end()
      return
    }
    // Weak: the gzip and the identity encodings are the same tile.
    res.set('ETag', `W/"${tile.hash}"`)
    if (notModified(req, tile.hash)) {
      timing()
      res.status(304).end()
      return
    }
    res.type(MVT_TYPE)
    if (req.acceptsEncodings('gzip') === 'gzip') {
      const gzipped = (await cache.gzipped(key, tile))!
      timing()
      res.set('Content-Encoding', 'gzip').send(Buffer.from(gzipped.buffer, gzipped.byteOffset, gzipped.byteLength))
      return
    }
    timing()
    res.send(Buffer.from(tile.bytes.buffer, tile.bytes.byteOffset, tile.bytes.byteLength))
  }

  /** TileJSON; for a catalogued layer the bounds are those of the rows the caller may read. */
  async function sendTileJson(req: Request, res: Response, tileset: Tileset, isPublic: boolean, access?: RequestScope): Promise<void> {
    const scoped = access && access.scope !== 'all' ? { where: access.where, ...(access.scope === 'grids' ? { gridIds: access.principal.gridIds } : {}) } : undefined
    const bounds = await tilesetBounds(database.db, tileset, scoped)
    res.set('Cache-Control', isPublic ? CACHE_CONTROL : PRIVATE_CACHE_CONTROL).json(tileJson(tileset, `${req.protocol}://${req.get('host')}`, bounds))
  }

  router.get('/basemap.json', handle((req, res) => sendTileJson(req, res, BASEMAP, true)))
  router.get('/basemap/:z/:x/:y.mvt', handle((req, res) => sendTile(req, res, BASEMAP)))
  router.get(
    '/:layer.json',
    handle((req, res) => {
      const layer = layerParam(req)
      return sendTileJson(req, res, tilesetOf(layer), false, readScopeOf(req, layer))
    }),
  )
  router.get(
    '/:layer/:z/:x/:y.mvt',
    handle((req, res) => {
      const layer = layerParam(req)
      return sendTile(req, res, tilesetOf(layer), layer)
    }),
  )
  return router
}
