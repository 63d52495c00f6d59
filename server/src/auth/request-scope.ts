import type { Request } from 'express'
import { ApiError } from '../http/errors.ts'
import type { RawBuilder } from 'kysely'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { requireRead, requireWrite, scopeCondition, type Scope, type WriteOp } from './layer-access.ts'
import { requirePrincipal } from './policy.ts'
import type { Principal } from './principal.ts'

export interface RequestScope {
  principal: Principal
  scope: Scope
  /** The scope as a condition on the layer's table aliased `t`. */
  where: RawBuilder<boolean>
}

/** The read scope of the request's principal on a layer (403 when closed to the role). */
export function readScopeOf(req: Request, layer: LayerDef, alias = 't'): RequestScope {
  const principal = requirePrincipal(req)
  const scope = requireRead(principal, layer)
  return { principal, scope, where: scopeCondition(scope, principal, layer, alias) }
}

/** The write scope of the request's principal for an operation on a layer (405 / 403). */
export function writeScopeOf(req: Request, layer: LayerDef, op: WriteOp, alias = 't'): RequestScope {
  const principal = requirePrincipal(req)
  const scope = requireWrite(principal, layer, op)
  return { principal, scope, where: scopeCondition(scope, principal, layer, alias) }
}

/**
 * The grid cells an analysis may cover for this request: an officer's own cells (all of them
 * by default; asking for another's is 403), anyone else's request as given (undefined = all).
 */
export function analysisGrids(req: Request, requested: readonly number[] | undefined): readonly number[] | undefined {
  const principal = requirePrincipal(req)
  if (principal.role !== 'officer') return requested && requested.length ? requested : undefined
  if (!requested || requested.length === 0) return principal.gridIds
  const own = new Set(principal.gridIds)
  const foreign = requested.filter((g) => !own.has(g))
  if (foreign.length) throw new ApiError(403, 'out_of_scope', `grid cells ${foreign.slice(0, 10).join(', ')} are not yours`)
  return requested
}
