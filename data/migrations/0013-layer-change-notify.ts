import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/** Tables behind map layers; a change to any of them must reach every server's tile cache. */
const TABLES = [
  'admin_areas', 'police_units', 'grid_cells', 'household_units', 'patrol_zones', 'patrol_routes', 'patrols', 'unit_positions',
  'rivers', 'river_patrols', 'hazards', 'places', 'disputes', 'mediation_rooms', 'schools', 'guard_posts', 'incidents',
] as const

/**
 * One NOTIFY per changing statement (not per row) on channel `pingan_layer_changed` with the
 * table's name, after the change commits: whoever wrote it (API, import, SQL), every process
 * drops the tiles of that layer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE FUNCTION notify_layer_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM pg_notify('pingan_layer_changed', TG_TABLE_NAME);
      RETURN NULL;
    END
    $fn$;
    ${TABLES.map((t) => `CREATE TRIGGER ${t}_layer_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION notify_layer_changed();`).join('\n    ')}
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    ${TABLES.map((t) => `DROP TRIGGER ${t}_layer_changed ON ${t};`).join('\n    ')}
    DROP FUNCTION notify_layer_changed();
  `)
}
