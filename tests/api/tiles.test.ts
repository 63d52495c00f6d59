import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findLayer, LAYERS, type LayerDef } from '../../data/catalog/layers.ts'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { renderTile, renderTileInNode } from '../../server/src/tiles/render-tile.ts'
import { invalidateLayer } from '../../server/src/tiles/tile-cache.ts'
import { TILE_BUFFER, TILE_EXTENT, type TileCoord } from '../../server/src/tiles/tile-coord.ts'
import { BASEMAP, CLUSTER_BELOW_ZOOM, tilesetOf, type Tileset } from '../../server/src/tiles/tile-sources.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { authHeader } from '../helpers/accounts.ts'
import { getTestDb, scalar, type TestDb } from '../helpers/test-db.ts'
import { byId, CENTRE, centreTile, decode, extentOf, features, path, rawGet, tileAt } from '../helpers/tiles.ts'

describe('vector tiles', () => {
  let t: TestDb
  let server: TestServer
  beforeAll(async () => {
    t = await getTestDb()
    server = await listen(createApp({ database: t, logger: createLogger('silent') }))
  })
  afterAll(() => server.close())

  const getTile = async (tileset: string, c: TileCoord): Promise<Uint8Array | null> => {
    const res = await rawGet(server.url + path(tileset, c), { 'accept-encoding': 'identity' })
    if (res.status === 204) return null
    expect(res.status, `${path(tileset, c)}: ${res.body.toString().slice(0, 300)}`).toBe(200)
    return new Uint8Array(res.body)
  }

  /**
   * The rows of a layer in the tile, found independently: `geom && ST_Transform(ST_TileEnvelope(z, x, y), 4326)`,
   * less those whose box overlaps the tile while the shape itself stays outside the tile and its
   * buffer (nothing is left of them to draw; ST_AsMVTGeom drops them too).
   */
  async function rowsInTile(layer: LayerDef, { z, x, y }: TileCoord): Promise<Map<number, Record<string, unknown>>> {
    const props = sql.join(layer.properties.map((p) => sql`${p.name}::text, ${sql.ref(p.name)}`))
    const r = await sql<{ id: number; props: string; reaches: boolean }>`
      SELECT id::int AS id, json_build_object(${props})::text AS props,
        ST_Intersects(geom, ST_Transform(ST_TileEnvelope(${z}, ${x}, ${y}, margin => ${TILE_BUFFER / TILE_EXTENT}::float8), 4326)) AS reaches
      FROM ${sql.table(layer.table)}
      WHERE geom && ST_Transform(ST_TileEnvelope(${z}, ${x}, ${y}), 4326) ORDER BY id`.execute(t.db)
    return new Map(r.rows.filter((row) => row.reaches).map((row) => [row.id, JSON.parse(row.props) as Record<string, unknown>]))
  }

  /** The centre tile, or when the layer has nothing there, the tile of its feature nearest to the centre. */
  async function busyTileNearCentre(layer: LayerDef, z: number): Promise<TileCoord> {
    const centre = centreTile(z)
    if ((await rowsInTile(layer, centre)).size > 0) return centre
    const r = await sql<{ lon: number; lat: number }>`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM ${sql.table(layer.table)}
      ORDER BY geom <-> ST_SetSRID(ST_MakePoint(${CENTRE.lon}, ${CENTRE.lat}), 4326) LIMIT 1) s`.execute(t.db)
    return tileAt(r.rows[0]!.lon, r.rows[0]!.lat, z)
  }

  /** A tile property against the database value, by catalogued type. */
  function expectSameProperties(layer: LayerDef, id: number, tile: Record<string, unknown>, db: Record<string, unknown>): void {
    for (const p of layer.properties) {
      const label = `${layer.id} ${id} ${p.name}`
      const expected = db[p.name]
      const actual = tile[p.name]
      if (expected === null || expected === undefined) {
        expect(actual, label).toBeUndefined()
        continue
      }
      switch (p.type) {
        case 'json':
          expect(typeof actual, label).toBe('string')
          expect(JSON.parse(actual as string), label).toEqual(expected)
          break
        case 'datetime':
        case 'date':
          expect(typeof actual, label).toBe('string')
          expect(Date.parse(actual as string), label).toBe(Date.parse(expected as string))
          break
        case 'number':
          expect(actual as number, label).toBeCloseTo(expected as number, 5)
          break
        default:
          expect(actual, label).toEqual(expected)
      }
    }
    expect(Object.keys(tile).every((k) => layer.properties.some((p) => p.name === k)), `${layer.id} ${id} has only catalogued properties`).toBe(true)
  }

  describe('features at z14 in the city centre', () => {
    /** Checks one tile against the database; returns how many features it held. */
    async function checkTile(layer: LayerDef, c: TileCoord): Promise<number> {
      const label = `${layer.id} ${c.z}/${c.x}/${c.y}`
      const expected = await rowsInTile(layer, c)
      const bytes = await getTile(layer.id, c)
      if (expected.size === 0) {
        expect(bytes, `${label} is empty`).toBeNull()
        return 0
      }
      const tile = decode(bytes!)
      expect(Object.keys(tile.layers), label).toEqual([layer.id])
      const got = byId(tile, layer.id)
      expect([...got.keys()].sort((a, b) => a - b), `${label} ids`).toEqual([...expected.keys()])
      for (const [fid, props] of got) expectSameProperties(layer, fid, props, expected.get(fid)!)
      const mvtLayer = tile.layers[layer.id]!
      expect(mvtLayer.extent).toBe(TILE_EXTENT)
      expect(mvtLayer.version).toBe(2)
      for (const f of features(tile, layer.id)) {
        expect(f.type, `${label} ${f.id} geometry type`).toBe(layer.geometry === 'Point' ? 1 : layer.geometry.includes('Line') ? 2 : 3)
        const [minX, minY, maxX, maxY] = extentOf(f)
        expect(Math.min(minX, minY), `${label} ${f.id}`).toBeGreaterThanOrEqual(-TILE_BUFFER)
        expect(Math.max(maxX, maxY), `${label} ${f.id}`).toBeLessThanOrEqual(TILE_EXTENT + TILE_BUFFER)
      }
      return got.size
    }

    for (const id of ['grid-cells', 'schools', 'hazards']) {
      it(`${id}: the ids SQL finds in the tile envelope, their properties, geometry within the buffer (the centre tile and its neighbours)`, async () => {
        const layer = findLayer(id)!
        const c = await busyTileNearCentre(layer, 14)
        let total = 0
        for (const dx of [-1, 0, 1]) for (const dy of [-1, 0, 1]) total += await checkTile(layer, { z: 14, x: c.x + dx, y: c.y + dy })
        expect(total, `${id} has features around the centre`).toBeGreaterThan(0)
        expect(await checkTile(layer, c), `${id} has features in the middle tile`).toBeGreaterThan(0)
      })
    }
  })

  describe('the Node encoder gives the same tile as the served one', () => {
    const cases: Array<[Tileset, number]> = [
      ...LAYERS.flatMap((l): Array<[Tileset, number]> => [[tilesetOf(l), 14], [tilesetOf(l), 12], [tilesetOf(l), 10]]),
      [BASEMAP, 8],
      [BASEMAP, 10],
      [BASEMAP, 12],
      [BASEMAP, 14],
    ]
    it(`for every layer and the basemap at z8–z14 in the centre (${cases.length} tiles)`, async () => {
      let compared = 0
      for (const [tileset, z] of cases) {
        const c = centreTile(z)
        const served = await getTile(tileset.id, c)
        const inNode = await renderTileInNode(t, tileset.id, tileset.sourcesAt(z), c)
        const label = `${tileset.id} ${z}/${c.x}/${c.y}`
        if (t.backend === 'pglite') {
          // PGlite serves the Node encoding itself: byte for byte.
          expect(served === null ? null : Buffer.from(served).toString('base64'), label).toBe(inNode === null ? null : Buffer.from(inNode).toString('base64'))
        }
        // On PostgreSQL the served tile is ST_AsMVT: same layers, ids and properties (geometry may differ slightly).
        expect(served === null, `${label} empty`).toBe(inNode === null)
        if (!served || !inNode) continue
        const a = decode(served)
        const b = decode(inNode)
        expect(Object.keys(a.layers).sort(), label).toEqual(Object.keys(b.layers).sort())
        for (const name of Object.keys(a.layers)) {
          const pa = byId(a, name)
          const pb = byId(b, name)
          expect([...pa.keys()].sort((x, y) => x - y), `${label} ${name} ids`).toEqual([...pb.keys()].sort((x, y) => x - y))
          for (const [id, props] of pa) expect(props, `${label} ${name} ${id}`).toEqual(pb.get(id))
          for (const fa of features(a, name)) {
            const fb = features(b, name).find((g) => g.id === fa.id)!
            expect(fa.type, `${label} ${name} ${fa.id} type`).toBe(fb.type)
            // Clipping and simplification differ a little; the shapes must still coincide. The Node
            // encoder simplifies (geojson-vt, tolerance 3 of 4096) and ST_AsMVTGeom snaps: an extreme
            // vertex one keeps may be dropped by the other, so an edge may move a few units (0.2 %).
            const [ba, bb] = [extentOf(fa), extentOf(fb)]
            ba.forEach((v, i) => expect(Math.abs(v - bb[i]!), `${label} ${name} ${fa.id} bbox ${ba} vs ${bb}`).toBeLessThanOrEqual(8))
          }
        }
        compared++
      }
      expect(compared).toBeGreaterThan(cases.length / 2)
    })
  })

  describe('clusters', () => {
    it('below z13 a dense point layer is one point per cluster whose counts add up to the features in the tile', async () => {
      const layer = findLayer('incidents')!
      expect(layer.cluster).toBe(true)
      for (const z of [10, 12]) {
        const c = centreTile(z)
        const inEnvelope = await scalar<number>(t.db, sql`SELECT count(*)::int FROM incidents WHERE geom && ST_Transform(ST_TileEnvelope(${c.z}, ${c.x}, ${c.y}), 4326)`)
        expect(inEnvelope).toBeGreaterThan(0)
        const clusters = features(decode((await getTile('incidents', c))!), 'incidents')
        const counts = clusters.map((f) => f.properties.count as number)
        expect(counts.every((n) => Number.isInteger(n) && n >= 1), `z${z}`).toBe(true)
        expect(counts.reduce((a, b) => a + b, 0), `z${z}`).toBe(inEnvelope)
        expect(clusters.length, `z${z} clusters fewer than points`).toBeLessThan(inEnvelope)
        expect(new Set(clusters.map((f) => f.id)).size).toBe(clusters.length)
        expect(clusters.every((f) => f.type === 1 && Object.keys(f.properties).join() === 'count')).toBe(true)
      }
    })

    it(`from z${CLUSTER_BELOW_ZOOM} the features themselves`, async () => {
      const layer = findLayer('incidents')!
      const c = centreTile(CLUSTER_BELOW_ZOOM)
      const expected = await rowsInTile(layer, c)
      const got = byId(decode((await getTile('incidents', c))!), 'incidents')
      expect([...got.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()])
      for (const [fid, props] of got) expectSameProperties(layer, fid, props, expected.get(fid)!)
    })
  })

  describe('the composite basemap', () => {
    it('has admin areas, grid cells, rivers and label points at z12 in the centre', async () => {
      const tile = decode((await getTile('basemap', centreTile(12)))!)
      expect(Object.keys(tile.layers).sort()).toEqual(['admin-areas', 'grid-cells', 'labels', 'rivers'])
      const labels = features(tile, 'labels')
      expect(labels.length).toBeGreaterThan(0)
      for (const f of labels) {
        expect(f.type).toBe(1)
        expect(typeof f.properties.name).toBe('string')
        expect(['city', 'district', 'town', 'village']).toContain(f.properties.level)
      }
      expect(new Set(features(tile, 'admin-areas').map((f) => f.properties.level))).toContain('village')
    })

    it('thins admin areas by zoom: no villages before z10, no towns before z8', async () => {
      const levelsAt = async (z: number) => {
        const bytes = await getTile('basemap', centreTile(z))
        const tile = decode(bytes!)
        return new Set([...features(tile, 'admin-areas'), ...features(tile, 'labels')].map((f) => f.properties.level as string))
      }
      const z9 = await levelsAt(9)
      expect(z9.has('village')).toBe(false)
      expect(z9.has('town')).toBe(true)
      const z7 = await levelsAt(7)
      expect([...z7].every((l) => l === 'city' || l === 'district')).toBe(true)
      expect((await levelsAt(10)).has('village')).toBe(true)
    })
  })

  describe('errors', () => {
    it('wraps a database error with the tile and layer, shortened', async () => {
      const broken = { ...findLayer('schools')!, id: 'broken', table: 'no_such_table' }
      const c = centreTile(14)
      const sources = tilesetOf(broken).sourcesAt(14)
      const failure = await renderTile(t, 'broken', sources, c).then(
        () => null,
        (err: Error) => err,
      )
      expect(failure?.message).toMatch(new RegExp(`^unable to get tile 14/${c.x}/${c.y} of layer broken: .*no_such_table`))
      expect(failure!.message.length).toBeLessThan(700)
    })
  })

  describe('cache', () => {
    /** Polls a tile until `check` holds (the NOTIFY after a commit is asynchronous). */
    async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
      for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 50))) if (await check()) return true
      return false
    }

    it('serves a cached tile, then the change once any writer commits to its table (NOTIFY from the database)', async () => {
      const c = centreTile(14)
      const before = byId(decode((await getTile('hazards', c))!), 'hazards')
      const id = [...before.keys()][0]!
      const original = await scalar<string | null>(t.db, sql`SELECT description FROM hazards WHERE id = ${id}`)
      const etagOf = async () => (await rawGet(server.url + path('hazards', c))).headers.etag
      const etagBefore = await etagOf()
      expect(await etagOf()).toBe(etagBefore)
      try {
        // Behind the API's back, in plain SQL: the table's trigger tells every tile cache.
        await sql`UPDATE hazards SET description = 'tile cache test' WHERE id = ${id}`.execute(t.db)
        expect(await eventually(async () => byId(decode((await getTile('hazards', c))!), 'hazards').get(id)!.description === 'tile cache test')).toBe(true)
        expect(await etagOf()).not.toBe(etagBefore)
      } finally {
        await sql`UPDATE hazards SET description = ${original} WHERE id = ${id}`.execute(t.db)
      }
      expect(await eventually(async () => (await etagOf()) === etagBefore)).toBe(true)
    })

    it('shows a feature created through the API in the next tile', async () => {
      const c = centreTile(14)
      await getTile('hazards', c)
      const created = await fetch(`${server.url}/api/layers/hazards/features`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeader('admin') },
        body: JSON.stringify({ geometry: { type: 'Point', coordinates: [CENTRE.lon + 0.0001, CENTRE.lat + 0.0001] }, properties: { category: 'fire', source: 'offline', description: 'TILE-TEST' } }),
      }).then((r) => r.json() as Promise<{ id: number }>)
      try {
        const z14 = tileAt(CENTRE.lon + 0.0001, CENTRE.lat + 0.0001, 14)
        expect(await eventually(async () => byId(decode((await getTile('hazards', z14))!), 'hazards').has(created.id))).toBe(true)
      } finally {
        await sql`DELETE FROM hazards WHERE description = 'TILE-TEST'`.execute(t.db)
      }
    })

    it('drops basemap tiles when one of its layers changes', async () => {
      const c = centreTile(14)
      const cell = [...byId(decode((await getTile('basemap', c))!), 'grid-cells').keys()][0]!
      const name = await scalar<string>(t.db, sql`SELECT name FROM grid_cells WHERE id = ${cell}`)
      try {
        await sql`UPDATE grid_cells SET name = 'renamed for the tile test' WHERE id = ${cell}`.execute(t.db)
        expect(await eventually(async () => byId(decode((await getTile('basemap', c))!), 'grid-cells').get(cell)!.name === 'renamed for the tile test')).toBe(true)
      } finally {
        await sql`UPDATE grid_cells SET name = ${name} WHERE id = ${cell}`.execute(t.db)
        invalidateLayer('grid-cells')
      }
    })
  })
})
