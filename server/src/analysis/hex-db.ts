import { ApiError } from '../http/errors.ts'
import { clientErrorFromDb } from '../http/db-errors.ts'
import { errorMessage } from '../logger.ts'

/**
 * Runs one database step of an analysis; a failure comes back saying what was being done, with
 * the driver's message cut short (PGlite's can be megabytes of minified source).
 */
export async function dbStep<T>(doing: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    if (err instanceof ApiError) throw err
    const client = clientErrorFromDb(err, doing)
    if (client instanceof ApiError) throw client
    throw new Error(`${doing}: ${errorMessage(err).slice(0, 500)}`, { cause: err })
  }
}
