import type { Request } from 'express'

/**
 * Who made the request, for the audit log. Until accounts land (issue 7) every request is
 * 'anonymous'; the auth layer will set `res.locals.actor`.
 */
export function actorOf(req: Request): string {
  const actor = (req.res?.locals as { actor?: unknown } | undefined)?.actor
  return typeof actor === 'string' && actor.length > 0 ? actor : 'anonymous'
}
