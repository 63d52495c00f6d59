import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/** Alert rules planners configure, and the alerts they raise (stored, acknowledged, audited). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE TABLE alert_rules (
      id serial PRIMARY KEY,
      kind text NOT NULL UNIQUE CHECK (kind IN ('guard_post_unmanned', 'left_zone', 'river_overdue')),
      title text NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      params jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(params) = 'object'),
      version integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO alert_rules (kind, title, params) VALUES
      ('guard_post_unmanned', '护学岗无人值守', '{"radius_m": 100, "fresh_s": 120}'),
      ('left_zone', '巡逻单元离开巡区', '{"exit_m": 50, "enter_m": 20, "fresh_s": 300}'),
      ('river_overdue', '汛期河道巡查超时', '{"hours": 24, "months": [6, 7, 8, 9]}');

    CREATE TABLE alerts (
      id bigserial PRIMARY KEY,
      rule_id integer NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
      kind text NOT NULL,
      subject text NOT NULL,
      message text NOT NULL,
      opened_at timestamptz NOT NULL,
      cleared_at timestamptz,
      acknowledged_by text,
      acknowledged_at timestamptz,
      ack_note text,
      geom geometry(Point, 4326),
      CHECK (cleared_at IS NULL OR cleared_at >= opened_at)
    );
    CREATE UNIQUE INDEX alerts_one_open_idx ON alerts (rule_id, subject) WHERE cleared_at IS NULL;
    CREATE INDEX alerts_opened_idx ON alerts (opened_at);
    CREATE INDEX alerts_geom_idx ON alerts USING gist (geom);
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `DROP TABLE alerts;
    DROP TABLE alert_rules;`)
}
