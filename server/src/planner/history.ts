import { sql, type Kysely } from 'kysely'

export interface HistoryEntry {
  id: number
  at: string
  actor: string
  action: string
  reason: string | null
  /** The feature after this change (null for a delete). */
  after: { properties: Record<string, unknown>; geometry: unknown } | null
  before: { properties: Record<string, unknown>; geometry: unknown } | null
}

/** Every audited change of one feature, newest first (the audit log keeps before and after). */
export async function featureHistory(db: Kysely<any>, layer: string, id: number): Promise<HistoryEntry[]> {
  const r = await sql<HistoryEntry>`
    SELECT id::int AS id, at, actor, action, reason, after, before FROM audit_log
    WHERE layer = ${layer} AND feature_id = ${String(id)}
    ORDER BY at DESC, id DESC LIMIT 500`.execute(db)
  return r.rows
}

/** One audit entry of that feature, or undefined. */
export async function historyEntry(db: Kysely<any>, layer: string, id: number, entry: number): Promise<HistoryEntry | undefined> {
  const r = await sql<HistoryEntry>`
    SELECT id::int AS id, at, actor, action, reason, after, before FROM audit_log
    WHERE id = ${entry} AND layer = ${layer} AND feature_id = ${String(id)}`.execute(db)
  return r.rows[0]
}
