import type { Request } from 'express'
import { sql, type RawBuilder } from 'kysely'
import { intArray } from '../auth/layer-access.ts'
import { requirePrincipal } from '../auth/policy.ts'
import { ApiError } from '../http/errors.ts'

/**
 * Community records that belong to a grid cell (unit reports, mediation cases, daily contacts)
 * follow the officer model of the layers: desk roles see all, an officer only their own cells,
 * anyone else nothing. `column` is the grid id column the condition is put on, in the SQL.
 * `(t.grid_id = ANY('{..}'::int[]))`
 */
export function cellScope(req: Request, column: string): RawBuilder<boolean> {
  const p = requirePrincipal(req)
  if (p.role === 'admin' || p.role === 'command' || p.role === 'planner') return sql<boolean>`true`
  if (p.role === 'officer') return sql<boolean>`(${sql.ref(column)} = ANY(${intArray(p.gridIds)}))`
  return sql<boolean>`false`
}

/** The writer of a cell's community record: admins anywhere, officers in their own cells (403 otherwise). */
export function cellWriteScope(req: Request, column: string): RawBuilder<boolean> {
  const p = requirePrincipal(req)
  if (p.role === 'admin') return sql<boolean>`true`
  if (p.role === 'officer') return sql<boolean>`(${sql.ref(column)} = ANY(${intArray(p.gridIds)}))`
  throw new ApiError(403, 'forbidden', `the ${p.role} role may not write community records`)
}

/** One audit entry for a community record (created or changed), in the caller's transaction. */
export const auditRecord = (
  db: Parameters<RawBuilder<unknown>['execute']>[0],
  entry: { actor: string; action: string; layer: string; id: number; before?: unknown; after: unknown; reason?: string | null },
) =>
  sql`INSERT INTO audit_log (actor, action, layer, feature_id, before, after, reason)
      VALUES (${entry.actor}, ${entry.action}, ${entry.layer}, ${String(entry.id)},
              ${entry.before === undefined ? null : JSON.stringify(entry.before)}::jsonb, ${JSON.stringify(entry.after)}::jsonb, ${entry.reason ?? null})`.execute(db)

/** A time not later than an hour from now (clock skew), for reports and logs. */
export { notFuture } from '../contract/community.ts'
