import type { UnitStore } from './unit-store.ts'

/** Below this zoom the units are shown as counted clusters instead of icons. */
export const CLUSTER_BELOW_ZOOM = 12

export interface Cluster {
  lon: number
  lat: number
  count: number
  stale: number
  /** A unit of the cluster (its only one when count is 1). */
  first: number
}

/**
 * Units grouped on a square grid of `cellPx` screen pixels at `zoom` (Web Mercator), each
 * cluster at the mean position of its units. A few thousand units take well under a millisecond.
 */
export function clusterUnits(store: UnitStore, zoom: number, cellPx = 56): Cluster[] {
  const worldPx = 512 * 2 ** zoom
  const cells = new Map<number, Cluster>()
  store.forEach((lon, lat, stale, i) => {
    const x = ((lon + 180) / 360) * worldPx
    const s = Math.sin((lat * Math.PI) / 180)
    const y = (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * worldPx
    const key = Math.floor(x / cellPx) * 1_000_003 + Math.floor(y / cellPx)
    const c = cells.get(key)
    if (c) {
      c.lon += lon
      c.lat += lat
      c.count++
      c.stale += stale ? 1 : 0
    } else cells.set(key, { lon, lat, count: 1, stale: stale ? 1 : 0, first: i })
  })
  const out = [...cells.values()]
  for (const c of out) {
    c.lon /= c.count
    c.lat /= c.count
  }
  return out
}
