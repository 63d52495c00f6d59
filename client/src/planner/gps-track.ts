import type { LineString, Position } from 'geojson'
import { UserError } from '../api/error-text.ts'

/**
 * The track of a GPS file as one line: GPX (`trkpt`, else `rtept`, in file order, all segments
 * joined) or GeoJSON (the first LineString or MultiLineString, lines joined; a FeatureCollection
 * of Points in order). Throws with the reason when the file holds no usable track.
 */
export function parseGpsTrack(text: string, fileName = ''): LineString {
  const trimmed = text.trimStart()
  const coords = trimmed.startsWith('<') || /\.gpx$/i.test(fileName) ? gpxPositions(trimmed) : geoJsonPositions(trimmed)
  const clean = coords.filter((p, i) => i === 0 || p[0] !== coords[i - 1]![0] || p[1] !== coords[i - 1]![1])
  if (clean.length < 2) throw new UserError('plan.track.tooFew')
  for (const [lon, lat] of clean) {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon!) > 180 || Math.abs(lat!) > 90) throw new UserError('plan.track.badPoint', { point: `${lon}, ${lat}` })
  }
  return { type: 'LineString', coordinates: clean }
}

function gpxPositions(xml: string): Position[] {
  const doc = new DOMParser().parseFromString(xml, 'application/xml')
  if (doc.getElementsByTagName('parsererror').length) throw new UserError('plan.track.badXml')
  let points = [...doc.getElementsByTagName('trkpt')]
  if (points.length === 0) points = [...doc.getElementsByTagName('rtept')]
  if (points.length === 0) throw new UserError('plan.track.noPoints')
  return points.map((p) => [Number(p.getAttribute('lon')), Number(p.getAttribute('lat'))])
}

function geoJsonPositions(text: string): Position[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new UserError('plan.track.format')
  }
  const geometries: Array<{ type: string; coordinates?: unknown }> = []
  const visit = (v: unknown): void => {
    const o = v as { type?: string; geometry?: unknown; features?: unknown[]; coordinates?: unknown; geometries?: unknown[] } | null
    if (!o || typeof o !== 'object') return
    if (o.type === 'FeatureCollection') o.features?.forEach(visit)
    else if (o.type === 'Feature') visit(o.geometry)
    else if (o.type === 'GeometryCollection') o.geometries?.forEach(visit)
    else if (typeof o.type === 'string') geometries.push(o as { type: string; coordinates?: unknown })
  }
  visit(value)
  const line = geometries.find((g) => g.type === 'LineString' || g.type === 'MultiLineString')
  if (line?.type === 'LineString') return (line.coordinates as Position[]).map((p) => [p[0]!, p[1]!])
  if (line?.type === 'MultiLineString') return (line.coordinates as Position[][]).flat().map((p) => [p[0]!, p[1]!])
  const points = geometries.filter((g) => g.type === 'Point').map((g) => g.coordinates as Position)
  if (points.length >= 2) return points.map((p) => [p[0]!, p[1]!])
  throw new UserError('plan.track.noLine')
}
