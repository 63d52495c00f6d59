import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import type { Request, RequestHandler } from 'express'
import type { Logger } from '../logger.ts'
import { httpDuration, httpRequests } from './metrics.ts'

/** What a log line deep in a query knows about the request it serves. */
export interface RequestContext {
  id: string
  method: string
  path: string
}

export const requestContext = new AsyncLocalStorage<RequestContext>()

/** The matched route's declared pattern (`/api/layers/:layer/features`), never the raw URL: bounded label values. */
export function routeOf(req: Request): string {
  const policy = (req.res?.locals as { routePolicy?: { path: string } } | undefined)?.routePolicy
  if (policy) return policy.path
  return /^\/(api|ogc|tiles)(\/|$)/i.test(req.originalUrl) ? 'unmatched' : 'page'
}

const QUIET = /^\/(tiles\/|api\/health$)/

const STARTED = Symbol('request started')

/** Milliseconds since the request reached the server (0 outside requestLogging). */
export function msSinceStart(res: import('express').Response): number {
  const start = (res.locals as { [STARTED]?: bigint })[STARTED]
  return start === undefined ? 0 : Number(process.hrtime.bigint() - start) / 1e6
}

/**
 * Gives every request an id (`X-Request-Id`, kept when the client sent a sane one), runs it in
 * the request context, and on finish logs one JSON line (method, route, status, ms, id, user)
 * and counts it in the metrics.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id')
    const id = given && /^[A-Za-z0-9._-]{8,80}$/.test(given) ? given : randomUUID()
    res.set('X-Request-Id', id)
    const start = process.hrtime.bigint()
    ;(res.locals as { [STARTED]?: bigint })[STARTED] = start
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9
      const route = routeOf(req)
      httpRequests.inc({ method: req.method, route, status: String(res.statusCode) })
      httpDuration.observe({ method: req.method, route }, seconds)
      const line = { reqId: id, method: req.method, route, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1000), user: (res.locals as { actor?: string }).actor }
      if (res.statusCode >= 500) logger.error(line, 'request failed')
      else if (QUIET.test(req.path) && res.statusCode < 400) logger.debug(line, 'request')
      else logger.info(line, 'request')
    })
    requestContext.run({ id, method: req.method, path: req.path }, () => next())
  }
}
