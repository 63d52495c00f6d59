import type { Request } from 'express'

/** An OGC API link object (RFC 8288 relation in `rel`). */
export interface Link {
  href: string
  rel: string
  type?: string
  title?: string
}

export const JSON_TYPE = 'application/json'
export const GEOJSON_TYPE = 'application/geo+json'
export const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0'
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'

const FEATURES_CONF = 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf'
export const CONFORMANCE = [`${FEATURES_CONF}/core`, `${FEATURES_CONF}/geojson`, `${FEATURES_CONF}/oas30`] as const

/**
 * `http://host:port` as the client addressed us: OGC clients follow links verbatim, so they must
 * be absolute and point back at the name the client used (a phone on the LAN, a proxy, a test).
 */
export function origin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`
}

/** The OGC root as the client addressed it, e.g. `http://127.0.0.1:3000/ogc`. */
export function ogcRoot(req: Request): string {
  return origin(req) + req.baseUrl
}

/** The URL of this request with some query parameters replaced (self and next links). */
export function requestUrl(req: Request, replace: Record<string, string> = {}, drop: readonly string[] = []): string {
  const url = new URL(req.originalUrl, origin(req))
  for (const [key, value] of Object.entries(replace)) url.searchParams.set(key, value)
  for (const key of drop) url.searchParams.delete(key)
  // A comma is legal in a query (RFC 3986 sub-delim) and decodes the same; keeps bbox=a,b,c,d readable.
  return url.toString().replace(/%2C/gi, ',')
}
