import type { Response } from 'express'

/**
 * A GeoJSON FeatureCollection kept as text parts: the top-level members besides `type` and
 * `features` (already JSON) and one string per feature. A city-wide answer is 10–15 MB; sent
 * in chunks it is never joined into one string and copied again.
 */
export interface FeatureCollectionText {
  members: Record<string, unknown>
  features: string[]
}

const CHUNK = 2000

export function sendFeatureCollection(res: Response, fc: FeatureCollectionText): void {
  res.status(200).type('application/geo+json')
  res.write(`{"type":"FeatureCollection",${Object.entries(fc.members).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')},"features":[`)
  for (let k = 0; k < fc.features.length; k += CHUNK) res.write((k ? ',' : '') + fc.features.slice(k, k + CHUNK).join(','))
  res.end(']}')
}
