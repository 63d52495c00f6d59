import { getJson } from './client.ts'

/**
 * A station of `GET /api/stations` (server/src/stations/stations.ts): a police unit that owns grid
 * cells or patrol zones. The type comes from the API's contract, as a type only.
 */
import type { Station, StationsAnswer } from '../../../server/src/contract/stations.ts'
export type { Station } from '../../../server/src/contract/stations.ts'

let all: Promise<Station[]> | null = null

/** Every station (派出所 and 实战化分局), once per page; a failed load is asked again next time. */
export function fetchStations(): Promise<Station[]> {
  all ??= getJson<StationsAnswer>('/api/stations').then(
    (r) => r.stations,
    (err: unknown) => {
      all = null
      throw err
    },
  )
  return all
}

/** The station owning the grid cell at this point (outside every cell: the nearest cell's). */
export async function stationAt(lon: number, lat: number): Promise<Station | null> {
  const r = await getJson<StationsAnswer>(`/api/stations?${new URLSearchParams({ at: `${lon.toFixed(6)},${lat.toFixed(6)}` })}`)
  return r.stations[0] ?? null
}

/** A station's name without its bureau and kind (辽源市公安局向阳分局 → 向阳, 白泉派出所 → 白泉): what its teams are called after. */
export function stationShortName(name: string): string {
  return name.replace(/^.*公安局(?=.)/, '').replace(/(派出所|分局)$/, '') || name
}
