import type { ErrorRequestHandler, RequestHandler } from 'express'
import type { Logger } from '../logger.ts'
import { dbErrors } from '../ops/metrics.ts'
import { errorMessage } from '../logger.ts'
import { clientErrorFromDb } from './db-errors.ts'

/** An error with the HTTP status and machine code the client sees: {"error":{"code","message"}}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Seconds the client should wait before retrying (sent as Retry-After). */
    readonly retryAfterS?: number,
  ) {
    super(message)
  }
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', `no such endpoint: ${req.method} ${req.path}`))
}

function sendApiError(res: Parameters<ErrorRequestHandler>[2], err: ApiError): void {
  if (err.retryAfterS) res.set('Retry-After', String(err.retryAfterS))
  res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } })
}

/**
 * The one place errors become answers: ApiErrors as they say, body-parser's as 400/413,
 * database errors the request caused by their SQLSTATE (db-errors.ts), an unreachable database
 * as 503; anything else is a 500 that says nothing of its cause (the log has the message).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) {
      logger.error({ method: req.method, path: req.path }, `request failed after the answer began: ${errorMessage(err)}`)
      res.destroy()
      return
    }
    if (err instanceof ApiError) return sendApiError(res, err)
    if (isDatabaseUnavailable(err)) {
      dbErrors.inc()
      logger.warn({ method: req.method, path: req.path }, `database unavailable: ${errorMessage(err)}`)
      res.set('Retry-After', '5').status(503).json({ error: { code: 'database_unavailable', message: 'the database is not reachable now; retry shortly' } })
      return
    }
    const mapped = clientErrorFromDb(err)
    if (mapped instanceof ApiError) {
      logger.warn({ method: req.method, path: req.path, status: mapped.status }, `database refused the request: ${errorMessage(err).slice(0, 300)}`)
      return sendApiError(res, mapped)
    }
    // body-parser errors carry a status and a type
    const status = typeof err?.status === 'number' ? err.status : 500
    if (err?.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'payload_too_large', message: `request body exceeds ${err.limit} bytes` } })
      return
    }
    if (err?.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'malformed_json', message: 'request body is not valid JSON' } })
      return
    }
    if (status >= 400 && status < 500) {
      res.status(status).json({ error: { code: 'bad_request', message: String(err?.message ?? 'bad request') } })
      return
    }
    logger.error({ method: req.method, path: req.path }, `request failed: ${errorMessage(err)}`)
    res.status(500).json({ error: { code: 'internal', message: 'internal error; see the server log' } })
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006'])

/** A failure to reach the database (down, restarting, network), as opposed to a bad query. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown } | null
  if (!e) return false
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true
  const message = typeof e.message === 'string' ? e.message : ''
  if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|ECONNREFUSED/i.test(message)) return true
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause)
}

/** Wraps an async handler so a rejection reaches the error middleware. */
export function handle(fn: (...args: Parameters<RequestHandler>) => Promise<unknown>): RequestHandler {
  return (req, res, next) => {
    fn(req, res, next).catch(next)
  }
}
