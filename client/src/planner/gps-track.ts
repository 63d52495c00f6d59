import type { LineString, Position } from 'geojson'

/**
 * The track of a GPS file as one line: GPX (`trkpt`, else `rtept`, in file order, all segments
 * joined) or GeoJSON (the first LineString or MultiLineString, lines joined; a FeatureCollection
 * of Points in order). Throws with the reason when the file holds no usable track.
 */
export function parseGpsTrack(text: string, fileName = ''): LineString {
  const trimmed = text.trimStart()
  const coords = trimmed.startsWith('<') || /\.gpx$/i.test(fileName) ? gpxPositions(trimmed) : geoJsonPositions(trimmed)
  const clean = coords.filter((p, i) => i === 0 || p[0] !== coords[i - 1]![0] || p[1] !== coords[i - 1]![1])
  if (clean.length < 2) throw new Error('the file holds fewer than 2 distinct track points')
  for (const [lon, lat] of clean) {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon!) > 180 || Math.abs(lat!) > 90) throw new Error(`track point ${lon}, ${lat} is not a lon/lat position`)
  }
  return { type: 'LineString', coordinates: clean }
}

function gpxPositions(xml: string): Position[] {
  const doc = new DOMParser().parseFromString(xml, 'application/xml')
  if (doc.getElementsByTagName('parsererror').length) throw new Error('the GPX file is not well-formed XML')
  let points = [...doc.getElementsByTagName('trkpt')]
  if (points.length === 0) points = [...doc.getElementsByTagName('rtept')]
  if (points.length === 0) throw new Error('the GPX file has no track (trkpt) or route (rtept) points')
  return points.map((p) => [Number(p.getAttribute('lon')), Number(p.getAttribute('lat'))])
}

function geoJsonPositions(text: string): Position[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error('the file is neither GPX nor JSON')
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
  throw new Error('the GeoJSON holds no LineString, MultiLineString or sequence of Points')
}
