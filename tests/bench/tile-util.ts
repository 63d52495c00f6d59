import { request, type Agent } from 'node:http'
import type { DbHandle } from '../../server/src/db/create-db.ts'
import { renderTileInNode } from '../../server/src/tiles/render-tile.ts'
import type { TileCoord } from '../../server/src/tiles/tile-coord.ts'
import { mvtLayerQuery, oneRow } from '../../server/src/tiles/tile-sql.ts'
import type { TileSource } from '../../server/src/tiles/tile-sources.ts'

/** What the tile benches share: percentiles, a kept-alive GET, and a tile without the API. */
export interface Stats {
  p50: number
  p95: number
}

export function percentiles(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b)
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!
  return { p50: at(0.5), p95: at(0.95) }
}

export interface Response {
  bytes: number
  /** The server's own time for the request (its Server-Timing `total`). */
  serverMs: number
}

/** GET over a kept-alive connection; resolves with the body length and the server's time. */
/** `status` null: a tile (200) or no tile (204) are both answers. */
export function httpGet(url: string, agent: Agent, auth: Record<string, string>, status: number | null = 200): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { 'accept-encoding': 'gzip', ...auth } }, (res) => {
      let n = 0
      const serverMs = Number(/total;dur=([\d.]+)/.exec(String(res.headers['server-timing'] ?? ''))?.[1] ?? NaN)
      res.on('data', (c: Buffer) => (n += c.length))
      res.on('end', () => ((status === null ? res.statusCode === 200 || res.statusCode === 204 : res.statusCode === status) ? resolve({ bytes: n, serverMs }) : reject(new Error(`${url}: ${res.statusCode}`))))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** The tile without the API: the statement the server would run (ST_AsMVT), or rows + Node encoding on PGlite. */
export function bareTile(database: DbHandle, layerId: string, sources: TileSource[], c: TileCoord): () => Promise<number> {
  if (database.backend === 'postgres') {
    const query = oneRow(sources.map((s) => mvtLayerQuery(s, c)), ['mvt', 'n'])
    return async () => {
      const r = await query.execute(database.db)
      return (r.rows[0]!.l0_mvt as Uint8Array).byteLength
    }
  }
  return async () => (await renderTileInNode(database, layerId, sources, c))?.byteLength ?? 0
}

