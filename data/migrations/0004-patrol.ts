import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/** Patrol zones, routes, units (e-bikes, cars), completed patrols and the AVL position stream. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE TABLE patrol_zones (
      id serial PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      station_id integer NOT NULL REFERENCES police_units (id) ON DELETE RESTRICT,
      team text NOT NULL,
      priority integer NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(Polygon, 4326) NOT NULL CHECK (ST_IsValid(geom))
    );
    CREATE INDEX patrol_zones_geom_idx ON patrol_zones USING gist (geom);
    CREATE INDEX patrol_zones_station_idx ON patrol_zones (station_id);

    CREATE TABLE patrol_routes (
      id serial PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      zone_id integer REFERENCES patrol_zones (id) ON DELETE SET NULL,
      team text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('foot', 'ebike', 'car', 'traffic', 'school_guard', 'volunteer', 'river')),
      schedule jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(schedule) = 'array'),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(LineString, 4326) NOT NULL CHECK (ST_IsValid(geom) AND ST_NPoints(geom) >= 2)
    );
    CREATE INDEX patrol_routes_geom_idx ON patrol_routes USING gist (geom);
    CREATE INDEX patrol_routes_zone_idx ON patrol_routes (zone_id);

    CREATE TABLE patrol_units (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE,
      callsign text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('ebike', 'car', 'foot', 'traffic', 'boat')),
      station_id integer NOT NULL REFERENCES police_units (id) ON DELETE RESTRICT,
      zone_id integer REFERENCES patrol_zones (id) ON DELETE SET NULL,
      token_hash text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX patrol_units_station_idx ON patrol_units (station_id);

    CREATE TABLE patrols (
      id serial PRIMARY KEY,
      unit_id integer REFERENCES patrol_units (id) ON DELETE SET NULL,
      officer_id integer REFERENCES officers (id) ON DELETE SET NULL,
      route_id integer REFERENCES patrol_routes (id) ON DELETE SET NULL,
      kind text NOT NULL CHECK (kind IN ('foot', 'ebike', 'car', 'traffic', 'school_guard', 'volunteer', 'river')),
      started_at timestamptz NOT NULL,
      ended_at timestamptz,
      notes text,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(LineString, 4326) NOT NULL,
      CHECK (ended_at IS NULL OR ended_at >= started_at)
    );
    CREATE INDEX patrols_geom_idx ON patrols USING gist (geom);
    CREATE INDEX patrols_time_idx ON patrols (ended_at);

    CREATE TABLE unit_positions (
      id bigserial PRIMARY KEY,
      unit_id integer NOT NULL REFERENCES patrol_units (id) ON DELETE CASCADE,
      ts timestamptz NOT NULL,
      speed real CHECK (speed IS NULL OR speed >= 0),
      heading real CHECK (heading IS NULL OR (heading >= 0 AND heading < 360)),
      accuracy real CHECK (accuracy IS NULL OR accuracy >= 0),
      received_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(Point, 4326) NOT NULL,
      UNIQUE (unit_id, ts)
    );
    CREATE INDEX unit_positions_geom_idx ON unit_positions USING gist (geom);
    CREATE INDEX unit_positions_ts_idx ON unit_positions (ts);

    CREATE TABLE unit_current (
      unit_id integer PRIMARY KEY REFERENCES patrol_units (id) ON DELETE CASCADE,
      ts timestamptz NOT NULL,
      speed real,
      heading real,
      geom geometry(Point, 4326) NOT NULL
    );
    CREATE INDEX unit_current_geom_idx ON unit_current USING gist (geom);
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `DROP TABLE unit_current;
    DROP TABLE unit_positions;
    DROP TABLE patrols;
    DROP TABLE patrol_units;
    DROP TABLE patrol_routes;
    DROP TABLE patrol_zones;`)
}
