import { sql, type Kysely, type RawBuilder } from 'kysely'
import { hasPhotoSql } from '../features/photos.ts'
import { recentLedger, shopShelf, volunteerAccount, type LedgerRow, type ShopItem, type VolunteerAccount } from './ledger.ts'

/** Most reports listed (newest first; `reports_total` counts them all). */
export const MAX_REPORTS = 100
/** Ledger movements listed. */
export const LEDGER_ROWS = 20

export interface StatusChange {
  from: string
  to: string
  at: string
  reason: string | null
}

export interface VolunteerReport {
  layer: 'hazards' | 'disputes'
  id: number
  code: string
  category: string
  status: string
  description: string
  reported_at: string
  /** When the status last changed (its latest transition), else when the report was stored. */
  changed_at: string
  lon: number
  lat: number
  /** The grid cell and community it was assigned to, by name. */
  grid_name: string | null
  community: string | null
  has_photo: boolean
  /** Every status change, oldest first (the audit log's transitions; who made them is not said). */
  history: StatusChange[]
}

export interface VolunteerDay {
  at: string
  account: { user_id: number; display_name: string; volunteer_id: number | null }
  /** The linked volunteer's points account, or null when the account is linked to none. */
  volunteer: (VolunteerAccount & { ledger: LedgerRow[] }) | null
  reports: VolunteerReport[]
  reports_total: number
  /** The shop's items on offer; `affordable` against the balance (false without a linked volunteer). */
  shop: Array<ShopItem & { affordable: boolean }>
}

/**
 * One layer's reports within `scope` (a condition on `t`):
 * `SELECT 'hazards', t.id, …, (SELECT json_agg(…) FROM audit_log a WHERE a.layer = 'hazards' AND a.feature_id = t.id::text AND a.action = 'transition') AS history
 *  FROM hazards t LEFT JOIN grid_cells g … WHERE <scope>`
 */
function reportsOf(layer: 'hazards' | 'disputes', scope: RawBuilder<boolean>) {
  return sql`
    SELECT ${layer}::text AS layer, t.id, t.code, t.category, t.status, t.description, t.reported_at, t.created_at,
           ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, g.name AS grid_name, c.name AS community, ${hasPhotoSql(layer)} AS has_photo,
           (SELECT coalesce(json_agg(json_build_object('from', a.before -> 'properties' ->> 'status', 'to', a.after -> 'properties' ->> 'status', 'at', a.at, 'reason', a.reason) ORDER BY a.at, a.id), '[]'::json)
            FROM audit_log a WHERE a.layer = ${layer} AND a.feature_id = t.id::text AND a.action = 'transition') AS history
    FROM ${sql.table(layer)} t LEFT JOIN grid_cells g ON g.id = t.grid_id LEFT JOIN admin_areas c ON c.code = t.community_code
    WHERE ${scope}`
}

const parsed = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v)

/**
 * A volunteer account's day: the hazards and disputes it reported (the `own` scope of each layer,
 * newest first, each with its status history), its linked volunteer's points (balance, earned,
 * spent, the latest ledger movements) and the shop's items with what the balance affords.
 */
export async function volunteerDay(
  db: Kysely<any>,
  userId: number,
  scopes: { hazards: RawBuilder<boolean>; disputes: RawBuilder<boolean> },
): Promise<VolunteerDay> {
  const user = (await sql<{ display_name: string; volunteer_id: number | null }>`SELECT display_name, volunteer_id FROM users WHERE id = ${userId}`.execute(db)).rows[0]
  const volunteerId = user?.volunteer_id ?? null
  const account = volunteerId === null ? null : await volunteerAccount(db, volunteerId)
  const ledger = account ? await recentLedger(db, account.id, LEDGER_ROWS) : []
  const rows = await sql<Omit<VolunteerReport, 'changed_at' | 'history'> & { created_at: string; history: StatusChange[] | string }>`
    SELECT * FROM (${reportsOf('hazards', scopes.hazards)} UNION ALL ${reportsOf('disputes', scopes.disputes)}) r
    ORDER BY r.reported_at DESC, r.created_at DESC, r.layer, r.id DESC LIMIT ${MAX_REPORTS}`.execute(db)
  const total = await sql<{ n: number }>`
    SELECT ((SELECT count(*) FROM hazards t WHERE ${scopes.hazards}) + (SELECT count(*) FROM disputes t WHERE ${scopes.disputes}))::int AS n`.execute(db)
  const reports = rows.rows.map(({ created_at, history, ...r }) => {
    const changes = parsed(history)
    return { ...r, changed_at: changes.length ? changes[changes.length - 1]!.at : created_at, history: changes }
  })
  const shelf = await shopShelf(db)
  return {
    at: new Date().toISOString(),
    account: { user_id: userId, display_name: user?.display_name ?? '', volunteer_id: account ? account.id : null },
    volunteer: account ? { ...account, ledger } : null,
    reports,
    reports_total: total.rows[0]!.n,
    shop: shelf.filter((i) => i.active).map((i) => ({ ...i, affordable: !!account && i.stock > 0 && i.price <= account.balance })),
  }
}
