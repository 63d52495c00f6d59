import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/**
 * Sign-in and scope: browser sessions and API tokens (only their SHA-256 is stored), the grid
 * cells an officer account is scoped to, and who reported a hazard or dispute (a volunteer sees
 * their own).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE TABLE sessions (
      token_hash text PRIMARY KEY,
      user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX sessions_user_idx ON sessions (user_id);

    CREATE TABLE api_tokens (
      id serial PRIMARY KEY,
      user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

    CREATE TABLE user_grid_cells (
      user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      grid_id integer NOT NULL REFERENCES grid_cells (id) ON DELETE CASCADE,
      PRIMARY KEY (user_id, grid_id)
    );
    CREATE INDEX user_grid_cells_grid_idx ON user_grid_cells (grid_id);

    ALTER TABLE hazards ADD COLUMN created_by integer REFERENCES users (id) ON DELETE SET NULL;
    ALTER TABLE disputes ADD COLUMN created_by integer REFERENCES users (id) ON DELETE SET NULL;
    CREATE INDEX hazards_created_by_idx ON hazards (created_by) WHERE created_by IS NOT NULL;
    CREATE INDEX disputes_created_by_idx ON disputes (created_by) WHERE created_by IS NOT NULL;

    ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
    ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
      CHECK (action IN ('create', 'update', 'delete', 'transition', 'import', 'login', 'logout', 'acknowledge', 'token'));

    -- A deleted point's event names its grid cell too, so a scoped stream can route it.
    CREATE OR REPLACE FUNCTION log_layer_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF current_setting('pingan.seeding', true) = 'on' THEN
        RETURN NULL;
      END IF;
      IF TG_OP = 'DELETE' THEN
        INSERT INTO live_events (kind, payload, geom)
        VALUES (TG_TABLE_NAME, jsonb_build_object('op', 'delete', 'id', OLD.id, 'grid_id', OLD.grid_id), OLD.geom);
        RETURN OLD;
      END IF;
      INSERT INTO live_events (kind, payload, geom)
      VALUES (TG_TABLE_NAME, jsonb_build_object('op', lower(TG_OP), 'id', NEW.id, 'status', NEW.status,
        'category', NEW.category, 'code', NEW.code, 'grid_id', NEW.grid_id,
        'lon', ST_X(NEW.geom), 'lat', ST_Y(NEW.geom)), NEW.geom);
      RETURN NEW;
    END
    $fn$;
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    DELETE FROM audit_log WHERE action IN ('logout', 'token');
    ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
    ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
      CHECK (action IN ('create', 'update', 'delete', 'transition', 'import', 'login', 'acknowledge'));
    ALTER TABLE disputes DROP COLUMN created_by;
    ALTER TABLE hazards DROP COLUMN created_by;
    DROP TABLE user_grid_cells;
    DROP TABLE api_tokens;
    DROP TABLE sessions;
  `)
}
