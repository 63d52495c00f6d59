import type { Feature, LineString, Polygon, Position } from 'geojson'
import type maplibregl from 'maplibre-gl'
import { ApiError } from '../api/client.ts'
import { errorText, geometryReason } from '../api/error-text.ts'
import { fetchStations, stationAt, stationShortName, type Station } from '../api/stations.ts'
import { stationOptions } from '../views/station-select.ts'
import { onLangChange, t } from '../i18n.ts'
import type { LayerController } from '../layers/layer-controller.ts'
import { Drawing, type Item, type Tool } from './drawing.ts'
import { planMode } from './plan-mode.ts'
import { plannerApi, type PlannedLayer, type WorkloadPreview } from './planner-api.ts'
import { bboxOf, writable } from './planner-geometry.ts'
import { PlannerOverlays } from './planner-overlays.ts'
import { importTrack, pickForMerge, refreshHistory, saveItems, splitZone, type PlannerHost } from './planner-edits.ts'
import { PlannerPanel } from './planner-panel.ts'
import { GridSnap } from './grid-snap.ts'
import { undoShortcuts } from './undo-stack.ts'

const COVERAGE_BUFFER = 200
const isoDate = (d: Date) => d.toISOString().slice(0, 10)

/**
 * The planner's mode: draw and edit patrol zones and routes for one station, see the workload of
 * the zone being drawn as it changes, save through the features API (validity, overlap and
 * version conflicts reported on the map), compare the station's zones, and browse and restore
 * each zone's or route's saved versions.
 */
export class PlannerView {
  private drawing: Drawing | null = null
  private panel = new PlannerPanel()
  private stationId: number | null = null
  private stations: Station[] = []
  private current: Item | null = null
  /** The zone the workload is about when a route is selected: the last zone drawn or selected. */
  private focus: Item | null = null
  private readonly gridSnap: GridSnap
  private previewTimer: ReturnType<typeof setTimeout> | undefined
  private previewAbort: AbortController | null = null
  private hidden: string[] = []
  private readonly overlays: PlannerOverlays
  /** The last preview answer, for the browser tests. */
  lastPreview: WorkloadPreview | null = null
  /** Where the server said the geometry is invalid, for the browser tests. */
  problemAt: Position | null = null
  /** This view as its edits (planner-edits.ts) see it. */
  private readonly host: PlannerHost = (() => {
    const view = this
    return {
      get map() { return view.map },
      get drawing() { return view.drawing },
      get panel() { return view.panel },
      get overlays() { return view.overlays },
      get current() { return view.current },
      set current(item: Item | null) { view.current = item },
      get stations() { return view.stations },
      get stationId() { return view.stationId },
      setTool: (tool) => view.setTool(tool),
      onSelected: (item) => view.onSelected(item),
      showCurrent: (item) => view.showCurrent(item),
      schedulePreview: () => view.schedulePreview(),
      refreshTable: () => view.refreshTable(),
      markInvalid: (err) => view.markInvalid(err),
      resetProblem: () => {
        view.problemAt = null
        view.overlays.problem(null)
      },
    }
  })()

  constructor(
    private readonly map: maplibregl.Map,
    private readonly layers: LayerController,
    private readonly button: HTMLButtonElement,
  ) {
    this.overlays = new PlannerOverlays(map)
    this.gridSnap = new GridSnap(
      map,
      () => this.panel.snap.checked,
      (currentId) =>
        (this.drawing?.live() ?? [])
          .filter((i) => i.tdId !== currentId && i.layer === 'patrol-zones')
          .map((i) => this.drawing!.geometryOf(i))
          .filter((g): g is Polygon => g?.type === 'Polygon'),
    )
    this.mountPanel()
    button.addEventListener('click', () => planMode.set(!planMode.on))
    planMode.onChange((on) => void (on ? this.activate() : this.deactivate()))
    onLangChange(() => {
      this.button.textContent = t('plan.toggle')
      this.mountPanel()
      if (planMode.on) void this.fillPanel()
    })
    this.button.textContent = t('plan.toggle')
    this.button.setAttribute('aria-label', t('plan.toggle.label'))
    // Clicks that draw open no feature popup (feature-popup.ts skips a prevented click).
    map.on('click', (e) => {
      if (!planMode.on) return
      e.preventDefault()
      if (this.drawing?.currentTool === 'merge') pickForMerge(this.host, [e.lngLat.lng, e.lngLat.lat])
    })
    map.on('moveend', () => void (planMode.on && this.gridSnap.load()))
    undoShortcuts(() => planMode.on, () => this.undoStep(), () => this.redo())
    if (planMode.on) void this.activate()
  }

  /** The items on the map (for the browser tests). */
  get items(): Item[] {
    return this.drawing?.live() ?? []
  }

  get selected(): Item | null {
    return this.current
  }

  /** The geometry an item has on the map now (for the browser tests). */
  geometryOf(item: Item): Polygon | LineString | null {
    return this.drawing?.geometryOf(item) ?? null
  }

  private mountPanel(): void {
    const open = this.panel.root.dataset.open
    this.panel.root.remove()
    const p = (this.panel = new PlannerPanel())
    p.root.dataset.open = open ?? 'false'
    document.body.append(p.root)
    p.close.addEventListener('click', () => planMode.set(false))
    p.station.addEventListener('change', () => void this.setStation(Number(p.station.value), true))
    for (const [tool, b] of p.tools) b.addEventListener('click', () => this.setTool(tool))
    p.remove.addEventListener('click', () => this.removeSelected())
    p.undo.addEventListener('click', () => this.undoStep())
    p.redo.addEventListener('click', () => this.redo())
    p.importButton.addEventListener('click', () => p.importFile.click())
    p.importFile.addEventListener('change', () => void importTrack(this.host))
    p.save.addEventListener('click', () => void (this.current && saveItems(this.host, [this.current])))
    p.saveAll.addEventListener('click', () => void saveItems(this.host, this.drawing?.dirtyItems() ?? []))
    const today = new Date()
    p.to.value = isoDate(today)
    p.from.value = isoDate(new Date(today.getTime() - 365 * 864e5))
    for (const i of [p.from, p.to]) i.addEventListener('change', () => this.schedulePreview())
    p.setTool(this.drawing?.currentTool ?? 'select')
  }

  private async activate(): Promise<void> {
    this.button.classList.add('active')
    this.button.setAttribute('aria-pressed', 'true')
    document.body.dataset.plan = 'on'
    this.panel.root.dataset.open = 'true'
    // The saved zones and routes are drawn by the planner while it is on (the tiles would lag the edits).
    this.hidden = ['patrol-zones', 'patrol-routes'].filter((id) => this.layers.stateOf(id).visible)
    for (const id of this.hidden) this.layers.setVisible(id, false)
    this.overlays.ensure()
    this.drawing = new Drawing(this.map, this.gridSnap.snap, {
      drawn: (item, cut) => void this.onDrawn(item, cut),
      edited: (item) => {
        this.drawing!.commit()
        this.showCurrent(item)
        this.schedulePreview()
      },
      selected: (item) => void this.onSelected(item),
      moving: (geometry, tdId, drawing) => {
        // The zone being drawn, or the zone in focus being dragged; a moved route changes its coverage.
        if (geometry.type === 'Polygon' && (drawing || this.focusZone()?.tdId === tdId)) this.schedulePreview(geometry, tdId)
        else if (geometry.type === 'LineString' && !drawing) this.schedulePreview()
      },
    })
    this.setTool('select')
    await this.fillPanel()
    void this.gridSnap.load()
  }

  private deactivate(): void {
    this.button.classList.remove('active')
    this.button.setAttribute('aria-pressed', 'false')
    delete document.body.dataset.plan
    this.panel.root.dataset.open = 'false'
    this.drawing?.stop()
    this.drawing = null
    this.current = null
    for (const id of this.hidden) this.layers.setVisible(id, true)
    this.hidden = []
    this.overlays.clear()
  }

  private async fillPanel(): Promise<void> {
    const p = this.panel
    try {
      if (this.stations.length === 0) this.stations = await fetchStations()
    } catch (err) {
      console.warn('planner: stations:', err)
      p.status.textContent = t('plan.stationsFailed', { message: errorText(err) })
      return
    }
    p.station.replaceChildren(...stationOptions(this.stations))
    if (this.stationId === null) {
      // The station (派出所 or 分局) owning the grid cell at the map's centre.
      const c = this.map.getCenter()
      const owner = await stationAt(c.lng, c.lat).catch((err: unknown) => {
        console.warn('planner: station at the centre:', err)
        return null
      })
      const id = owner?.id ?? this.stations[0]?.id
      if (id !== undefined) await this.setStation(id, false)
    } else {
      p.station.value = String(this.stationId)
      this.showCurrent(this.current)
      p.showWorkload(this.lastPreview, COVERAGE_BUFFER)
      void this.refreshTable()
      void refreshHistory(this.host)
      this.updateButtons()
    }
  }

  /** Loads a station's zones and the routes of those zones into the drawing. */
  async setStation(id: number, fit: boolean): Promise<void> {
    this.stationId = id
    this.panel.station.value = String(id)
    this.panel.status.textContent = t('plan.loading')
    this.panel.status.dataset.loaded = 'false'
    const zones = await plannerApi.features<Polygon>('patrol-zones', { station_id: String(id) })
    const zoneIds = new Set(zones.features.map((f) => Number(f.id)))
    const bbox = bboxOf(zones.features.map((f) => f.geometry))
    const routes = bbox ? await plannerApi.features<LineString>('patrol-routes', { bbox: bbox.join(',') }) : { features: [] as Feature<LineString>[] }
    const mine = routes.features.filter((f) => zoneIds.has(Number(f.properties?.zone_id)))
    const toLoad = [
      ...zones.features.map((f) => ({ layer: 'patrol-zones' as PlannedLayer, f })),
      ...mine.map((f) => ({ layer: 'patrol-routes' as PlannedLayer, f })),
    ].map(({ layer, f }) => ({ layer, id: Number(f.id), version: Number(f.properties?.version), props: writable(layer, f.properties ?? {}), geometry: f.geometry }))
    this.drawing?.load(toLoad)
    this.current = null
    this.showCurrent(null)
    this.panel.status.textContent = t('plan.loaded', { zones: zones.features.length, routes: mine.length })
    this.panel.status.dataset.loaded = 'true'
    this.lastPreview = null
    this.panel.showWorkload(null, COVERAGE_BUFFER)
    this.overlays.overlaps([])
    void this.refreshTable()
    void refreshHistory(this.host)
    this.updateButtons()
    if (fit && bbox) this.map.fitBounds(bbox, { padding: { top: 80, bottom: 40, left: 40, right: 420 }, duration: 0 })
  }

  private setTool(tool: Tool): void {
    if ((tool === 'split' || tool === 'merge') && this.current?.layer !== 'patrol-zones') {
      this.panel.say(t('plan.needZone'), 'error')
      return
    }
    const keep = this.current
    this.drawing?.setTool(tool)
    this.panel.setTool(tool)
    // Merging picks the second zone by selecting it: the first stays the current one.
    if (tool === 'merge' && keep) this.current = keep
  }

  private async onDrawn(item: Item | null, cut?: LineString): Promise<void> {
    const d = this.drawing!
    if (cut) return splitZone(this.host, cut)
    if (!item) return
    const n = d.live().filter((i) => i.layer === item.layer).length
    // A new zone belongs to the station chosen in the panel; its team is named after it, as the city's are.
    const station = this.stations.find((s) => s.id === this.stationId)
    const team = station ? `${stationShortName(station.name)}巡逻组` : ''
    if (item.layer === 'patrol-zones') {
      item.props = { name: `${t('plan.newZone')} ${n}`, station_id: this.stationId, team, priority: 3 }
    } else {
      const zone = this.current?.layer === 'patrol-zones' ? this.current.serverId : undefined
      item.props = { name: `${t('plan.newRoute')} ${n}`, team, kind: 'foot', ...(zone ? { zone_id: zone } : {}) }
    }
    d.commit()
    this.setTool('select')
    d.select(item)
    this.onSelected(item)
  }

  private onSelected(item: Item | null): void {
    const d = this.drawing
    if (!d) return
    // Splitting and merging act on the zone selected before: leaving select mode deselects it.
    if (!item && (d.currentTool === 'merge' || d.currentTool === 'split')) return
    if (item !== this.current) this.clearProblem()
    this.current = item
    if (item?.layer === 'patrol-zones') this.focus = item
    this.overlays.history(null)
    this.showCurrent(item)
    void refreshHistory(this.host)
    if (item) this.schedulePreview()
  }

  private focusZone(): Item | null {
    if (this.current?.layer === 'patrol-zones') return this.current
    return this.focus && !this.focus.deleted && this.drawing?.items.get(this.focus.tdId) === this.focus ? this.focus : null
  }

  private showCurrent(item: Item | null): void {
    const zones = (this.drawing?.live() ?? []).filter((i) => i.layer === 'patrol-zones' && i.serverId).map((i): [number, string] => [i.serverId!, String(i.props.name ?? i.serverId)])
    this.panel.showItem(item, zones, () => {
      this.updateButtons()
      this.schedulePreview()
    })
    this.updateButtons()
  }

  private updateButtons(): void {
    const d = this.drawing
    const p = this.panel
    p.undo.disabled = !d?.canUndo()
    p.redo.disabled = !d?.canRedo()
    p.remove.disabled = !this.current
    const dirty = d?.dirtyItems().length ?? 0
    p.saveAll.textContent = t('plan.saveAll', { n: dirty })
    p.saveAll.disabled = dirty === 0
  }

  private undoStep(): void {
    const changed = this.drawing?.stepBack()
    if (changed !== undefined) this.afterHistoryStep(changed)
  }

  private redo(): void {
    const changed = this.drawing?.stepForward()
    if (changed !== undefined) this.afterHistoryStep(changed)
  }

  /** After undo or redo, the item the step changed is the selected one (so it can be saved at once). */
  private afterHistoryStep(changed: Item | null): void {
    this.lastPreview = null
    this.panel.showWorkload(null, COVERAGE_BUFFER)
    if (changed) {
      this.drawing!.select(changed)
      this.onSelected(changed)
    } else {
      this.current = null
      this.showCurrent(null)
    }
  }

  /** An invalid shape's message and ring belong to that shape: gone when another is chosen or it is removed. */
  private clearProblem(): void {
    if (!this.problemAt && this.panel.message.dataset.tone !== 'error') return
    this.problemAt = null
    this.overlays.problem(null)
    this.panel.say('')
    delete this.panel.message.dataset.conflict
  }

  private removeSelected(): void {
    const d = this.drawing
    if (!d || !this.current) return
    // A workload asked for the removed shape must not come back to ring it again.
    clearTimeout(this.previewTimer)
    this.previewAbort?.abort()
    this.clearProblem()
    d.remove(this.current)
    d.commit()
    this.current = null
    this.showCurrent(null)
  }

  /** The zone the workload is about: the one being drawn or dragged, else the selected zone. */
  private schedulePreview(geometry?: Polygon, tdId?: string): void {
    clearTimeout(this.previewTimer)
    this.previewTimer = setTimeout(() => void this.preview(geometry, tdId), 250)
  }

  private async preview(drawn?: Polygon, tdId?: string): Promise<void> {
    const d = this.drawing
    if (!d) return
    const item = tdId ? d.items.get(tdId) : this.focusZone()
    const zone = item?.layer === 'patrol-zones' ? item : undefined
    const geometry = drawn ?? (zone ? (d.geometryOf(zone) as Polygon | null) : null)
    if (!geometry || new Set(geometry.coordinates[0]!.map((p) => `${p[0]},${p[1]}`)).size < 3) return
    const routes = d.live().filter((i) => i.layer === 'patrol-routes')
    const allRoutes = [...d.items.values()].filter((i) => i.layer === 'patrol-routes' && i.serverId)
    const team = zone?.props.team
    this.previewAbort?.abort()
    const abort = (this.previewAbort = new AbortController())
    try {
      const w = await plannerApi.preview(
        {
          geometry,
          routes: routes.map((r) => d.geometryOf(r)).filter((g): g is LineString => g?.type === 'LineString'),
          exclude_routes: allRoutes.map((r) => r.serverId!),
          ...(zone?.serverId ? { zone_id: zone.serverId } : {}),
          ...(this.stationId ? { station_id: this.stationId } : {}),
          ...(typeof team === 'string' && team ? { team } : {}),
          ...this.panel.period(),
          buffer: COVERAGE_BUFFER,
        },
        abort.signal,
      )
      this.lastPreview = w
      this.problemAt = null
      this.overlays.problem(null)
      this.panel.showWorkload(w, COVERAGE_BUFFER)
      this.overlays.overlaps(w.overlaps)
    } catch (err) {
      if ((err instanceof DOMException && err.name === 'AbortError') || abort.signal.aborted) return
      if (this.markInvalid(err)) return
      console.warn('planner: workload preview:', err)
      this.panel.say(t('plan.workload.failed', { message: errorText(err) }), 'error')
    }
  }

  /** An `invalid_geometry` answer: say why and ring the spot the server named. */
  private markInvalid(err: unknown): boolean {
    if (!(err instanceof ApiError) || err.code !== 'invalid_geometry') return false
    const details = err.details as { reason?: string; location?: [number, number] | null } | undefined
    this.problemAt = details?.location ?? null
    // The numbers of an earlier shape would not be this zone's.
    this.lastPreview = null
    this.panel.showWorkload(null, COVERAGE_BUFFER)
    this.overlays.overlaps([])
    this.overlays.problem(details?.location ?? null)
    this.panel.say(t('plan.invalid', { reason: geometryReason(details?.reason) ?? t('plan.invalid.unknown') }), 'error')
    return true
  }

  private async refreshTable(): Promise<void> {
    if (!this.stationId) return
    const { from, to } = this.panel.period()
    try {
      const { zones } = await plannerApi.workload(this.stationId, from, to)
      this.panel.showTable(zones, this.current?.serverId, (id) => {
        const item = this.drawing?.live().find((i) => i.layer === 'patrol-zones' && i.serverId === id)
        if (item) {
          this.drawing!.select(item)
          this.onSelected(item)
        }
      })
    } catch (err) {
      console.warn('planner: zone table:', err)
      this.panel.table.textContent = t('plan.table.failed', { message: errorText(err) })
    }
  }
}
