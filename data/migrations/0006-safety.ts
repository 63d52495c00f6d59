import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/** Hazards (风险隐患), 九小场所, mediation rooms, disputes (矛盾纠纷), schools, guard posts, incidents. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE TABLE hazards (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE,
      category text NOT NULL CHECK (category IN ('manhole', 'small_venue', 'fire', 'flood', 'traffic', 'building', 'electric', 'other')),
      status text NOT NULL DEFAULT 'reported' CHECK (status IN ('reported', 'verified', 'rectifying', 'eliminated', 'rejected')),
      source text NOT NULL CHECK (source IN ('online', 'offline')),
      description text NOT NULL DEFAULT '',
      grid_id integer REFERENCES grid_cells (id) ON DELETE SET NULL,
      reported_at timestamptz NOT NULL,
      eliminated_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(Point, 4326) NOT NULL,
      CHECK ((status = 'eliminated') = (eliminated_at IS NOT NULL))
    );
    CREATE INDEX hazards_geom_idx ON hazards USING gist (geom);
    CREATE INDEX hazards_grid_idx ON hazards (grid_id);
    CREATE INDEX hazards_status_idx ON hazards (status);

    CREATE TABLE places (
      id serial PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      kind text NOT NULL CHECK (kind IN ('shop', 'restaurant', 'inn', 'internet_cafe', 'salon', 'entertainment', 'clinic', 'training', 'workshop')),
      grid_id integer REFERENCES grid_cells (id) ON DELETE SET NULL,
      last_inspected_at timestamptz,
      last_result text CHECK (last_result IN ('pass', 'fail', 'rectified')),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(Point, 4326) NOT NULL,
      CHECK ((last_inspected_at IS NULL) = (last_result IS NULL))
    );
    CREATE INDEX places_geom_idx ON places USING gist (geom);
    CREATE INDEX places_grid_idx ON places (grid_id);

    CREATE TABLE mediation_rooms (
      id serial PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      owner_unit_id integer NOT NULL REFERENCES police_units (id) ON DELETE RESTRICT,
      kind text NOT NULL CHECK (kind IN ('branch', 'station', 'office', 'village')),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(Point, 4326) NOT NULL
    );
    CREATE INDEX mediation_rooms_geom_idx ON mediation_rooms USING gist (geom);

    CREATE TABLE disputes (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE,
      category text NOT NULL CHECK (category IN ('land', 'neighbour', 'family', 'lending', 'other')),
      season text NOT NULL CHECK (season IN ('spring', 'summer', 'autumn', 'winter')),
      status text NOT NULL DEFAULT 'reported' CHECK (status IN ('reported', 'mediating', 'resolved', 'escalated')),
      source text NOT NULL CHECK (source IN ('household_unit', '110', '12345', 'patrol', 'walk_in')),
      parties integer NOT NULL DEFAULT 2 CHECK (parties BETWEEN 1 AND 500),
      description text NOT NULL DEFAULT '',
      household_unit_id integer REFERENCES household_units (id) ON DELETE SET NULL,
      mediation_room_id integer REFERENCES mediation_rooms (id) ON DELETE SET NULL,
      grid_id integer REFERENCES grid_cells (id) ON DELETE SET NULL,
      reported_at timestamptz NOT NULL,
      resolved_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(Point, 4326) NOT NULL,
      CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
      CHECK (source <> 'household_unit' OR household_unit_id IS NOT NULL)
    );
    CREATE INDEX disputes_geom_idx ON disputes USING gist (geom);
    CREATE INDEX disputes_grid_idx ON disputes (grid_id);
    CREATE INDEX disputes_reported_idx ON disputes (reported_at);

    CREATE TABLE schools (
      id serial PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      kind text NOT NULL CHECK (kind IN ('primary', 'middle', 'high', 'college', 'kindergarten', 'vocational')),
      students integer NOT NULL DEFAULT 0 CHECK (students >= 0),
      dismissal_times text[] NOT NULL DEFAULT '{}',
      grid_id integer REFERENCES grid_cells (id) ON DELETE SET NULL,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(Point, 4326) NOT NULL
    );
    CREATE INDEX schools_geom_idx ON schools USING gist (geom);

    CREATE TABLE guard_posts (
      id serial PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      school_id integer NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
      unit_id integer REFERENCES police_units (id) ON DELETE SET NULL,
      officer_id integer REFERENCES officers (id) ON DELETE SET NULL,
      minutes_before integer NOT NULL DEFAULT 10 CHECK (minutes_before BETWEEN 0 AND 120),
      minutes_after integer NOT NULL DEFAULT 20 CHECK (minutes_after BETWEEN 0 AND 120),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(Point, 4326) NOT NULL
    );
    CREATE INDEX guard_posts_geom_idx ON guard_posts USING gist (geom);
    CREATE INDEX guard_posts_school_idx ON guard_posts (school_id);

    CREATE TABLE incidents (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE,
      source text NOT NULL CHECK (source IN ('110', '12345')),
      category text NOT NULL CHECK (category IN ('theft', 'fight', 'traffic', 'fraud', 'noise', 'dispute', 'fire', 'help', 'other')),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dispatched', 'closed')),
      reported_at timestamptz NOT NULL,
      grid_id integer REFERENCES grid_cells (id) ON DELETE SET NULL,
      assigned_unit_id integer REFERENCES patrol_units (id) ON DELETE SET NULL,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(Point, 4326) NOT NULL
    );
    CREATE INDEX incidents_geom_idx ON incidents USING gist (geom);
    CREATE INDEX incidents_reported_idx ON incidents (reported_at);
    CREATE INDEX incidents_grid_idx ON incidents (grid_id);
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `DROP TABLE incidents;
    DROP TABLE guard_posts;
    DROP TABLE schools;
    DROP TABLE disputes;
    DROP TABLE mediation_rooms;
    DROP TABLE places;
    DROP TABLE hazards;`)
}
