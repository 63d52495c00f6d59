import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/**
 * A dispute a ten-household unit raised is that unit's report however it was written: through
 * POST /api/household-units/{id}/reports, or as a dispute feature with `source = household_unit`
 * and the unit's id (the officer's phone form, an import). The database links it, so the counts
 * per unit and per grid cell and the dashboard see every one; disputes written before this
 * migration are linked now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE FUNCTION household_dispute_report() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF NEW.source = 'household_unit' AND NEW.household_unit_id IS NOT NULL THEN
        INSERT INTO household_reports (household_unit_id, kind, dispute_id, description, grid_id, reported_at, recorded_by)
        SELECT NEW.household_unit_id, 'dispute', NEW.id, left(coalesce(NEW.description, ''), 1000), h.grid_id, coalesce(NEW.reported_at, now()),
               coalesce((SELECT username FROM users WHERE id = NEW.created_by), 'system')
        FROM household_units h WHERE h.id = NEW.household_unit_id
        ON CONFLICT (dispute_id) DO NOTHING;
      END IF;
      RETURN NEW;
    END
    $fn$;
    CREATE TRIGGER disputes_household_report AFTER INSERT OR UPDATE OF source, household_unit_id ON disputes
      FOR EACH ROW EXECUTE FUNCTION household_dispute_report();

    INSERT INTO household_reports (household_unit_id, kind, dispute_id, description, grid_id, reported_at, recorded_by)
    SELECT d.household_unit_id, 'dispute', d.id, left(coalesce(d.description, ''), 1000), h.grid_id, d.reported_at, 'migration'
    FROM disputes d JOIN household_units h ON h.id = d.household_unit_id
    WHERE d.source = 'household_unit' AND NOT EXISTS (SELECT 1 FROM household_reports r WHERE r.dispute_id = d.id)
    ORDER BY d.id;
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    DROP TRIGGER disputes_household_report ON disputes;
    DROP FUNCTION household_dispute_report();
  `)
}
