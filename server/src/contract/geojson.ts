import { z } from 'zod'

/**
 * GeoJSON (RFC 7946, lon/lat) as the API's answers carry it. The inferred types are assignable to
 * `@types/geojson`'s, so the client draws them without restating them.
 */
const position = z.array(z.number()).min(2).max(3)

export const pointGeometry = z.object({ type: z.literal('Point'), coordinates: position })
export const lineStringGeometry = z.object({ type: z.literal('LineString'), coordinates: z.array(position) })
export const polygonGeometry = z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(position)) })
export const multiPolygonGeometry = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(position))) })
/** A grid cell, a zone, an area: Polygon or MultiPolygon. */
export const areaGeometry = z.discriminatedUnion('type', [polygonGeometry, multiPolygonGeometry])

/** A Feature with the given geometry and properties. */
export const feature = <G extends z.ZodType, P extends z.ZodType>(geometry: G, properties: P) =>
  z.strictObject({ type: z.literal('Feature'), id: z.union([z.string(), z.number()]).optional(), geometry, properties })

/** A FeatureCollection of such features, with the answer's own members beside them. */
export const featureCollection = <F extends z.ZodType, M extends z.ZodRawShape>(featureSchema: F, members: M) =>
  z.strictObject({ type: z.literal('FeatureCollection'), ...members, features: z.array(featureSchema) })
