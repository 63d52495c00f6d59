import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/** Tables whose names the search box finds: a change to any of them makes the search index stale. */
export const SEARCH_SOURCES = [
  'admin_areas', 'grid_cells', 'police_units', 'schools', 'mediation_rooms', 'officers', 'militia_orgs', 'volunteers', 'volunteer_orgs',
] as const

/**
 * The people directory (issue 15): who is responsible for a grid cell and how to reach them.
 * - A volunteer organisation's lead is one of its volunteers (`volunteers.lead`, at most one per
 *   organisation); an existing database gets each organisation's longest-standing member.
 * - The view `people` has one row per person: officers of every role (community officer,
 *   auxiliary, grid worker, …), each militia organisation's contact and each volunteer lead,
 *   keyed by kind and the row id of its own table ("officer:125", "militia:214", "volunteer:9").
 * - The view `person_cells` says which cells a person answers for, and as what (the grid cell's
 *   officer, auxiliary, grid worker or militia column).
 * - `search_sources` counts the changes of every table the search box reads names from: a
 *   statement trigger bumps the table's row, so a search index held in a server's memory sees in
 *   one small query whether a name changed (on any server process, whoever wrote it), and rebuilds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    ALTER TABLE volunteers ADD COLUMN lead boolean NOT NULL DEFAULT false;
    CREATE UNIQUE INDEX volunteers_one_lead_idx ON volunteers (org_id) WHERE lead;
    UPDATE volunteers SET lead = true WHERE id IN (SELECT min(id) FROM volunteers GROUP BY org_id);

    CREATE INDEX grid_cells_auxiliary_idx ON grid_cells (auxiliary_id);
    CREATE INDEX grid_cells_grid_worker_idx ON grid_cells (grid_worker_id);
    CREATE INDEX grid_cells_militia_idx ON grid_cells (militia_org_id);

    CREATE VIEW people AS
      SELECT 'officer'::text AS kind, o.id AS ref_id, o.name, o.role, o.unit_id, o.phone, o.badge, NULL::text AS org_name
      FROM officers o
      UNION ALL
      SELECT 'militia'::text, m.id, m.contact_name, 'militia_contact'::text, m.liaison_unit_id, m.contact_phone, NULL::text, m.name
      FROM militia_orgs m WHERE m.contact_name IS NOT NULL
      UNION ALL
      SELECT 'volunteer'::text, v.id, v.name, 'volunteer_lead'::text, g.unit_id, v.phone, NULL::text, g.name
      FROM volunteers v JOIN volunteer_orgs g ON g.id = v.org_id WHERE v.lead;

    CREATE VIEW person_cells AS
      SELECT 'officer'::text AS kind, officer_id AS ref_id, id AS grid_id, 'community_officer'::text AS duty FROM grid_cells WHERE officer_id IS NOT NULL
      UNION ALL SELECT 'officer'::text, auxiliary_id, id, 'auxiliary'::text FROM grid_cells WHERE auxiliary_id IS NOT NULL
      UNION ALL SELECT 'officer'::text, grid_worker_id, id, 'grid_worker'::text FROM grid_cells WHERE grid_worker_id IS NOT NULL
      UNION ALL SELECT 'militia'::text, militia_org_id, id, 'militia'::text FROM grid_cells WHERE militia_org_id IS NOT NULL;

    CREATE TABLE search_sources (
      source text PRIMARY KEY,
      version bigint NOT NULL DEFAULT 0,
      changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE FUNCTION bump_search_source() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      INSERT INTO search_sources AS s (source, version, changed_at) VALUES (TG_TABLE_NAME, 1, clock_timestamp())
      ON CONFLICT (source) DO UPDATE SET version = s.version + 1, changed_at = clock_timestamp();
      RETURN NULL;
    END
    $fn$;
    ${SEARCH_SOURCES.map((t) => `CREATE TRIGGER ${t}_search_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION bump_search_source();`).join('\n    ')}
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    ${SEARCH_SOURCES.map((t) => `DROP TRIGGER ${t}_search_changed ON ${t};`).join('\n    ')}
    DROP FUNCTION bump_search_source();
    DROP TABLE search_sources;
    DROP VIEW person_cells;
    DROP VIEW people;
    DROP INDEX grid_cells_militia_idx;
    DROP INDEX grid_cells_grid_worker_idx;
    DROP INDEX grid_cells_auxiliary_idx;
    DROP INDEX volunteers_one_lead_idx;
    ALTER TABLE volunteers DROP COLUMN lead;
  `)
}
