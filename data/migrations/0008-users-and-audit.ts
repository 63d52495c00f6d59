import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/** Accounts and the audit log of every change. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE TABLE users (
      id serial PRIMARY KEY,
      username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{3,40}$'),
      display_name text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'command', 'planner', 'officer', 'volunteer')),
      password_hash text NOT NULL,
      officer_id integer REFERENCES officers (id) ON DELETE SET NULL,
      volunteer_id integer REFERENCES volunteers (id) ON DELETE SET NULL,
      disabled boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      actor text NOT NULL,
      action text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'transition', 'import', 'login', 'acknowledge')),
      layer text NOT NULL,
      feature_id text,
      before jsonb,
      after jsonb,
      reason text,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX audit_log_target_idx ON audit_log (layer, feature_id);
    CREATE INDEX audit_log_at_idx ON audit_log (at);
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `DROP TABLE audit_log;
    DROP TABLE users;`)
}
