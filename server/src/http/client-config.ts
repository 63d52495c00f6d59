import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import type { Config } from '../config.ts'

/** Tianditu's Web Mercator layers (`_w`; the `_c` lon/lat layers do not fit MapLibre). */
function tianditu(key: string) {
  const wmts = (layer: string) =>
    Array.from({ length: 8 }, (_, i) => `https://t${i}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${key}`)
  return { name: '天地图', tiles: wmts('vec'), overlayTiles: wmts('cva'), tileSize: 256, maxzoom: 18, datum: 'CGCS2000', attribution: '© 天地图 (CGCS2000)' }
}

/** `GET /api/config`: what the client needs to know about this installation (its basemap). */
export type BasemapConfig = Pick<Config, 'BASEMAP' | 'TIANDITU_KEY' | 'BASEMAP_DATUM'>

export function basemapOf(config: BasemapConfig) {
  return config.BASEMAP === 'none'
    ? null
    : config.BASEMAP === 'tianditu'
      ? tianditu(config.TIANDITU_KEY!)
      : { name: 'XYZ', tiles: [config.BASEMAP], tileSize: 256, maxzoom: 19, datum: config.BASEMAP_DATUM }
}

/** The origins the basemap's tiles come from (the only ones the page's CSP lets in besides itself). */
export function basemapOrigins(config: BasemapConfig): string[] {
  const b = basemapOf(config)
  if (!b) return []
  const urls = [...b.tiles, ...('overlayTiles' in b ? b.overlayTiles : [])]
  return [...new Set(urls.map((u) => new URL(u.replace(/[{}]/g, '')).origin))]
}

export function clientConfigRoutes(config: BasemapConfig): Router {
  const basemap = basemapOf(config)
  const router = secureRouter('/api')
  router.get('/config', (_req, res) => {
    res.json({ basemap })
  })
  return router
}
