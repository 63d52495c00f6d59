import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/** Administrative areas (city → district → town → village) and the police hierarchy. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE TABLE admin_areas (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{4,12}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      level text NOT NULL CHECK (level IN ('city', 'district', 'town', 'village')),
      kind text NOT NULL CHECK (kind IN ('市', '区', '县', '街道', '镇', '乡', '社区', '村')),
      parent_code text REFERENCES admin_areas (code) ON DELETE RESTRICT,
      generated boolean NOT NULL DEFAULT false,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
      CHECK ((level = 'city') = (parent_code IS NULL))
    );
    CREATE INDEX admin_areas_geom_idx ON admin_areas USING gist (geom);
    CREATE INDEX admin_areas_parent_idx ON admin_areas (parent_code);

    CREATE TABLE police_units (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      kind text NOT NULL CHECK (kind IN ('bureau', 'branch', 'county_bureau', 'station', 'office')),
      parent_id integer REFERENCES police_units (id) ON DELETE RESTRICT,
      area_code text REFERENCES admin_areas (code) ON DELETE SET NULL,
      phone text,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(Point, 4326) NOT NULL,
      CHECK ((kind = 'bureau') = (parent_id IS NULL))
    );
    CREATE INDEX police_units_geom_idx ON police_units USING gist (geom);
    CREATE INDEX police_units_parent_idx ON police_units (parent_id);

    CREATE TABLE officers (
      id serial PRIMARY KEY,
      badge text NOT NULL UNIQUE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
      role text NOT NULL CHECK (role IN ('community_officer', 'auxiliary', 'grid_worker', 'patrol_officer', 'traffic_officer', 'leader')),
      unit_id integer NOT NULL REFERENCES police_units (id) ON DELETE RESTRICT,
      phone text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX officers_unit_idx ON officers (unit_id);
    CREATE INDEX officers_role_idx ON officers (role);

    CREATE TABLE militia_orgs (
      id serial PRIMARY KEY,
      name text NOT NULL,
      village_code text NOT NULL REFERENCES admin_areas (code) ON DELETE RESTRICT,
      liaison_unit_id integer NOT NULL REFERENCES police_units (id) ON DELETE RESTRICT,
      members integer NOT NULL CHECK (members >= 0),
      informants integer NOT NULL CHECK (informants >= 0 AND informants <= members),
      contact_name text,
      contact_phone text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX militia_orgs_village_idx ON militia_orgs (village_code);
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `DROP TABLE militia_orgs;
DROP TABLE officers;
DROP TABLE police_units;
DROP TABLE admin_areas;`)
}
