import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/** The bulky event tables, each point's district found from where it is. */
const DISTRICT_ROOTS = ['incidents', 'hazards', 'disputes'] as const

/** Migration 0019's function linking a unit's dispute as its report, with `arbiter` for ON CONFLICT. */
const householdDisputeReport = (arbiter: string) => `
    CREATE OR REPLACE FUNCTION household_dispute_report() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF NEW.source = 'household_unit' AND NEW.household_unit_id IS NOT NULL THEN
        INSERT INTO household_reports (household_unit_id, kind, dispute_id, description, grid_id, reported_at, recorded_by)
        SELECT NEW.household_unit_id, 'dispute', NEW.id, left(coalesce(NEW.description, ''), 1000), h.grid_id, coalesce(NEW.reported_at, now()),
               coalesce((SELECT username FROM users WHERE id = NEW.created_by), 'system')
        FROM household_units h WHERE h.id = NEW.household_unit_id
        ON CONFLICT (${arbiter}) DO NOTHING;
      END IF;
      RETURN NEW;
    END
    $fn$;`

/**
 * Every incident, hazard and dispute, and every row that belongs to one (its photo, the
 * ten-household report that raised it, its mediation case and the case's participants), carries
 * the code of its district (区/县, 6 digits), set by the database: for a point, the district of
 * its community (from its grid cell), else the nearest district ('' while there are none); for a
 * child row, its parent's.
 * Each of these tables has a key led by the district (`UNIQUE (district_code, id)` and the same
 * for every other unique column), and child rows reference their parent by (district_code, id),
 * following it when a point is moved across a district line (ON UPDATE CASCADE).
 *
 * This is the distribution key for a Citus cluster (README, "Scale-out"): these tables are
 * distributed by `district_code` and co-located, so a district's events, their photos, reports
 * and cases sit on one node and join there. The keys an ON CONFLICT names are replaced by their
 * district-led equals here; the other single-column keys (ids, codes) stay on PostgreSQL and the
 * embedded database as a safety net, and `server/src/db/citus.ts` drops them on a Citus cluster.
 * The application runs unchanged on both.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    -- '' when the database has no districts yet (a new install before its boundaries are loaded).
    CREATE FUNCTION district_of_point(p geometry, community text) RETURNS text LANGUAGE sql STABLE AS $fn$
      SELECT coalesce(
        (SELECT a.code FROM admin_areas a WHERE a.level = 'district' AND a.code = left(community, 6)),
        (SELECT a.code FROM admin_areas a WHERE a.level = 'district' ORDER BY a.geom <-> p LIMIT 1),
        '')
    $fn$;

    CREATE FUNCTION assign_district() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      NEW.district_code := district_of_point(NEW.geom, NEW.community_code);
      RETURN NEW;
    END
    $fn$;

    -- A child row takes its parent's district; with no such parent, '' (the foreign key then
    -- refuses it as it always did: 23503, not a NOT NULL error).
    CREATE FUNCTION district_from_parent() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      CASE TG_TABLE_NAME
        WHEN 'hazard_photos' THEN
          NEW.district_code := (SELECT district_code FROM hazards WHERE id = NEW.hazard_id);
        WHEN 'mediation_cases' THEN
          NEW.district_code := (SELECT district_code FROM disputes WHERE id = NEW.dispute_id);
        WHEN 'mediation_participants' THEN
          NEW.district_code := (SELECT district_code FROM mediation_cases WHERE id = NEW.case_id);
        WHEN 'household_reports' THEN
          IF NEW.dispute_id IS NOT NULL THEN
            NEW.district_code := (SELECT district_code FROM disputes WHERE id = NEW.dispute_id);
          ELSIF NEW.hazard_id IS NOT NULL THEN
            NEW.district_code := (SELECT district_code FROM hazards WHERE id = NEW.hazard_id);
          ELSE
            NEW.district_code := (SELECT district_of_point(h.geom, h.community_code) FROM household_units h WHERE h.id = NEW.household_unit_id);
          END IF;
      END CASE;
      NEW.district_code := coalesce(NEW.district_code, '');
      RETURN NEW;
    END
    $fn$;

    ${DISTRICT_ROOTS.map(
      (t) => `
    ALTER TABLE ${t} ADD COLUMN district_code text;
    UPDATE ${t} SET district_code = district_of_point(geom, community_code);
    ALTER TABLE ${t} ALTER COLUMN district_code SET NOT NULL,
      ADD CONSTRAINT ${t}_district_id_key UNIQUE (district_code, id),
      ADD CONSTRAINT ${t}_district_and_code_key UNIQUE (district_code, code);
    -- After ${t}_assign_grid (same event, name order), which sets community_code.
    CREATE TRIGGER ${t}_assign_grid_district BEFORE INSERT OR UPDATE OF geom ON ${t} FOR EACH ROW EXECUTE FUNCTION assign_district();`,
    ).join('\n')}
    -- The keys the application's ON CONFLICT clauses name are replaced by their district-led
    -- equals (a row's district is its parent's, so the two are the same constraint): a unique
    -- index that is not the arbiter would turn a racing duplicate into an error.
    ALTER TABLE hazards DROP CONSTRAINT hazards_client_ref_key, ADD CONSTRAINT hazards_district_client_ref_key UNIQUE (district_code, client_ref);
    ALTER TABLE disputes DROP CONSTRAINT disputes_client_ref_key, ADD CONSTRAINT disputes_district_client_ref_key UNIQUE (district_code, client_ref);

    ALTER TABLE hazard_photos ADD COLUMN district_code text;
    UPDATE hazard_photos c SET district_code = p.district_code FROM hazards p WHERE p.id = c.hazard_id;
    ALTER TABLE hazard_photos ALTER COLUMN district_code SET NOT NULL,
      DROP CONSTRAINT hazard_photos_pkey, ADD CONSTRAINT hazard_photos_pkey PRIMARY KEY (district_code, hazard_id),
      ADD CONSTRAINT hazard_photos_district_hazard_fkey FOREIGN KEY (district_code, hazard_id) REFERENCES hazards (district_code, id) ON DELETE CASCADE ON UPDATE CASCADE;
    CREATE TRIGGER hazard_photos_district BEFORE INSERT OR UPDATE OF hazard_id ON hazard_photos FOR EACH ROW EXECUTE FUNCTION district_from_parent();

    ALTER TABLE household_reports ADD COLUMN district_code text;
    UPDATE household_reports r SET district_code = coalesce(
      (SELECT district_code FROM disputes WHERE id = r.dispute_id),
      (SELECT district_code FROM hazards WHERE id = r.hazard_id),
      (SELECT district_of_point(h.geom, h.community_code) FROM household_units h WHERE h.id = r.household_unit_id));
    ALTER TABLE household_reports ALTER COLUMN district_code SET NOT NULL,
      ADD CONSTRAINT household_reports_district_id_key UNIQUE (district_code, id),
      ADD CONSTRAINT household_reports_district_code_key UNIQUE (district_code, code),
      DROP CONSTRAINT household_reports_dispute_id_key, ADD CONSTRAINT household_reports_district_dispute_key UNIQUE (district_code, dispute_id),
      DROP CONSTRAINT household_reports_hazard_id_key, ADD CONSTRAINT household_reports_district_hazard_key UNIQUE (district_code, hazard_id),
      ADD CONSTRAINT household_reports_district_dispute_fkey FOREIGN KEY (district_code, dispute_id) REFERENCES disputes (district_code, id) ON DELETE CASCADE ON UPDATE CASCADE,
      ADD CONSTRAINT household_reports_district_hazard_fkey FOREIGN KEY (district_code, hazard_id) REFERENCES hazards (district_code, id) ON DELETE CASCADE ON UPDATE CASCADE;
    CREATE TRIGGER household_reports_district BEFORE INSERT OR UPDATE OF dispute_id, hazard_id, household_unit_id ON household_reports
      FOR EACH ROW EXECUTE FUNCTION district_from_parent();

    ALTER TABLE mediation_cases ADD COLUMN district_code text;
    UPDATE mediation_cases c SET district_code = p.district_code FROM disputes p WHERE p.id = c.dispute_id;
    ALTER TABLE mediation_cases ALTER COLUMN district_code SET NOT NULL,
      ADD CONSTRAINT mediation_cases_district_id_key UNIQUE (district_code, id),
      ADD CONSTRAINT mediation_cases_district_dispute_fkey FOREIGN KEY (district_code, dispute_id) REFERENCES disputes (district_code, id) ON DELETE CASCADE ON UPDATE CASCADE;
    DROP INDEX mediation_cases_one_open;
    CREATE UNIQUE INDEX mediation_cases_district_one_open ON mediation_cases (district_code, dispute_id) WHERE closed_at IS NULL;
    CREATE TRIGGER mediation_cases_district BEFORE INSERT OR UPDATE OF dispute_id ON mediation_cases FOR EACH ROW EXECUTE FUNCTION district_from_parent();

    ALTER TABLE mediation_participants ADD COLUMN district_code text;
    UPDATE mediation_participants c SET district_code = p.district_code FROM mediation_cases p WHERE p.id = c.case_id;
    ALTER TABLE mediation_participants ALTER COLUMN district_code SET NOT NULL,
      ADD CONSTRAINT mediation_participants_district_id_key UNIQUE (district_code, id),
      DROP CONSTRAINT mediation_participants_case_id_agency_name_key,
      ADD CONSTRAINT mediation_participants_district_case_key UNIQUE (district_code, case_id, agency, name),
      ADD CONSTRAINT mediation_participants_district_case_fkey FOREIGN KEY (district_code, case_id) REFERENCES mediation_cases (district_code, id) ON DELETE CASCADE ON UPDATE CASCADE;
    CREATE TRIGGER mediation_participants_district BEFORE INSERT OR UPDATE OF case_id ON mediation_participants FOR EACH ROW EXECUTE FUNCTION district_from_parent();

    -- Migration 0019's link, with the district-led key as its arbiter.
    ${householdDisputeReport('district_code, dispute_id')}
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    ${householdDisputeReport('dispute_id')}
    DROP INDEX mediation_cases_district_one_open;
    CREATE UNIQUE INDEX mediation_cases_one_open ON mediation_cases (dispute_id) WHERE closed_at IS NULL;
    ALTER TABLE mediation_participants ADD CONSTRAINT mediation_participants_case_id_agency_name_key UNIQUE (case_id, agency, name);
    ALTER TABLE household_reports ADD CONSTRAINT household_reports_dispute_id_key UNIQUE (dispute_id), ADD CONSTRAINT household_reports_hazard_id_key UNIQUE (hazard_id);
    ALTER TABLE hazard_photos DROP CONSTRAINT hazard_photos_pkey, ADD CONSTRAINT hazard_photos_pkey PRIMARY KEY (hazard_id);
    ALTER TABLE hazards ADD CONSTRAINT hazards_client_ref_key UNIQUE (client_ref);
    ALTER TABLE disputes ADD CONSTRAINT disputes_client_ref_key UNIQUE (client_ref);
    ${['mediation_participants', 'mediation_cases', 'household_reports', 'hazard_photos'].map((t) => `DROP TRIGGER ${t}_district ON ${t};\n    ALTER TABLE ${t} DROP COLUMN district_code CASCADE;`).join('\n    ')}
    ${DISTRICT_ROOTS.map((t) => `DROP TRIGGER ${t}_assign_grid_district ON ${t};\n    ALTER TABLE ${t} DROP COLUMN district_code CASCADE;`).join('\n    ')}
    DROP FUNCTION district_from_parent();
    DROP FUNCTION assign_district();
    DROP FUNCTION district_of_point(geometry, text);
  `)
}
