import { getJson } from '../api/client.ts'

/** `GET /api/volunteer/my-day` (server/src/community/volunteer-day.ts). */
export interface MyDay {
  at: string
  account: { user_id: number; display_name: string; volunteer_id: number | null }
  volunteer: VolunteerAccount | null
  reports: ReportItem[]
  reports_total: number
  shop: ShopItem[]
}

export interface VolunteerAccount {
  id: number
  name: string
  occupation: string | null
  joined_on: string
  org_name: string
  unit_name: string | null
  balance: number
  earned: number
  spent: number
  ledger: LedgerItem[]
}

export interface LedgerItem {
  id: number
  at: string
  delta: number
  kind: 'activity' | 'record' | 'redemption' | 'adjustment'
  note: string | null
  /** The activity's title, the service record's kind, the item redeemed. */
  label: string | null
}

export interface ReportItem {
  layer: 'hazards' | 'disputes'
  id: number
  code: string
  category: string
  status: string
  description: string
  reported_at: string
  changed_at: string
  lon: number
  lat: number
  grid_name: string | null
  community: string | null
  has_photo: boolean
  history: Array<{ from: string; to: string; at: string; reason: string | null }>
}

export interface ShopItem {
  id: number
  name: string
  price: number
  stock: number
  affordable: boolean
}

/** The volunteer's endpoint (reports are sent through field/entry-api.ts); through the app's one fetch. */
export const volunteerApi = {
  myDay: () => getJson<MyDay>('/api/volunteer/my-day'),
}
