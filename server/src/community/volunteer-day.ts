import { sql, type Kysely, type RawBuilder } from 'kysely'
import { hasPhotoSql } from '../features/photos.ts'
import type { MyDayAnswer as VolunteerDay, StatusChange, VolunteerReport } from '../contract/volunteer.ts'
import { recentLedger, shopShelf, volunteerAccount } from './ledger.ts'

/** Most reports listed (newest first; `reports_total` counts them all). */
export const MAX_REPORTS = 100
/** Ledger movements listed. */
export const LEDGER_ROWS = 20

/** The answer and its rows, as the contract defines them (server/src/contract/volunteer.ts). */
export type { MyDayAnswer as VolunteerDay, StatusChange, VolunteerReport } from '../contract/volunteer.ts'

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
