import * as volunteer from './volunteer.ts'
import { JSON_TYPE, type Endpoint } from './endpoint.ts'

/** The volunteer's phone view (client/src/volunteer/volunteer-api.ts) and the community programmes' readings it is made of. */
export const VOLUNTEER_ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/api/volunteer/my-day',
    summary:
      "a volunteer account's day: the hazards and disputes it reported (newest first, each with its status history), its linked volunteer's balance, earned, spent and latest ledger movements (volunteer: null when the account is linked to none), and the shop's items with what the balance affords",
    query: volunteer.myDayQuery,
    answer: { [JSON_TYPE]: volunteer.myDayAnswer },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/api/volunteers',
    summary: "volunteer registry with balances: org=, q= (name), limit=, after= (the previous page's next)",
    query: volunteer.volunteersQuery,
    answer: { [JSON_TYPE]: volunteer.volunteersAnswer },
    errors: [400, 404],
  },
  {
    method: 'GET',
    path: '/api/volunteers/:id',
    summary: 'one volunteer: balance, earned and spent from the points ledger, the 20 latest movements (a volunteer: only their own)',
    answer: { [JSON_TYPE]: volunteer.volunteerWithLedger },
    errors: [404],
  },
  {
    method: 'GET',
    path: '/api/point-rules',
    summary: 'points per unit of each activity kind (patrol hours, reports, publicity sessions, river patrols)',
    answer: { [JSON_TYPE]: volunteer.pointRulesAnswer },
  },
  {
    method: 'GET',
    path: '/api/shop/items',
    summary: 'the safety shop (平安超市): items, points price, stock, redeemed',
    answer: { [JSON_TYPE]: volunteer.shopItemsAnswer },
  },
]
