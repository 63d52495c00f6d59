import type { Router, Request } from 'express'
import { secureRouter } from './route-guard.ts'
import type { Kysely } from 'kysely'
import { parseJsonBody } from '../http/body.ts'
import { ApiError, handle } from '../http/errors.ts'
import { requirePrincipal } from './policy.ts'
import type { PrincipalCache } from './principal.ts'
import { createApiToken, createUser, listUsers, readUser, updateUser } from './users.ts'
import { parseId } from '../http/ints.ts'
import { namedUsers, withGridCodes } from './user-names.ts'
import { adminTokenBody, newUserBody, userPatchBody, type AdminTokenCreated } from '../contract/admin.ts'

function userId(req: Request): number {
  const id = parseId(req.params.id)
  if (id === null) throw new ApiError(404, 'unknown_user', `no user ${req.params.id}`)
  return id
}

/** Accounts, for administrators: create, disable, change role or grid cells, reset passwords, issue tokens. Every change audited. */
export function adminRoutes(db: Kysely<any>, cache: PrincipalCache): Router {
  const router = secureRouter('/api')

  router.get(
    '/admin/users',
    handle(async (_req, res) => {
      res.json({ users: await namedUsers(db, await listUsers(db)) })
    }),
  )

  router.post(
    '/admin/users',
    handle(async (req, res) => {
      const actor = requirePrincipal(req).username
      const input = await withGridCodes(db, parseJsonBody(newUserBody, req.body))
      const user = await db.transaction().execute((trx) => createUser(trx, input, actor))
      res.status(201).location(`/api/admin/users/${user.id}`).json(user)
    }),
  )

  router.patch(
    '/admin/users/:id',
    handle(async (req, res) => {
      const actor = requirePrincipal(req)
      const id = userId(req)
      const patch = await withGridCodes(db, parseJsonBody(userPatchBody, req.body))
      if (id === actor.userId && (patch.disabled || (patch.role && patch.role !== 'admin'))) {
        throw new ApiError(409, 'self_lockout', 'an administrator cannot disable or demote their own account')
      }
      const user = await db.transaction().execute((trx) => updateUser(trx, id, patch, actor.username))
      cache.clear()
      res.json(user)
    }),
  )

  router.post(
    '/admin/users/:id/tokens',
    handle(async (req, res) => {
      const actor = requirePrincipal(req).username
      const id = userId(req)
      const { name } = parseJsonBody(adminTokenBody, req.body)
      if (!(await readUser(db, id))) throw new ApiError(404, 'unknown_user', `no user ${id}`)
      const created = await db.transaction().execute((trx) => createApiToken(trx, id, name, actor))
      res.status(201).json({ ...created, name } satisfies AdminTokenCreated)
    }),
  )
  return router
}
