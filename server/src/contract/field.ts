import type { Geometry } from 'geojson'
import { z } from 'zod'
import { documentedAs } from './json-schema.ts'
import { lineStringGeometry, multiPolygonGeometry, pointGeometry, polygonGeometry } from './geojson.ts'

/**
 * What a phone sends from the field (an officer's or a volunteer's entry, the photo taken with it)
 * and what it is answered (server/src/features/write-routes.ts, photo-routes.ts); the client's
 * field/entry-api.ts takes its types from here.
 */

const position = z.array(z.number()).min(2).max(3)
const multiLineStringGeometry = z.object({ type: z.literal('MultiLineString'), coordinates: z.array(z.array(position)) })
/** The geometry of a stored feature: any of the layers' types. */
export const layerGeometry = z.discriminatedUnion('type', [pointGeometry, lineStringGeometry, multiLineStringGeometry, polygonGeometry, multiPolygonGeometry])

/**
 * A new feature (`POST /api/layers/{layer}/features`, and each feature of an import): the one
 * envelope, with the layer's own geometry and properties validators (features/write-schema.ts
 * `featureInputSchema` passes them).
 */
export const featureInput = <G extends z.ZodType, P extends z.ZodType>(geometry: G, properties: P) =>
  z.strictObject({ type: z.literal('Feature').optional(), id: z.unknown().optional(), geometry, properties })

/** Any layer's geometry, as documented (each layer checks its own type, with messages that name the problem). */
const anyGeometry = documentedAs(z.custom<Geometry>((v) => typeof v === 'object' && v !== null), layerGeometry)
/** The envelope as documented for every layer: the geometry of the layer's type, its writable properties. */
export const featureBody = featureInput(
  anyGeometry.describe("a GeoJSON geometry of the layer's type (a Polygon or LineString is taken for a Multi… layer)"),
  z.record(z.string(), z.unknown()).default({}).describe("the layer's writable properties (client_ref: a UUID that makes sending the entry again harmless)"),
)

/** A stored feature as the write endpoints answer it (application/geo+json). */
export const storedFeature = z.strictObject({
  type: z.literal('Feature'),
  id: z.number().int(),
  geometry: layerGeometry,
  properties: z.record(z.string(), z.unknown()).describe("the layer's properties (the layer catalog lists them)"),
})

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
export const photoBody = z.strictObject({
  content_type: z.enum(PHOTO_TYPES),
  /** The image, base64 (JSON carries it with the rest of the API; the phone keeps it so while offline). */
  data: documentedAs(z.base64().min(4, 'data is empty'), z.string().min(4).meta({ format: 'byte' })).describe('the image, base64'),
})
export const photoStored = z.strictObject({
  hazard_id: z.number().int().optional().describe('for a hazard'),
  dispute_id: z.number().int().optional().describe('for a dispute'),
  content_type: z.enum(PHOTO_TYPES),
  bytes: z.number().int().positive(),
})

/** A new feature as a phone sends it: always a Feature with its properties (client_ref among them). */
export type NewFeature = Omit<z.input<typeof featureBody>, 'type' | 'properties'> & { type: 'Feature'; properties: Record<string, unknown> }
export type StoredFeature = z.output<typeof storedFeature>
export type Photo = z.input<typeof photoBody>
export type PhotoStored = z.output<typeof photoStored>
