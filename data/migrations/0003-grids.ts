import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/** Grid cells (网格) and ten-household units (十户联防). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE TABLE grid_cells (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      community_code text NOT NULL REFERENCES admin_areas (code) ON DELETE RESTRICT,
      station_id integer NOT NULL REFERENCES police_units (id) ON DELETE RESTRICT,
      officer_id integer REFERENCES officers (id) ON DELETE SET NULL,
      auxiliary_id integer REFERENCES officers (id) ON DELETE SET NULL,
      grid_worker_id integer REFERENCES officers (id) ON DELETE SET NULL,
      militia_org_id integer REFERENCES militia_orgs (id) ON DELETE SET NULL,
      households integer NOT NULL DEFAULT 0 CHECK (households >= 0),
      population integer NOT NULL DEFAULT 0 CHECK (population >= 0),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom))
    );
    CREATE INDEX grid_cells_geom_idx ON grid_cells USING gist (geom);
    CREATE INDEX grid_cells_community_idx ON grid_cells (community_code);
    CREATE INDEX grid_cells_station_idx ON grid_cells (station_id);
    CREATE INDEX grid_cells_officer_idx ON grid_cells (officer_id);

    CREATE TABLE household_units (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      grid_id integer REFERENCES grid_cells (id) ON DELETE SET NULL,
      lead_name text NOT NULL,
      lead_phone text,
      households integer NOT NULL CHECK (households BETWEEN 1 AND 50),
      reports integer NOT NULL DEFAULT 0 CHECK (reports >= 0),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(Point, 4326) NOT NULL
    );
    CREATE INDEX household_units_geom_idx ON household_units USING gist (geom);
    CREATE INDEX household_units_grid_idx ON household_units (grid_id);
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `DROP TABLE household_units;
    DROP TABLE grid_cells;`)
}
