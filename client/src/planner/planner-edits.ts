import type { LineString, Polygon, Position } from 'geojson'
import type maplibregl from 'maplibre-gl'
import { area, booleanPointInPolygon } from '@turf/turf'
import { ApiError } from '../api/client.ts'
import { reportError, UserError } from '../api/error-text.ts'
import { stationShortName, type Station } from '../api/stations.ts'
import { t } from '../i18n.ts'
import type { Drawing, Item, Tool } from './drawing.ts'
import { parseGpsTrack } from './gps-track.ts'
import { plannerApi, type HistoryEntry } from './planner-api.ts'
import { bboxOf, writable } from './planner-geometry.ts'
import type { PlannerOverlays } from './planner-overlays.ts'
import type { PlannerPanel } from './planner-panel.ts'

/** What the planner's edits need of the planner view. */
export interface PlannerHost {
  readonly map: maplibregl.Map
  readonly drawing: Drawing | null
  readonly panel: PlannerPanel
  readonly overlays: PlannerOverlays
  /** The selected zone or route. */
  current: Item | null
  readonly stations: readonly Station[]
  readonly stationId: number | null
  setTool(tool: Tool): void
  onSelected(item: Item | null): void
  showCurrent(item: Item | null): void
  schedulePreview(): void
  refreshTable(): Promise<void>
  /** An `invalid_geometry` answer: said, and its spot ringed; false for any other error. */
  markInvalid(err: unknown): boolean
  /** No shape is marked invalid any more. */
  resetProblem(): void
}

/*
 * The planner's edits that go through the server or a file: saving (refusals and version
 * conflicts shown), cutting a zone along a line and joining two (PostGIS), importing a GPS track
 * as a route, and a zone's or route's saved versions (browse, restore).
 */

export async function splitZone(host: PlannerHost, cut: LineString): Promise<void> {
  const d = host.drawing!
  const zone = host.current
  host.setTool('select')
  if (!zone || zone.layer !== 'patrol-zones') return host.panel.say(t('plan.needZone'), 'error')
  const geometry = d.geometryOf(zone) as Polygon
  try {
    const { parts } = await plannerApi.split(geometry, cut)
    d.setGeometry(zone, parts[0]!)
    zone.dirty = true
    parts.slice(1).forEach((part, i) => d.add('patrol-zones', part, { ...zone.props, name: `${String(zone.props.name)} (${i + 2})` }))
    d.commit()
    d.select(zone)
    host.onSelected(zone)
  } catch (err) {
    host.panel.say(t('plan.split.failed', { message: reportError('planner: split', err) }), 'error')
  }
}

/** The smallest other zone under the click joins the selected one. */
export function pickForMerge(host: PlannerHost, at: Position): void {
  const d = host.drawing!
  const keep = host.current
  if (!keep || keep.layer !== 'patrol-zones') return
  const under = d
    .live()
    .filter((i) => i.layer === 'patrol-zones' && i !== keep)
    .map((i) => ({ i, g: d.geometryOf(i) as Polygon | null }))
    .filter((x): x is { i: Item; g: Polygon } => !!x.g && booleanPointInPolygon(at, x.g))
    .sort((a, b) => area(a.g) - area(b.g))[0]
  if (under) void mergeZones(host, keep, under.i)
}

async function mergeZones(host: PlannerHost, keep: Item, other: Item): Promise<void> {
  const d = host.drawing!
  host.drawing?.setTool('select')
  host.panel.setTool('select')
  try {
    const { geometry } = await plannerApi.merge([d.geometryOf(keep) as Polygon, d.geometryOf(other) as Polygon])
    d.remove(other)
    d.setGeometry(keep, geometry)
    keep.dirty = true
    d.commit()
    d.select(keep)
    host.onSelected(keep)
  } catch (err) {
    host.panel.say(t('plan.merge.failed', { message: reportError('planner: merge', err) }), 'error')
    d.select(keep)
  }
}

export async function importTrack(host: PlannerHost): Promise<void> {
  const d = host.drawing
  const file = host.panel.importFile.files?.[0]
  host.panel.importFile.value = ''
  if (!d || !file) return
  try {
    const line = parseGpsTrack(await file.text(), file.name)
    const station = host.stations.find((s) => s.id === host.stationId)
    const zone = host.current?.layer === 'patrol-zones' ? host.current.serverId : undefined
    const item = d.add('patrol-routes', line, { name: file.name.replace(/\.[^.]+$/, '').slice(0, 100) || t('plan.newRoute'), team: station ? `${stationShortName(station.name)}巡逻组` : '', kind: 'foot', ...(zone ? { zone_id: zone } : {}) })
    d.commit()
    if (item) {
      d.select(item)
      host.onSelected(item)
    }
    host.panel.say(t('plan.import.done', { points: line.coordinates.length }), 'ok')
    const b = bboxOf([line])
    if (b) host.map.fitBounds(b, { padding: 80, duration: 0, maxZoom: 16 })
  } catch (err) {
    host.panel.say(t('plan.import.failed', { message: reportError('planner: track import', err) }), 'error')
  }
}

export async function refreshHistory(host: PlannerHost): Promise<void> {
  const item = host.current
  if (!item?.serverId) return host.panel.showHistory(null, () => {}, () => {})
  const { entries } = await plannerApi.history(item.layer, item.serverId)
  if (host.current !== item) return
  host.panel.showHistory(
    entries,
    (e) => {
      const g = e.after!.geometry
      host.overlays.history(g)
      const b = bboxOf([g as Polygon | LineString])
      if (b) host.map.fitBounds(b, { padding: { top: 80, bottom: 40, left: 40, right: 420 }, duration: 0, maxZoom: 16 })
    },
    (e) => void restoreVersion(host, item, e),
  )
}

async function restoreVersion(host: PlannerHost, item: Item, e: HistoryEntry): Promise<void> {
  const d = host.drawing
  if (!d || !item.serverId) return
  try {
    const f = await plannerApi.restore(item.layer, item.serverId, item.version!, e.id)
    d.setGeometry(item, f.geometry as Polygon | LineString)
    item.props = writable(item.layer, f.properties ?? {})
    item.version = Number(f.properties?.version)
    item.dirty = false
    d.baseline()
    host.overlays.history(null)
    host.panel.say(t('plan.history.restored', { version: (e.after?.properties as { version?: number }).version ?? '?' }), 'ok')
    host.showCurrent(item)
    host.schedulePreview()
    void host.refreshTable()
    void refreshHistory(host)
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      host.panel.say(t('plan.conflict', { version: (err.details as { currentVersion?: number } | undefined)?.currentVersion ?? '?' }), 'error', [[t('plan.conflict.reload'), () => void reloadItem(host, item)]])
      return
    }
    host.panel.say(t('plan.saveFailed', { message: reportError('planner: save', err) }), 'error')
  }
}

/** Saves items one by one (create, update or delete); stops at the first refusal and shows it. */
export async function saveItems(host: PlannerHost, items: Item[]): Promise<void> {
  const d = host.drawing
  if (!d || items.length === 0) return
  host.resetProblem()
  host.panel.say(t('plan.saving'))
  for (const item of items) {
    try {
      if (item.deleted) {
        if (item.serverId) await plannerApi.remove(item.layer, item.serverId, item.version!)
        d.items.delete(item.tdId)
        continue
      }
      const geometry = d.geometryOf(item)
      if (!geometry) throw new UserError('plan.notOnMap', { name: String(item.props.name ?? item.layer) })
      const props = { ...item.props }
      for (const k of Object.keys(props)) if (props[k] === '' || props[k] === undefined) delete props[k]
      const saved = item.serverId
        ? await plannerApi.update(item.layer, item.serverId, item.version!, geometry, props)
        : await plannerApi.create(item.layer, geometry, props)
      item.serverId = Number(saved.id)
      item.version = Number(saved.properties?.version)
      item.dirty = false
    } catch (err) {
      d.select(item)
      host.current = item
      host.showCurrent(item)
      if (host.markInvalid(err)) return
      if (err instanceof ApiError && err.status === 409) {
        const version = (err.details as { currentVersion?: number } | undefined)?.currentVersion ?? '?'
        host.panel.say(t('plan.conflict', { version }), 'error', [
          [t('plan.conflict.reload'), () => void reloadItem(host, item)],
          [t('plan.conflict.keep'), () => host.panel.say('')],
        ])
        host.panel.message.dataset.conflict = 'true'
        return
      }
      host.panel.say(t('plan.saveFailed', { message: reportError('planner: save', err) }), 'error')
      return
    }
  }
  d.baseline()
  host.resetProblem()
  host.panel.say(t('plan.saved'), 'ok')
  host.showCurrent(host.current)
  void host.refreshTable()
  void refreshHistory(host)
}

/** The saved version replaces the local edit (after a conflict, the planner chose to reload). */
export async function reloadItem(host: PlannerHost, item: Item): Promise<void> {
  const d = host.drawing
  if (!d || !item.serverId) return
  const f = await plannerApi.feature(item.layer, item.serverId)
  d.setGeometry(item, f.geometry as Polygon | LineString)
  item.props = writable(item.layer, f.properties ?? {})
  item.version = Number(f.properties?.version)
  item.dirty = false
  d.baseline()
  host.panel.say('')
  delete host.panel.message.dataset.conflict
  host.showCurrent(item)
  host.schedulePreview()
  void refreshHistory(host)
}
