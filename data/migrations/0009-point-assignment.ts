import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

const TABLES = ['household_units', 'hazards', 'places', 'disputes', 'schools', 'incidents'] as const

/**
 * Points know their grid cell, community, station and responsible officer, assigned by the
 * database on insert and whenever the point moves: the cell that covers it, else the nearest
 * cell within 2 km (a point just outside the city edge), else none.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE FUNCTION assign_grid_cell() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      cell_id integer;
      cell_community text;
      cell_station integer;
      cell_officer integer;
    BEGIN
      SELECT g.id, g.community_code, g.station_id, g.officer_id INTO cell_id, cell_community, cell_station, cell_officer
      FROM grid_cells g WHERE ST_Covers(g.geom, NEW.geom) ORDER BY g.id LIMIT 1;
      IF cell_id IS NULL THEN
        SELECT g.id, g.community_code, g.station_id, g.officer_id INTO cell_id, cell_community, cell_station, cell_officer
        FROM grid_cells g
        WHERE g.geom && ST_Expand(NEW.geom, 0.03)
          AND ST_DWithin(ST_Transform(g.geom, 32651), ST_Transform(NEW.geom, 32651), 2000)
        ORDER BY g.geom <-> NEW.geom LIMIT 1;
      END IF;
      NEW.grid_id := cell_id;
      NEW.community_code := cell_community;
      NEW.station_id := cell_station;
      NEW.officer_id := cell_officer;
      RETURN NEW;
    END
    $fn$;
    ${TABLES.map(
      (t) => `
    ALTER TABLE ${t} ADD COLUMN community_code text, ADD COLUMN station_id integer REFERENCES police_units (id) ON DELETE SET NULL,
      ADD COLUMN officer_id integer REFERENCES officers (id) ON DELETE SET NULL;
    CREATE INDEX ${t}_officer_idx ON ${t} (officer_id);
    UPDATE ${t} x SET community_code = g.community_code, station_id = g.station_id, officer_id = g.officer_id FROM grid_cells g WHERE g.id = x.grid_id;
    CREATE TRIGGER ${t}_assign_grid BEFORE INSERT OR UPDATE OF geom ON ${t} FOR EACH ROW EXECUTE FUNCTION assign_grid_cell();`,
    ).join('\n')}
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    ${TABLES.map((t) => `DROP TRIGGER ${t}_assign_grid ON ${t};
    ALTER TABLE ${t} DROP COLUMN community_code, DROP COLUMN station_id, DROP COLUMN officer_id;`).join('\n')}
    DROP FUNCTION assign_grid_cell();
  `)
}
