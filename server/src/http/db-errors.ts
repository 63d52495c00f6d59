import { ApiError } from './errors.ts'

interface PgError {
  code?: string
  message?: string
  detail?: string
  constraint?: string
}

/**
 * A database error caused by the request's data, as the 4xx the client should see; anything
 * else is returned unchanged (a 500, logged with its message).
 */
export function clientErrorFromDb(err: unknown, doing: string): unknown {
  const e = err as PgError
  const code = typeof e?.code === 'string' ? e.code : ''
  const said = (e.detail ?? e.message ?? '').slice(0, 300)
  if (code === '23503') {
    return new ApiError(code && /still referenced/.test(said) ? 409 : 422, code && /still referenced/.test(said) ? 'in_use' : 'invalid_reference', `${doing}: ${said}`)
  }
  if (code === '23505') return new ApiError(409, 'duplicate', `${doing}: ${said}`)
  if (code === '23514' || code === '23502') return new ApiError(422, 'constraint_violation', `${doing}: ${said}${e.constraint ? ` (${e.constraint})` : ''}`)
  if (code.startsWith('22')) return new ApiError(422, 'invalid_value', `${doing}: ${said}`)
  return err
}
