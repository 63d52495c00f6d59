import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/**
 * The live event log behind the SSE stream: every change a command centre watches is a row with a
 * monotonically increasing id (the SSE event id, so a client resumes with Last-Event-ID), and a
 * NOTIFY on channel `pingan_live` tells every server process to fetch new rows. Incidents,
 * hazards and disputes log themselves by trigger, whoever writes them; position batches are
 * logged by the ingest endpoint.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE TABLE live_events (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      kind text NOT NULL CHECK (kind IN ('positions', 'incidents', 'hazards', 'disputes', 'alerts')),
      payload jsonb NOT NULL,
      geom geometry(Point, 4326)
    );
    CREATE INDEX live_events_at_idx ON live_events (at);
    CREATE INDEX live_events_geom_idx ON live_events USING gist (geom);
    CREATE UNIQUE INDEX patrol_units_token_idx ON patrol_units (token_hash) WHERE token_hash IS NOT NULL;

    CREATE FUNCTION notify_live_event() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM pg_notify('pingan_live', NEW.id::text);
      RETURN NEW;
    END
    $fn$;
    CREATE TRIGGER live_events_notify AFTER INSERT ON live_events FOR EACH ROW EXECUTE FUNCTION notify_live_event();

    CREATE FUNCTION log_layer_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      -- Loading the demo city is not news.
      IF current_setting('pingan.seeding', true) = 'on' THEN
        RETURN NULL;
      END IF;
      IF TG_OP = 'DELETE' THEN
        INSERT INTO live_events (kind, payload, geom)
        VALUES (TG_TABLE_NAME, jsonb_build_object('op', 'delete', 'id', OLD.id), OLD.geom);
        RETURN OLD;
      END IF;
      INSERT INTO live_events (kind, payload, geom)
      VALUES (TG_TABLE_NAME, jsonb_build_object('op', lower(TG_OP), 'id', NEW.id, 'status', NEW.status,
        'category', NEW.category, 'code', NEW.code, 'grid_id', NEW.grid_id,
        'lon', ST_X(NEW.geom), 'lat', ST_Y(NEW.geom)), NEW.geom);
      RETURN NEW;
    END
    $fn$;
    CREATE TRIGGER incidents_live AFTER INSERT OR UPDATE OR DELETE ON incidents FOR EACH ROW EXECUTE FUNCTION log_layer_change();
    CREATE TRIGGER hazards_live AFTER INSERT OR UPDATE OR DELETE ON hazards FOR EACH ROW EXECUTE FUNCTION log_layer_change();
    CREATE TRIGGER disputes_live AFTER INSERT OR UPDATE OR DELETE ON disputes FOR EACH ROW EXECUTE FUNCTION log_layer_change();
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    DROP TRIGGER incidents_live ON incidents;
    DROP TRIGGER hazards_live ON hazards;
    DROP TRIGGER disputes_live ON disputes;
    DROP FUNCTION log_layer_change();
    DROP TABLE live_events;
    DROP INDEX patrol_units_token_idx;
    DROP FUNCTION notify_live_event();
  `)
}
