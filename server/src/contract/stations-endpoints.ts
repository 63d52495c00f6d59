import * as stations from './stations.ts'
import { JSON_TYPE, type Endpoint } from './endpoint.ts'

/** The stations (client/src/api/stations.ts). */
export const STATIONS_ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/api/stations',
    summary: 'every police unit that owns grid cells or patrol zones (派出所 and 实战化分局): superior unit, district, cells, zones, extent; at=lon,lat for the one owning that point',
    query: stations.stationsQuery,
    answer: { [JSON_TYPE]: stations.stationsAnswer },
    errors: [400],
  },
]
