import type { z } from 'zod'
import { ApiError } from '../http/errors.ts'

/** A JSON body checked against its schema: 400 naming every problem, before anything is read or written. */
export function parseCommunityBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_body', 'the request body must be a JSON object')
  }
  const r = schema.safeParse(body)
  if (!r.success) throw new ApiError(400, 'invalid_body', r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '))
  return r.data
}

/** A positive integer id from the path; anything else is an unknown one (404), never sent to SQL. */
export function pathId(raw: unknown, what: string): number {
  const id = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : 0
  if (id <= 0) throw new ApiError(404, `unknown_${what}`, `no ${what} ${String(raw)}`)
  return id
}
