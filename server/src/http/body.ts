import type { z } from 'zod'
import { ApiError } from './errors.ts'
import { vertexLimitError } from '../features/geometry-schema.ts'

/**
 * A JSON object body checked against its schema: 400 `invalid_body` naming every problem,
 * before anything is read or written. (Feature bodies use write-schema.ts's parseBody, 422.)
 */
export function parseJsonBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_body', 'the request body must be a JSON object')
  }
  const r = schema.safeParse(body)
  // A geometry over the vertex limit is 413 too_many_vertices, whatever else is wrong.
  if (!r.success) throw vertexLimitError(r.error.issues) ?? new ApiError(400, 'invalid_body', r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '))
  return r.data
}
