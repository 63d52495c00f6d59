import { t, type MessageKey } from '../i18n.ts'
import { ApiError } from './client.ts'

/** An error the page itself finds (a file it cannot read, a shape it lost), said with a message key. */
export class UserError extends Error {
  override name = 'UserError'
  constructor(
    readonly key: MessageKey,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key)
  }
}

/** Error codes (server/src/http/errors.ts and the routes) → the message that says what to do. */
const BY_CODE: Record<string, MessageKey> = {
  unauthenticated: 'error.unauthenticated',
  forbidden: 'error.forbidden',
  out_of_scope: 'error.out_of_scope',
  csrf: 'error.csrf',
  cross_origin: 'error.csrf',
  invalid_query: 'error.invalid_input',
  invalid_body: 'error.invalid_input',
  bad_request: 'error.invalid_input',
  malformed_json: 'error.invalid_input',
  invalid_value: 'error.invalid_input',
  invalid_characters: 'error.invalid_input',
  stale_version: 'error.stale_version',
  version_required: 'error.stale_version',
  illegal_transition: 'error.illegal_transition',
  not_found: 'error.not_found',
  outside_city: 'error.outside_city',
  too_many_vertices: 'error.too_large',
  too_complex: 'error.too_large',
  too_deep: 'error.too_large',
  payload_too_large: 'error.too_large',
  too_many_rows: 'error.too_large',
  batch_too_large: 'error.too_large',
  photo_too_large: 'error.too_large',
  cell_too_small: 'error.analysis_limits',
  band_too_wide: 'error.analysis_limits',
  bandwidth_too_wide: 'error.analysis_limits',
  rate_limited: 'error.rate_limited',
  locked: 'error.locked',
  timeout: 'error.timeout',
  busy: 'error.unavailable',
  database_unavailable: 'error.unavailable',
  internal: 'error.internal',
  invalid_feature: 'error.invalid_data',
  constraint_violation: 'error.invalid_data',
  invalid_reference: 'error.invalid_data',
  missing_value: 'error.invalid_data',
  geometry_failed: 'error.invalid_data',
  import_rejected: 'error.invalid_data',
  not_adjacent: 'error.not_adjacent',
  no_split: 'error.no_split',
  nothing_to_restore: 'error.nothing_to_restore',
  already_acknowledged: 'error.already_acknowledged',
  unknown_station: 'error.unknown_station',
  insufficient_points: 'error.insufficient_points',
  out_of_stock: 'error.out_of_stock',
  invalid_credentials: 'error.invalid_credentials',
}

/** PostGIS's ST_IsValidReason words (English) → the UI's. */
const GEOMETRY_REASONS: Array<[RegExp, MessageKey]> = [
  [/self[- ]intersection/i, 'error.geometry.self_intersection'],
  [/too few points/i, 'error.geometry.too_few_points'],
  [/ring|not closed/i, 'error.geometry.ring'],
  [/hole/i, 'error.geometry.hole'],
]

function byStatus(status: number): MessageKey | null {
  if (status === 401) return 'error.unauthenticated'
  if (status === 403) return 'error.forbidden'
  if (status === 404) return 'error.not_found'
  if (status === 409) return 'error.conflict'
  if (status === 413) return 'error.too_large'
  if (status === 422) return 'error.invalid_data'
  if (status === 429) return 'error.rate_limited'
  if (status === 400) return 'error.invalid_input'
  if (status === 503 || status === 502 || status === 504) return 'error.unavailable'
  if (status >= 500) return 'error.internal'
  return null
}

/** An invalid shape's reason as the UI says it, or null when it is not one we know. */
export function geometryReason(reason: string | undefined): string | null {
  const hit = reason ? GEOMETRY_REASONS.find(([re]) => re.test(reason)) : undefined
  return hit ? t(hit[1]) : null
}

/**
 * The one place an error becomes words for the user, in the UI's language, saying what to do.
 * The server's own message (English, for developers and logs) is never shown; it goes to the console.
 */
export function errorText(err: unknown): string {
  if (err instanceof UserError) return t(err.key, err.params)
  if (err instanceof ApiError) {
    if (err.code === 'invalid_geometry') {
      const reason = geometryReason((err.details as { reason?: string } | undefined)?.reason)
      return reason ? t('error.invalid_geometry', { reason }) : t('error.invalid_geometry.unknown')
    }
    const key = (err.code && BY_CODE[err.code]) ?? (err.code?.startsWith('unknown_') ? 'error.not_found' : null) ?? byStatus(err.status)
    return key ? t(key) : t('error.status', { status: err.status })
  }
  // fetch rejects with a TypeError when the network or the server is down.
  if (err instanceof TypeError && /fetch|network|load failed/i.test(err.message)) return t('error.network')
  return t('error.page')
}

/** `errorText`, and the details on the console for whoever debugs it. */
export function reportError(context: string, err: unknown): string {
  console.warn(`${context}:`, err instanceof ApiError ? `${err.status} ${err.code ?? ''} ${err.message}` : err)
  return errorText(err)
}
