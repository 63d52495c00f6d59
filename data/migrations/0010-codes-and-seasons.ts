import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/**
 * Field reports need no bookkeeping from the reporter: codes come from sequences, report times
 * default to now, and a dispute's season follows from when it was reported (Asia/Shanghai).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE SEQUENCE hazard_code_seq START 100000;
    CREATE SEQUENCE dispute_code_seq START 100000;
    CREATE SEQUENCE incident_code_seq START 1000000;
    ALTER TABLE hazards ALTER COLUMN code SET DEFAULT 'YH' || nextval('hazard_code_seq'), ALTER COLUMN reported_at SET DEFAULT now();
    ALTER TABLE disputes ALTER COLUMN code SET DEFAULT 'MD' || nextval('dispute_code_seq'), ALTER COLUMN reported_at SET DEFAULT now();
    ALTER TABLE incidents ALTER COLUMN code SET DEFAULT 'JQ' || nextval('incident_code_seq'), ALTER COLUMN reported_at SET DEFAULT now();

    CREATE FUNCTION season_of(at timestamptz) RETURNS text LANGUAGE sql STABLE AS $fn$
      SELECT CASE WHEN m IN (3, 4, 5) THEN 'spring' WHEN m IN (6, 7, 8) THEN 'summer' WHEN m IN (9, 10, 11) THEN 'autumn' ELSE 'winter' END
      FROM (SELECT extract(month FROM at AT TIME ZONE 'Asia/Shanghai')::int AS m) x
    $fn$;
    CREATE FUNCTION set_dispute_season() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF NEW.season IS NULL OR (TG_OP = 'UPDATE' AND NEW.reported_at IS DISTINCT FROM OLD.reported_at) THEN
        NEW.season := season_of(NEW.reported_at);
      END IF;
      RETURN NEW;
    END
    $fn$;
    CREATE TRIGGER disputes_season BEFORE INSERT OR UPDATE OF reported_at ON disputes FOR EACH ROW EXECUTE FUNCTION set_dispute_season();
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    DROP TRIGGER disputes_season ON disputes;
    DROP FUNCTION set_dispute_season();
    DROP FUNCTION season_of(timestamptz);
    ALTER TABLE hazards ALTER COLUMN code DROP DEFAULT, ALTER COLUMN reported_at DROP DEFAULT;
    ALTER TABLE disputes ALTER COLUMN code DROP DEFAULT, ALTER COLUMN reported_at DROP DEFAULT;
    ALTER TABLE incidents ALTER COLUMN code DROP DEFAULT, ALTER COLUMN reported_at DROP DEFAULT;
    DROP SEQUENCE hazard_code_seq;
    DROP SEQUENCE dispute_code_seq;
    DROP SEQUENCE incident_code_seq;
  `)
}
