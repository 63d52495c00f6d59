import type { Router } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import type { DbHandle } from '../db/create-db.ts'
import { actorOf } from '../http/actor.ts'
import { handle } from '../http/errors.ts'
import { parseCommunityBody } from './input.ts'
import { createItem, redeem, shopShelf } from './ledger.ts'
import { redemptionBody, shopItemBody } from '../contract/community.ts'

/** The safety shop (平安超市): its shelf, new items, and redemptions paid in points. */
export function shopRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/api')

  router.get(
    '/shop/items',
    handle(async (_req, res) => {
      res.json({ items: await shopShelf(db) })
    }),
  )

  router.post(
    '/shop/items',
    handle(async (req, res) => {
      const body = parseCommunityBody(shopItemBody, req.body)
      res.status(201).json(await createItem(db, body, actorOf(req)))
    }),
  )

  router.post(
    '/shop/redemptions',
    handle(async (req, res) => {
      const body = parseCommunityBody(redemptionBody, req.body)
      res.status(201).json(await redeem(db, body, actorOf(req)))
    }),
  )

  return router
}
