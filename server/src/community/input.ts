import { ApiError } from '../http/errors.ts'

/** Community bodies: the shared JSON-object parser (400 naming every problem). */
export { parseJsonBody as parseCommunityBody } from '../http/body.ts'

/** A positive integer id from the path; anything else is an unknown one (404), never sent to SQL. */
export function pathId(raw: unknown, what: string): number {
  const id = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : 0
  if (id <= 0) throw new ApiError(404, `unknown_${what}`, `no ${what} ${String(raw)}`)
  return id
}
