import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/** Volunteer organisations, volunteers, points activities (积分制) and redemptions (平安超市). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE TABLE volunteer_orgs (
      id serial PRIMARY KEY,
      name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
      kind text NOT NULL CHECK (kind IN ('neighbourhood_watch', 'patrol', 'rescue', 'mediation', 'traffic', 'propaganda')),
      unit_id integer NOT NULL REFERENCES police_units (id) ON DELETE RESTRICT,
      founded_on date,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE volunteers (
      id serial PRIMARY KEY,
      org_id integer NOT NULL REFERENCES volunteer_orgs (id) ON DELETE RESTRICT,
      name text NOT NULL,
      occupation text,
      phone text,
      points integer NOT NULL DEFAULT 0 CHECK (points >= 0),
      joined_on date NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX volunteers_org_idx ON volunteers (org_id);

    CREATE TABLE volunteer_activities (
      id serial PRIMARY KEY,
      org_id integer REFERENCES volunteer_orgs (id) ON DELETE SET NULL,
      title text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('patrol', 'publicity', 'mediation', 'hazard_check', 'traffic', 'flood')),
      held_at timestamptz NOT NULL,
      points integer NOT NULL CHECK (points > 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      geom geometry(Point, 4326)
    );
    CREATE INDEX volunteer_activities_geom_idx ON volunteer_activities USING gist (geom);

    CREATE TABLE activity_participants (
      activity_id integer NOT NULL REFERENCES volunteer_activities (id) ON DELETE CASCADE,
      volunteer_id integer NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
      points integer NOT NULL CHECK (points > 0),
      PRIMARY KEY (activity_id, volunteer_id)
    );

    CREATE TABLE redemptions (
      id serial PRIMARY KEY,
      volunteer_id integer NOT NULL REFERENCES volunteers (id) ON DELETE RESTRICT,
      item text NOT NULL,
      points integer NOT NULL CHECK (points > 0),
      redeemed_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX redemptions_volunteer_idx ON redemptions (volunteer_id);
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `DROP TABLE redemptions;
    DROP TABLE activity_participants;
    DROP TABLE volunteer_activities;
    DROP TABLE volunteers;
    DROP TABLE volunteer_orgs;`)
}
