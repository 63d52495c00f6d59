import type { Polygon } from 'geojson'
import type maplibregl from 'maplibre-gl'
import type { SnapToCustom } from 'terra-draw'
import { plannerApi } from './planner-api.ts'
import { boxPaths, pathsNear, pathsOf, snapPoint, type BoxedPath } from './snapping.ts'

/**
 * Where a drawn vertex snaps: to the edges of the grid cells in view (loaded from zoom 11, where
 * a cell is big enough to aim at) and of the station's other zones, when snapping is on.
 */
export class GridSnap {
  #grid: BoxedPath[] = []

  constructor(
    private readonly map: maplibregl.Map,
    private readonly enabled: () => boolean,
    /** The other zones' shapes, not the feature being drawn (terra-draw's id). */
    private readonly otherZones: (currentId: string) => Polygon[],
  ) {}

  /** Loads the grid-cell edges of the view (none below zoom 11, or when the server cannot say). */
  async load(): Promise<void> {
    if (this.map.getZoom() < 11) {
      this.#grid = []
      return
    }
    const b = this.map.getBounds()
    try {
      const cells = await plannerApi.gridCells([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()])
      this.#grid = boxPaths(pathsOf(cells.features.map((f) => f.geometry)))
    } catch {
      this.#grid = []
    }
  }

  readonly snap: SnapToCustom = (event, ctx) => {
    if (!this.enabled()) return undefined
    // Only the paths near the pointer: a station's view holds thousands of cell vertices.
    const a = ctx.unproject(event.containerX - 12, event.containerY + 12)
    const b = ctx.unproject(event.containerX + 12, event.containerY - 12)
    const box: [number, number, number, number] = [a.lng, a.lat, b.lng, b.lat]
    const near = [...pathsNear(this.#grid, box), ...pathsNear(boxPaths(pathsOf(this.otherZones(String(ctx.currentId)))), box)]
    return snapPoint(event.containerX, event.containerY, near, ctx.project)
  }
}
