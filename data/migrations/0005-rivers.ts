import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/** Rivers and the flood-season river patrol logs (河道巡查). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE TABLE rivers (
      id serial PRIMARY KEY,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('river', 'stream', 'canal', 'reservoir')),
      generated boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(MultiLineString, 4326) NOT NULL CHECK (ST_IsValid(geom))
    );
    CREATE INDEX rivers_geom_idx ON rivers USING gist (geom);

    CREATE TABLE river_patrols (
      id serial PRIMARY KEY,
      river_id integer REFERENCES rivers (id) ON DELETE SET NULL,
      team text NOT NULL,
      started_at timestamptz NOT NULL,
      ended_at timestamptz NOT NULL,
      water_level_m real CHECK (water_level_m IS NULL OR water_level_m BETWEEN -10 AND 100),
      observations text,
      hazards_found integer NOT NULL DEFAULT 0 CHECK (hazards_found >= 0),
      generated boolean NOT NULL DEFAULT false,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(LineString, 4326) NOT NULL,
      CHECK (ended_at >= started_at)
    );
    CREATE INDEX river_patrols_geom_idx ON river_patrols USING gist (geom);
    CREATE INDEX river_patrols_time_idx ON river_patrols (started_at);
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `DROP TABLE river_patrols;
    DROP TABLE rivers;`)
}
