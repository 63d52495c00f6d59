import { describe, expect, it } from 'vitest'
import { errorText } from '../../client/src/api/error-text.ts'
import { parseGpsTrack } from '../../client/src/planner/gps-track.ts'
import { pathsOf, snapPoint } from '../../client/src/planner/snapping.ts'
import { UndoStack } from '../../client/src/planner/undo-stack.ts'

/** Web Mercator at zoom 0 with 512 px tiles, as MapLibre projects: enough to place points by hand. */
const project = (scale: number) => (lng: number, lat: number) => ({
  x: ((lng + 180) / 360) * 512 * scale,
  y: ((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * 512 * scale,
})

describe('snapping to grid-cell edges and zones', () => {
  // Zoom 16: 1° of longitude is 512 · 2^16 / 360 ≈ 93 207 px.
  const p = project(2 ** 16)
  const cell = pathsOf([{ type: 'Polygon', coordinates: [[[125.1, 42.9], [125.11, 42.9], [125.11, 42.91], [125.1, 42.91], [125.1, 42.9]]] }])

  it('snaps to a corner within 10 px, and a corner wins over an edge', () => {
    const c = p(125.11, 42.9)
    expect(snapPoint(c.x + 6, c.y - 5, cell, p)).toEqual([125.11, 42.9])
    expect(snapPoint(c.x + 12, c.y, cell, p)).toBeUndefined()
  })

  it('snaps to the nearest point of an edge within 8 px, on the edge as the map draws it', () => {
    const a = p(125.1, 42.9)
    const b = p(125.11, 42.9)
    const mid = { x: (a.x + b.x) / 2, y: a.y }
    const s = snapPoint(mid.x, mid.y + 7, cell, p)!
    expect(s[0]).toBeCloseTo(125.105, 9)
    expect(s[1]).toBeCloseTo(42.9, 9)
    // The west edge, a meridian: the snapped latitude is where the pointer is, in Mercator.
    const w = p(125.1, 42.905)
    const sw = snapPoint(w.x - 5, w.y, cell, p)!
    expect(sw[0]).toBeCloseTo(125.1, 9)
    expect(sw[1]).toBeCloseTo(42.905, 6)
    expect(snapPoint(mid.x, mid.y + 30, cell, p)).toBeUndefined()
  })

  it('reads rings of polygons and multipolygons and the lines of line layers', () => {
    expect(pathsOf([{ type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 5]]]] }, { type: 'LineString', coordinates: [[0, 0], [1, 1]] }, { type: 'Point', coordinates: [0, 0] }])).toHaveLength(3)
  })
})

describe('GPS tracks', () => {
  it('takes the first line of a GeoJSON file, joins a MultiLineString and drops repeated points', () => {
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [1, 1] } }, { type: 'Feature', geometry: { type: 'MultiLineString', coordinates: [[[125.1, 42.9, 210], [125.1, 42.9], [125.2, 42.9]], [[125.2, 42.9], [125.3, 43]]] } }] }
    expect(parseGpsTrack(JSON.stringify(fc), 'track.geojson')).toEqual({ type: 'LineString', coordinates: [[125.1, 42.9], [125.2, 42.9], [125.3, 43]] })
  })

  it('says why a file holds no track', () => {
    // In the UI's language (error-text.ts), saying what to do.
    const said = (text: string) => {
      try {
        parseGpsTrack(text)
      } catch (err) {
        return errorText(err)
      }
      throw new Error('no error')
    }
    expect(said('{"type":"Point","coordinates":[1,2]}')).toBe('GeoJSON 中没有线或点序列，请导入轨迹线。')
    expect(said('not json')).toBe('只能导入 GPX 或 GeoJSON 文件。')
    expect(said('{"type":"LineString","coordinates":[[1,2],[1,2]]}')).toBe('文件中不同的轨迹点少于 2 个，请换一个轨迹文件。')
    expect(said('{"type":"LineString","coordinates":[[42.9,125.1],[43,125.2]]}')).toMatch(/^轨迹点 42.9, 125.1 不是经纬度坐标/)
  })
})

describe('undo stack of snapshots', () => {
  it('undoes and redoes whole states, and a new edit drops the redo branch', () => {
    const u = new UndoStack('a')
    u.push('b')
    u.push('c')
    expect(u.undo()).toBe('b')
    expect(u.undo()).toBe('a')
    expect(u.undo()).toBeUndefined()
    expect(u.redo()).toBe('b')
    u.push('d')
    expect(u.canRedo()).toBe(false)
    expect(u.undo()).toBe('b')
    u.reset('saved')
    expect([u.current, u.canUndo(), u.canRedo()]).toEqual(['saved', false, false])
  })
})

describe('paths near the pointer', () => {
  it('keeps the paths whose box meets the pointer box', async () => {
    const { boxPaths, pathsNear } = await import('../../client/src/planner/snapping.ts')
    const boxed = boxPaths([[[0, 0], [1, 0], [1, 1]], [[5, 5], [6, 6]]])
    expect(boxed[0]!.box).toEqual([0, 0, 1, 1])
    expect(pathsNear(boxed, [0.9, 0.9, 1.1, 1.1])).toHaveLength(1)
    expect(pathsNear(boxed, [2, 2, 3, 3])).toHaveLength(0)
    expect(pathsNear(boxed, [-1, -1, 10, 10])).toHaveLength(2)
  })
})

describe('snapped points', () => {
  it('carry at most 9 decimals (terra-draw refuses more)', () => {
    const p = project(2 ** 16)
    const cell = pathsOf([{ type: 'Polygon', coordinates: [[[125.1000000001234, 42.9], [125.11, 42.9], [125.11, 42.91], [125.1000000001234, 42.9]]] }])
    const a = p(125.1, 42.9)
    const b = p(125.11, 42.9)
    for (const s of [snapPoint(a.x + 2, a.y, cell, p)!, snapPoint((a.x + b.x) / 2 + 0.37, a.y + 3, cell, p)!]) {
      for (const v of s) expect(Math.abs(v * 1e9 - Math.round(v * 1e9))).toBeLessThan(1e-3)
    }
  })
})
