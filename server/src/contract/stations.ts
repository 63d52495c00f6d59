import { z } from 'zod'

/**
 * The stations (server/src/stations): every police unit that owns grid cells or patrol zones, the
 * one list every station picker and table uses; the client's api/stations.ts takes its type from
 * here, the server's stations.ts its row type.
 */

const id = z.number().int()
const count = z.number().int().nonnegative()

/** `lon,lat` in WGS84. */
const point = z.string().transform((s, ctx) => {
  const parts = s.split(',')
  const [lon, lat] = parts.map((x) => (x.trim() === '' ? NaN : Number(x)))
  if (parts.length !== 2 || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon!) > 180 || Math.abs(lat!) > 90) {
    ctx.addIssue({ code: 'custom', message: 'at is lon,lat in degrees (WGS84), e.g. 125.145,42.9' })
    return z.NEVER
  }
  return [lon!, lat!] as const
})

export const stationsQuery = z.strictObject({
  at: point.optional().describe('lon,lat: only the station owning the grid cell at that point (outside every cell: the nearest cell’s)'),
})

export const station = z.strictObject({
  id,
  code: z.string(),
  name: z.string(),
  kind: z.string().describe('station (派出所) or branch (实战化分局), as the unit is recorded'),
  parent_id: id.nullable(),
  parent_name: z.string().nullable(),
  district_code: z.string().nullable().describe('the six-digit district (区/县) code of its area, when it has one'),
  district_name: z.string().nullable(),
  phone: z.string().nullable(),
  cells: count,
  zones: count,
  lon: z.number().describe('where the unit is'),
  lat: z.number(),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable().describe('extent of its cells and zones'),
})
export const stationsAnswer = z.strictObject({ stations: z.array(station).describe('by superior unit, then id (the city’s branches, then each county’s stations)') })

export type Station = z.output<typeof station>
export type StationsAnswer = z.output<typeof stationsAnswer>
