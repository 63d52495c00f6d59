import { z } from 'zod'

/** The largest value of PostgreSQL's `integer` (int4): every id, version and count column here. */
export const INT4_MAX = 2_147_483_647

/** A row id or version in a JSON body: a whole number 1…INT4_MAX. */
export const bodyId = () => z.number().int().min(1).max(INT4_MAX)
/** The same from a query string. */
export const queryId = () => z.coerce.number().int().min(1).max(INT4_MAX)
/** A paging offset or keyset position from a query string: 0…INT4_MAX. */
export const queryOffset = () => z.coerce.number().int().min(0).max(INT4_MAX)

/**
 * A path segment as a row id: plain decimal digits, 1…INT4_MAX, nothing else (`012`, `1.0`,
 * `1e3` and `99999999999` are not ids). Null when it is not one, so the caller answers 404.
 */
export function parseId(raw: string | string[] | undefined): number | null {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,9}$/.test(raw)) return null
  const n = Number(raw)
  return n <= INT4_MAX ? n : null
}

/** A comma-separated list of ids from a query string (`12,13`), each 1…INT4_MAX. */
export const queryIdList = () =>
  z
    .string()
    .regex(/^\d+(,\d+)*$/, 'a comma-separated list of ids')
    .transform((s) => s.split(',').map(Number))
    .pipe(z.array(z.number().int().min(1).max(INT4_MAX, `an id is at most ${INT4_MAX}`)).max(1000, 'at most 1000 ids'))
