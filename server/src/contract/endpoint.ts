import { z } from 'zod'
import { jsonSchemaOf } from './json-schema.ts'

/**
 * The endpoints whose requests and answers are defined in this folder: the routes validate their
 * input with these schemas, tests/api/contract.test.ts checks every answer against them on both
 * databases, the OpenAPI document is generated from them, and the client infers its types from
 * them. Paths are written as the routers write them (`:id`).
 */
export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  summary: string
  query?: z.ZodObject
  body?: z.ZodType
  /** The answer by media type (several when `format=` chooses one); `{}` with `statuses: [204]`: no content. */
  answer: Record<string, z.ZodType | null>
  /** Error statuses the endpoint itself gives (besides 401/403 of the access check). */
  errors?: number[]
  /** The success statuses, each with the same answer (default 200; a create: 201, and 200 when resent; 204: no content). */
  statuses?: number[]
}

export const GEOJSON = 'application/geo+json'
export const JSON_TYPE = 'application/json'
export const CSV = 'text/csv'

const errorRef = { $ref: '#/components/schemas/Error' }

/** The OpenAPI operation of an endpoint: every query parameter, the body and every answer. */
export function operationOf(e: Endpoint): Record<string, unknown> {
  const pathParams = [...e.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }))
  const queryParams = Object.entries(e.query?.shape ?? {}).map(([name, s]) => {
    const schema = jsonSchemaOf(s as z.ZodType, 'input')
    const { description, ...rest } = schema
    return { name, in: 'query', required: !(s as z.ZodType).safeParse(undefined).success, ...(description ? { description } : {}), schema: rest }
  })
  const params = [...pathParams, ...queryParams]
  const content = Object.fromEntries(Object.entries(e.answer).map(([type, s]) => [type, { schema: s ? jsonSchemaOf(s, 'output') : { type: 'string' } }]))
  return {
    summary: e.summary,
    ...(params.length ? { parameters: params } : {}),
    ...(e.body ? { requestBody: { required: true, content: { [JSON_TYPE]: { schema: jsonSchemaOf(e.body, 'input') } } } } : {}),
    responses: {
      ...Object.fromEntries((e.statuses ?? [200]).map((c) => [String(c), c === 204 ? { description: 'No Content' } : { description: c === 201 ? 'Created' : 'OK', content }])),
      ...Object.fromEntries([...(e.errors ?? []), 401, 403].map((c) => [String(c), { description: 'error', content: { [JSON_TYPE]: { schema: errorRef } } }])),
    },
  }
}
