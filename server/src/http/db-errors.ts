import { ApiError } from './errors.ts'

interface PgError {
  code?: string
  message?: string
  detail?: string
  column?: string
  table?: string
  constraint?: string
  cause?: unknown
}

/** The first error in a cause chain that carries a SQLSTATE (drivers and wrappers nest them). */
function sqlState(err: unknown): PgError | null {
  let e = err as PgError | null
  for (let i = 0; e && i < 5; i++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e
    e = (e.cause as PgError | undefined) ?? null
  }
  return null
}

/** The fields a key detail names: `Key (district_code, client_ref)=(…) already exists.` → "district_code, client_ref". */
const keyFields = (detail = '') => /Key \(([^)]*)\)=/.exec(detail)?.[1] ?? null
/** `hazards_status_check` on table `hazards` → "status". */
const checkedField = (e: PgError) => (e.constraint ?? '').replace(new RegExp(`^${e.table ?? ''}_`), '').replace(/_(check|key|fkey|excl)$/, '') || null
/** A driver message cut short, and never more than its first line (PGlite appends source). */
const said = (m = '') => m.split('\n')[0]!.slice(0, 200)

/**
 * A database error caused by the request, as the answer the client should see, by SQLSTATE
 * class: 22 (data) → 400, 23 (integrity) → 409/422 naming the field (never the table or the
 * constraint), 57014 (statement timeout) and 40/53/55 (retryable) → 503 with a retry time,
 * 54 (too complex) → 413, a GEOS failure on given geometry → 422. Anything else comes back
 * unchanged (a 500, logged with its message).
 */
export function clientErrorFromDb(err: unknown, doing?: string): unknown {
  if (err instanceof ApiError) return err
  const e = sqlState(err)
  const code = e?.code ?? ''
  const prefix = doing ? `${doing}: ` : ''
  if (code.startsWith('22')) return new ApiError(400, 'invalid_value', `${prefix}${said(e!.message)}`)
  if (code === '23505') {
    const fields = keyFields(e!.detail)
    return new ApiError(409, 'duplicate', `${prefix}a record with the same ${fields ?? 'key'} exists already`, fields ? { field: fields } : undefined)
  }
  if (code === '23503') {
    const fields = keyFields(e!.detail)
    if (/still referenced/.test(e!.detail ?? e!.message ?? '')) return new ApiError(409, 'in_use', `${prefix}other records still refer to it`)
    const value = /\)=\(([^)]*)\)/.exec(e!.detail ?? '')?.[1]
    return new ApiError(422, 'invalid_reference', `${prefix}${fields ?? 'a reference'} ${value ? `"${value}" ` : ''}does not exist`, fields ? { field: fields } : undefined)
  }
  if (code === '23502') return new ApiError(422, 'missing_value', `${prefix}${e!.column ?? 'a required field'} is required`, e!.column ? { field: e!.column } : undefined)
  if (code === '23514' || code === '23P01') {
    const field = checkedField(e!)
    return new ApiError(422, 'constraint_violation', `${prefix}${field ? `the value of ${field}` : 'a value'} is not allowed here`, field ? { field } : undefined)
  }
  if (code === '57014') return new ApiError(503, 'timeout', `${prefix}the request took too long and was stopped; narrow it (a smaller area or period) or retry later`, undefined, 10)
  if (code.startsWith('40') || code.startsWith('53') || code === '55P03') return new ApiError(503, 'busy', `${prefix}the database is busy; retry shortly`, undefined, 2)
  if (code.startsWith('54')) return new ApiError(413, 'too_complex', `${prefix}the request is too large to compute; simplify it`)
  if (code === 'XX000' && /GEOS|TopologyException|lwgeom|geometry/i.test(e!.message ?? '')) {
    return new ApiError(422, 'invalid_geometry', `${prefix}the geometry cannot be processed: ${said(e!.message)}`)
  }
  return err
}
