import { z } from 'zod'

/**
 * The live view's requests (server/src/live: the units' current positions and stored tracks;
 * server/src/alerts: the alerts and their acknowledgement); the client's live/live-api.ts takes
 * its types from here. The stream's events (`GET /api/live/stream`) are not described here.
 */

const id = z.number().int()
const bbox = z.tuple([z.number(), z.number(), z.number(), z.number()])
export const UNIT_KINDS = ['ebike', 'car', 'foot', 'traffic', 'boat'] as const

export const unitInfo = z.strictObject({
  id,
  code: z.string(),
  callsign: z.string(),
  kind: z.enum(UNIT_KINDS),
  station_id: id.nullable(),
  zone_id: id.nullable(),
  ts: z.string().nullable().describe('when it last reported (null: never; then no position either)'),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  speed: z.number().nullable(),
  heading: z.number().nullable(),
})
export const unitsAnswer = z.strictObject({ units: z.array(unitInfo).describe('every patrol unit, by code') })

export const tracksQuery = z
  .strictObject({
    units: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(,[A-Za-z0-9_-]+)*$/, 'a comma-separated list of unit codes')
      .transform((s) => s.split(','))
      .describe('unit codes, comma-separated'),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }).describe('at most 7 days after from'),
  })
  .refine((q) => Date.parse(q.from) <= Date.parse(q.to), 'from must not be after to')
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 7 * 86400_000, 'a window is at most 7 days')
export const trackPoint = z.strictObject({ ts: z.string(), lon: z.number(), lat: z.number(), speed: z.number().nullable(), heading: z.number().nullable() })
export const unitTrack = z.strictObject({
  unit_id: id,
  code: z.string(),
  callsign: z.string(),
  kind: z.enum(UNIT_KINDS),
  points: z.array(trackPoint).describe('in time order'),
  distance_m: z.number().int().nonnegative().describe('travelled (on the spheroid)'),
  stops: z.number().int().nonnegative().describe('gaps of 2 minutes or more within 20 m'),
})
export const tracksAnswer = z.strictObject({ from: z.string(), to: z.string(), units: z.array(unitTrack).describe('by code') })

export const alertsQuery = z.strictObject({
  state: z.enum(['open', 'cleared', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})
const storedAlertShape = {
  id,
  rule_id: id,
  kind: z.string(),
  subject: z.string(),
  message: z.string(),
  opened_at: z.string(),
  cleared_at: z.string().nullable(),
  acknowledged_by: z.string().nullable(),
  acknowledged_at: z.string().nullable(),
  ack_note: z.string().nullable(),
}
/** An alert as `GET /api/alerts` (and the stream's `alerts` events) give it (server/src/alerts/alert-row.ts). */
export const alertRow = z.strictObject({
  ...storedAlertShape,
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  place_code: z.string().nullable().describe('the village or community (社区/村) it lies in; null without a point'),
  place: z.string().nullable().describe('its name, with its town'),
  extent: bbox.nullable().describe('for an alert with no point (the river rule): the extent of what it is about'),
})
export const alertsAnswer = z.strictObject({ alerts: z.array(alertRow).describe('newest first') })

export const acknowledgeBody = z.strictObject({ note: z.string().max(1000).optional() })
/** The alert as stored, once acknowledged (no point or place: those are the list's). */
export const acknowledgedAlert = z.strictObject(storedAlertShape)

export type UnitInfo = z.output<typeof unitInfo>
export type TrackPoint = z.output<typeof trackPoint>
export type UnitTrack = z.output<typeof unitTrack>
export type TracksAnswer = z.output<typeof tracksAnswer>
export type AlertRow = z.output<typeof alertRow>
export type AcknowledgedAlert = z.output<typeof acknowledgedAlert>
