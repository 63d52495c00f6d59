import type { Request } from 'express'

/**
 * Who made the request, for the audit log: the signed-in account's username, set by the auth
 * middleware (`res.locals.actor`); 'anonymous' only on public endpoints.
 */
export function actorOf(req: Request): string {
  const actor = (req.res?.locals as { actor?: unknown } | undefined)?.actor
  return typeof actor === 'string' && actor.length > 0 ? actor : 'anonymous'
}
