/**
 * The answer's types come from the API's contract (server/src/contract/volunteer.ts), as types
 * only: nothing of the server is bundled.
 */
import type { MyDayAnswer } from '../../../server/src/contract/volunteer.ts'
import { getJson } from '../api/client.ts'
export type {
  LedgerRow as LedgerItem, MyDayAnswer as MyDay, ShopItem, VolunteerReport as ReportItem, VolunteerWithLedger as VolunteerAccount,
} from '../../../server/src/contract/volunteer.ts'

/** The volunteer's endpoint (reports are sent through field/entry-api.ts); through the app's one fetch. */
export const volunteerApi = {
  myDay: () => getJson<MyDayAnswer>('/api/volunteer/my-day'),
}
