import { sql, type Kysely } from 'kysely'
import { RULES, type RuleRow } from './rules.ts'
import { alertColumns, alertPlace } from './alert-row.ts'

export interface EvaluationResult {
  opened: number
  cleared: number
}

/**
 * Evaluates every enabled rule at time `at`: opens an alert for each condition newly true,
 * clears open alerts whose condition no longer holds. One transaction; each opened or cleared
 * alert is logged as a live event for the command centre.
 */
export async function evaluateAlerts(db: Kysely<any>, at: string = new Date().toISOString()): Promise<EvaluationResult> {
  return db.transaction().execute(async (trx) => {
    const rules = await sql<RuleRow>`SELECT id, kind, params FROM alert_rules WHERE enabled ORDER BY id`.execute(trx)
    let opened = 0
    let cleared = 0
    for (const rule of rules.rows) {
      const firing = await RULES[rule.kind](trx, rule, at)
      const rows = JSON.stringify(firing)
      const o = await sql<{ id: string }>`
        INSERT INTO alerts (rule_id, kind, subject, message, opened_at, geom)
        SELECT ${rule.id}, ${rule.kind}, f.subject, f.message, ${at}::timestamptz,
               CASE WHEN f.lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326) END
        FROM jsonb_to_recordset(${rows}::jsonb) AS f(subject text, message text, lon float8, lat float8)
        WHERE NOT EXISTS (SELECT 1 FROM alerts a WHERE a.rule_id = ${rule.id} AND a.subject = f.subject AND a.cleared_at IS NULL)
        RETURNING id::text AS id`.execute(trx)
      const c = await sql<{ id: string }>`
        UPDATE alerts a SET cleared_at = greatest(${at}::timestamptz, a.opened_at)
        WHERE a.rule_id = ${rule.id} AND a.cleared_at IS NULL
          AND a.subject NOT IN (SELECT f.subject FROM jsonb_to_recordset(${rows}::jsonb) AS f(subject text))
        RETURNING id::text AS id`.execute(trx)
      const changed = [...o.rows.map((r) => r.id), ...c.rows.map((r) => r.id)]
      if (changed.length) {
        await sql`
          INSERT INTO live_events (kind, payload, geom)
          SELECT 'alerts', to_jsonb(x) - 'geom' || jsonb_build_object('state', CASE WHEN x.cleared_at IS NULL THEN 'open' ELSE 'cleared' END), x.geom
          FROM (SELECT ${alertColumns}, a.geom FROM alerts a ${alertPlace} WHERE a.id IN (${sql.join(changed.map(Number))})) x ORDER BY x.id`.execute(trx)
      }
      opened += o.rows.length
      cleared += c.rows.length
    }
    return { opened, cleared }
  })
}
