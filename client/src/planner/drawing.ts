import type { LineString, Polygon, Position } from 'geojson'
import type maplibregl from 'maplibre-gl'
import { TerraDraw, TerraDrawLineStringMode, TerraDrawPolygonMode, TerraDrawRenderMode, TerraDrawSelectMode, type GeoJSONStoreFeatures, type SnapToCustom } from 'terra-draw'
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter'
import type { PlannedLayer } from './planner-api.ts'
import { UndoStack } from './undo-stack.ts'

/** A zone or route on the planner's map: its saved identity and the properties the planner edits. */
export interface Item {
  /** terra-draw's feature id. */
  tdId: string
  layer: PlannedLayer
  serverId?: number
  version?: number
  props: Record<string, unknown>
  dirty: boolean
  /** Saved, removed on the map: deleted on the next save. */
  deleted?: boolean
}

export type Tool = 'select' | 'zone' | 'route' | 'split' | 'merge'

interface Snapshot {
  items: Item[]
  geometries: Record<string, Polygon | LineString>
}

const MODE_OF: Record<PlannedLayer, string> = { 'patrol-zones': 'polygon', 'patrol-routes': 'linestring' }
/** terra-draw keeps 9 decimals (≈ 0.1 mm); more is refused. */
const round9 = (p: Position): Position => [Math.round(p[0]! * 1e9) / 1e9, Math.round(p[1]! * 1e9) / 1e9]

export function roundGeometry<G extends Polygon | LineString>(g: G): G {
  if (g.type === 'Polygon') return { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(round9)) } as G
  return { type: 'LineString', coordinates: (g as LineString).coordinates.map(round9) } as G
}

export interface DrawingEvents {
  /** A zone or route was drawn (or a split line finished: `cut`). */
  drawn(item: Item | null, cut?: LineString): void
  /** An item's geometry was edited in select mode. */
  edited(item: Item): void
  selected(item: Item | null): void
  /** The geometry being drawn (`drawing`) or dragged changed (for the live workload). */
  moving(geometry: Polygon | LineString, tdId: string, drawing: boolean): void
}

/**
 * The planner's drawing: terra-draw on the MapLibre map (polygon zones, linestring routes, a
 * select mode to move, insert and delete vertices, a line mode for split cuts), snapping through
 * `snapping.toCustom`, and the items behind the features with an undo stack of snapshots.
 */
export class Drawing {
  readonly draw: TerraDraw
  readonly items = new Map<string, Item>()
  private readonly undo: UndoStack<Snapshot>
  private tool: Tool = 'select'
  private restoring = false

  constructor(
    map: maplibregl.Map,
    snap: SnapToCustom,
    private readonly events: DrawingEvents,
  ) {
    const coordinates = { draggable: true, midpoints: true, deletable: true, snappable: { toCustom: snap } }
    this.draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map }),
      modes: [
        new TerraDrawSelectMode({
          flags: {
            polygon: { feature: { draggable: false, coordinates } },
            linestring: { feature: { draggable: false, coordinates } },
          },
          styles: { selectedPolygonColor: '#fbbf24', selectedPolygonOutlineColor: '#fde68a', selectedPolygonFillOpacity: 0.35, selectedLineStringColor: '#fde68a', selectionPointColor: '#fde68a', midPointColor: '#94a3b8' },
        }),
        new TerraDrawPolygonMode({ snapping: { toCustom: snap }, styles: { fillColor: '#f59e0b', fillOpacity: 0.22, outlineColor: '#f59e0b', outlineWidth: 2, closingPointColor: '#fde68a', snappingPointColor: '#22d3ee' } }),
        new TerraDrawLineStringMode({ snapping: { toCustom: snap }, styles: { lineStringColor: '#fb923c', lineStringWidth: 3, snappingPointColor: '#22d3ee' } }),
        new TerraDrawLineStringMode({ modeName: 'cutline', styles: { lineStringColor: '#f43f5e', lineStringWidth: 2 } }),
        // Merging picks the second zone with a plain map click (select mode would pick whichever polygon it likes).
        new TerraDrawRenderMode({ modeName: 'pick', styles: {} }),
      ],
    })
    this.draw.start()
    this.draw.setMode('select')
    this.undo = new UndoStack(this.snapshot())
    this.draw.on('finish', (id, ctx) => this.onFinish(String(id), ctx.mode, ctx.action))
    this.draw.on('select', (id) => events.selected(this.items.get(String(id)) ?? null))
    this.draw.on('deselect', () => events.selected(null))
    this.draw.on('change', (ids, type) => {
      if (this.restoring || type === 'delete') return
      for (const id of ids) {
        const f = this.draw.getSnapshotFeature(id)
        if (!f || f.properties.mode === 'cutline') continue
        const drawing = f.properties.currentlyDrawing === true
        if ((drawing || this.items.has(String(id))) && (f.geometry.type === 'Polygon' || f.geometry.type === 'LineString')) events.moving(f.geometry, String(id), drawing)
      }
    })
  }

  get currentTool(): Tool {
    return this.tool
  }

  setTool(tool: Tool): void {
    this.tool = tool
    const mode = tool === 'zone' ? 'polygon' : tool === 'route' ? 'linestring' : tool === 'split' ? 'cutline' : tool === 'merge' ? 'pick' : 'select'
    if (this.draw.getMode() !== mode) this.draw.setMode(mode)
  }

  geometryOf(item: Item): Polygon | LineString | null {
    const f = this.draw.getSnapshotFeature(item.tdId)
    return f && (f.geometry.type === 'Polygon' || f.geometry.type === 'LineString') ? f.geometry : null
  }

  live(): Item[] {
    return [...this.items.values()].filter((i) => !i.deleted)
  }

  /** Replaces everything with saved features (loading a station). */
  load(features: Array<{ layer: PlannedLayer; id: number; version: number; props: Record<string, unknown>; geometry: Polygon | LineString }>): number {
    this.restoring = true
    this.draw.clear()
    this.items.clear()
    let refused = 0
    for (const f of features) {
      const tdId = String(this.draw.getFeatureId())
      const [result] = this.draw.addFeatures([{ id: tdId, type: 'Feature', geometry: roundGeometry(f.geometry), properties: { mode: MODE_OF[f.layer] } } as GeoJSONStoreFeatures])
      if (!result?.valid) {
        refused++
        continue
      }
      this.items.set(tdId, { tdId, layer: f.layer, serverId: f.id, version: f.version, props: f.props, dirty: false })
    }
    this.restoring = false
    this.undo.reset(this.snapshot())
    return refused
  }

  /** Adds a new, unsaved feature (an imported track, a split part). */
  add(layer: PlannedLayer, geometry: Polygon | LineString, props: Record<string, unknown>): Item | null {
    const tdId = String(this.draw.getFeatureId())
    const [result] = this.draw.addFeatures([{ id: tdId, type: 'Feature', geometry: roundGeometry(geometry), properties: { mode: MODE_OF[layer] } } as GeoJSONStoreFeatures])
    if (!result?.valid) throw new Error(result?.reason ?? 'the geometry was refused')
    const item: Item = { tdId, layer, props, dirty: true }
    this.items.set(tdId, item)
    return item
  }

  setGeometry(item: Item, geometry: Polygon | LineString): void {
    this.draw.updateFeatureGeometry(item.tdId, roundGeometry(geometry))
  }

  /** Takes an item off the map: a saved one is deleted on save, a new one is forgotten. */
  remove(item: Item): void {
    if (this.draw.hasFeature(item.tdId)) {
      this.deselectAll()
      this.draw.removeFeatures([item.tdId])
    }
    if (item.serverId) item.deleted = true
    else this.items.delete(item.tdId)
  }

  select(item: Item): void {
    if (this.draw.getMode() !== 'select') this.setTool('select')
    if (this.draw.hasFeature(item.tdId)) this.draw.selectFeature(item.tdId)
  }

  deselectAll(): void {
    for (const f of this.draw.getSnapshot()) if (f.properties.selected) this.draw.deselectFeature(f.id!)
  }

  /** Records the current drawing as one undo step. */
  commit(): void {
    this.undo.push(this.snapshot())
  }

  /** The current drawing is the saved state (after load or save): nothing to undo past it. */
  baseline(): void {
    this.undo.reset(this.snapshot())
  }

  canUndo(): boolean {
    return this.undo.canUndo()
  }

  canRedo(): boolean {
    return this.undo.canRedo()
  }

  /** Undoes one step: the item it changed that is on the map now (null: none, e.g. a drawing undone), undefined when there was nothing to undo. */
  stepBack(): Item | null | undefined {
    const before = this.undo.current
    const s = this.undo.undo()
    if (!s) return undefined
    this.restore(s)
    return this.changedBetween(before, s)
  }

  /** Redoes one step: the item it changed (null: none), undefined when there was nothing to redo. */
  stepForward(): Item | null | undefined {
    const before = this.undo.current
    const s = this.undo.redo()
    if (!s) return undefined
    this.restore(s)
    return this.changedBetween(before, s)
  }

  /** The first item on the map in `after` that is new or whose shape or properties differ from `before`. */
  private changedBetween(before: Snapshot, after: Snapshot): Item | null {
    const old = new Map(before.items.map((i) => [i.tdId, i]))
    for (const i of after.items) {
      const g = after.geometries[i.tdId]
      if (i.deleted || !g || !this.draw.hasFeature(i.tdId)) continue
      const o = old.get(i.tdId)
      if (!o || o.deleted || JSON.stringify(before.geometries[i.tdId]) !== JSON.stringify(g) || JSON.stringify(o.props) !== JSON.stringify(i.props)) return this.items.get(i.tdId) ?? null
    }
    return null
  }

  dirtyItems(): Item[] {
    return [...this.items.values()].filter((i) => i.dirty || (i.deleted && i.serverId))
  }

  stop(): void {
    this.draw.stop()
  }

  private snapshot(): Snapshot {
    const geometries: Record<string, Polygon | LineString> = {}
    for (const f of this.draw.getSnapshot()) {
      if (this.items.has(String(f.id)) && (f.geometry.type === 'Polygon' || f.geometry.type === 'LineString')) geometries[String(f.id)] = f.geometry
    }
    return { items: [...this.items.values()].map((i) => ({ ...i, props: { ...i.props } })), geometries: structuredClone(geometries) }
  }

  private restore(s: Snapshot): void {
    this.restoring = true
    this.setTool('select')
    this.draw.clear()
    this.items.clear()
    for (const item of s.items) {
      this.items.set(item.tdId, { ...item, props: { ...item.props } })
      const g = s.geometries[item.tdId]
      if (item.deleted || !g) continue
      const [result] = this.draw.addFeatures([{ id: item.tdId, type: 'Feature', geometry: roundGeometry(g), properties: { mode: MODE_OF[item.layer] } } as GeoJSONStoreFeatures])
      // terra-draw refuses some shapes it drew itself (a polygon crossing itself): keep the item, say so on save.
      if (!result?.valid) console.warn(`planner: ${item.layer} ${item.serverId ?? 'new'} could not be put back on the map: ${result?.reason}`)
    }
    this.restoring = false
    this.events.selected(null)
  }

  private onFinish(id: string, mode: string, action: string): void {
    if (action === 'draw') {
      const f = this.draw.getSnapshotFeature(id)
      if (mode === 'cutline') {
        this.draw.removeFeatures([id])
        this.events.drawn(null, f?.geometry as LineString)
        return
      }
      const layer: PlannedLayer = mode === 'polygon' ? 'patrol-zones' : 'patrol-routes'
      const item: Item = { tdId: id, layer, props: {}, dirty: true }
      this.items.set(id, item)
      this.events.drawn(item)
      return
    }
    const item = this.items.get(id)
    if (!item) return
    item.dirty = true
    this.events.edited(item)
  }
}
