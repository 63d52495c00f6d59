import { sql, type Kysely } from 'kysely'

/**
 * The layout of the schema on a Citus cluster (README, "Scale-out"), and the script that turns a
 * migrated PostgreSQL database into it. Run on the coordinator after `npm run db:migrate`:
 * `DATABASE_URL=… npm run -s db:citus > citus.sql && psql -f citus.sql` (printed, not run, so
 * that a person reads it first). Citus itself is not in Debian's archive: the script is checked against
 * PostgreSQL with stand-ins for Citus's functions that apply Citus's rules to the real catalog
 * (tests/api/citus-layout.test.ts).
 */

/**
 * Distributed by district (区/县 code, migration 0020) and co-located: a district's events, their
 * photos, reports and mediation cases live on one node and join there.
 */
export const BY_DISTRICT = ['disputes', 'hazards', 'incidents', 'hazard_photos', 'dispute_photos', 'household_reports', 'mediation_cases', 'mediation_participants'] as const

/** Distributed by unit and co-located: a unit's track and its current position. */
export const BY_UNIT = ['unit_positions', 'unit_current'] as const

/** Append-only logs, each distributed by its own id (written everywhere, read by id ranges). */
export const BY_ID = ['audit_log', 'live_events'] as const

/** Tables the application keys by district: ON CONFLICT names the district-led keys there. */
export const DISTRICT_KEYED: ReadonlySet<string> = new Set(BY_DISTRICT)

/**
 * Everything else is a reference table (a copy on every node): the catalog (areas, police units,
 * officers, grid cells, zones, routes, places, schools…), accounts, rules, and the smaller
 * programme tables. Listed so a new table has to be placed deliberately (the test fails otherwise).
 */
export const REFERENCE = [
  'admin_areas', 'police_units', 'officers', 'militia_orgs', 'grid_cells', 'household_units', 'patrol_zones', 'patrol_routes',
  'patrol_units', 'patrols', 'rivers', 'river_patrols', 'places', 'mediation_rooms', 'schools', 'guard_posts',
  'volunteer_orgs', 'volunteers', 'volunteer_activities', 'activity_participants', 'redemptions', 'users', 'sessions',
  'api_tokens', 'user_grid_cells', 'alert_rules', 'alerts', 'point_rules', 'activity_records', 'shop_items', 'points_ledger',
  'coordination_meetings', 'coordination_issues', 'search_sources',
] as const

/** Tables of the database that are not the application's: left alone. */
export const NOT_OURS = ['spatial_ref_sys', 'kysely_migration', 'kysely_migration_lock'] as const

const DISTRIBUTED: ReadonlyArray<{ tables: readonly string[]; column: string }> = [
  { tables: BY_DISTRICT, column: 'district_code' },
  { tables: BY_UNIT, column: 'unit_id' },
  ...BY_ID.map((t) => ({ tables: [t], column: 'id' })),
]

/**
 * The SQL for the coordinator. First the keys Citus cannot keep: on a distributed table, every
 * primary key, unique constraint and unique index must contain the distribution column, and a
 * foreign key between distributed tables must join on it. Migration 0020 already added the
 * district-led equal of each; the single-column ones (PostgreSQL's safety net) are dropped here.
 * Then the reference tables (referenced ones first) and the distributed ones, co-located.
 */
export function citusScript(referenceTables: readonly string[]): string {
  const lines = [
    '-- Ping\'an Grid on Citus: run on the coordinator of a migrated database (see README, "Scale-out").',
    'BEGIN;',
    '-- Triggers on distributed tables (grid and district assignment, live events, layer changes) run on the shards.',
    'SET LOCAL citus.enable_unsafe_triggers = on;',
  ]
  for (const { tables, column } of DISTRIBUTED) {
    const list = tables.map((t) => `'${t}'`).join(', ')
    lines.push(`-- Keys without ${column} on ${tables.join(', ')}.`)
    lines.push(`DO $$
DECLARE c record;
BEGIN
  FOR c IN
    SELECT con.conrelid::regclass AS rel, con.conname FROM pg_constraint con
    WHERE con.conrelid::regclass::text IN (${list})
      AND (con.contype IN ('p', 'u', 'x') OR (con.contype = 'f' AND con.confrelid::regclass::text IN (${list})))
      AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attname = '${column}' AND a.attnum = ANY (con.conkey))
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I CASCADE', c.rel, c.conname);
  END LOOP;
  FOR c IN
    SELECT i.indexrelid::regclass AS idx FROM pg_index i
    WHERE i.indrelid::regclass::text IN (${list}) AND i.indisunique
      AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
      AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attname = '${column}' AND a.attnum = ANY (i.indkey))
  LOOP
    EXECUTE format('DROP INDEX %s', c.idx);
  END LOOP;
END $$;`)
  }
  lines.push('-- Reference tables, each after the tables it references.')
  for (const t of referenceTables) lines.push(`SELECT create_reference_table('${t}');`)
  lines.push('-- Distributed tables; the first of each group sets the shards, the others follow it.')
  for (const { tables, column } of DISTRIBUTED) {
    tables.forEach((t, i) => lines.push(`SELECT create_distributed_table('${t}', '${column}'${i === 0 ? '' : `, colocate_with => '${tables[0]}'`});`))
  }
  lines.push('COMMIT;')
  return `${lines.join('\n')}\n`
}

/**
 * Reference tables ordered so that each comes after every reference table it has a foreign key
 * to (the order Citus needs), from the database's own catalog.
 */
export async function referenceOrder(db: Kysely<any>): Promise<string[]> {
  const r = await sql<{ t: string; ref: string }>`
    SELECT conrelid::regclass::text AS t, confrelid::regclass::text AS ref FROM pg_constraint
    WHERE contype = 'f' AND conrelid <> confrelid`.execute(db)
  const refs = new Map<string, Set<string>>(REFERENCE.map((t) => [t, new Set<string>()]))
  for (const { t, ref } of r.rows) if (refs.has(t) && refs.has(ref)) refs.get(t)!.add(ref)
  const out: string[] = []
  const visit = (t: string, path: string[]) => {
    if (out.includes(t)) return
    if (path.includes(t)) throw new Error(`reference tables reference each other in a cycle: ${[...path, t].join(' → ')}`)
    for (const ref of [...refs.get(t)!].sort()) visit(ref, [...path, t])
    out.push(t)
  }
  for (const t of REFERENCE) visit(t, [])
  return out
}
