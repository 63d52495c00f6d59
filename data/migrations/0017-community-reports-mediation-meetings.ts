import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/**
 * Community programmes, second part (issue 9):
 * - reports raised by ten-household units (十户联防): a dispute report is a dispute row and a
 *   hazard report a hazard row (the same lifecycles), linked here to the unit; suspicious
 *   activity is its own report with its own small status. `household_units.reports` becomes the
 *   count of a unit's reports, kept by a trigger.
 * - mediation cases (矛盾纠纷调解): a dispute heard in a mediation room, its outcome and when it
 *   was opened and closed, and who sat at the table (the 公安+法院+司法+信访 mechanism).
 * - coordination meetings (月例会, 周研判, 日沟通) and the issues raised and resolved in them.
 * An existing database is backfilled: household-unit disputes become dispute reports, disputes
 * with a mediation room become cases (closed as their status says).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE SEQUENCE household_report_code_seq START 100000;
    CREATE TABLE household_reports (
      id serial PRIMARY KEY,
      code text NOT NULL UNIQUE DEFAULT 'SH' || nextval('household_report_code_seq'),
      household_unit_id integer NOT NULL REFERENCES household_units (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('dispute', 'hazard', 'suspicious')),
      dispute_id integer UNIQUE REFERENCES disputes (id) ON DELETE CASCADE,
      hazard_id integer UNIQUE REFERENCES hazards (id) ON DELETE CASCADE,
      suspicious_category text CHECK (suspicious_category IN ('stranger', 'vehicle', 'fraud', 'theft', 'other')),
      suspicious_status text CHECK (suspicious_status IN ('open', 'forwarded', 'closed')),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
      grid_id integer REFERENCES grid_cells (id) ON DELETE SET NULL,
      reported_at timestamptz NOT NULL DEFAULT now(),
      recorded_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (CASE kind
        WHEN 'dispute' THEN dispute_id IS NOT NULL AND hazard_id IS NULL AND suspicious_category IS NULL AND suspicious_status IS NULL
        WHEN 'hazard' THEN hazard_id IS NOT NULL AND dispute_id IS NULL AND suspicious_category IS NULL AND suspicious_status IS NULL
        ELSE dispute_id IS NULL AND hazard_id IS NULL AND suspicious_category IS NOT NULL AND suspicious_status IS NOT NULL END)
    );
    CREATE INDEX household_reports_unit_idx ON household_reports (household_unit_id);
    CREATE INDEX household_reports_grid_idx ON household_reports (grid_id);

    CREATE FUNCTION household_unit_report_count() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      UPDATE household_units SET reports = (SELECT count(*) FROM household_reports r WHERE r.household_unit_id = household_units.id)
      WHERE id IN (SELECT household_unit_id FROM changed);
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER household_reports_count_ins AFTER INSERT ON household_reports REFERENCING NEW TABLE AS changed
      FOR EACH STATEMENT EXECUTE FUNCTION household_unit_report_count();
    CREATE TRIGGER household_reports_count_del AFTER DELETE ON household_reports REFERENCING OLD TABLE AS changed
      FOR EACH STATEMENT EXECUTE FUNCTION household_unit_report_count();

    INSERT INTO household_reports (household_unit_id, kind, dispute_id, description, grid_id, reported_at, recorded_by)
    SELECT d.household_unit_id, 'dispute', d.id, d.description, coalesce(h.grid_id, d.grid_id), d.reported_at, 'migration 0017'
    FROM disputes d JOIN household_units h ON h.id = d.household_unit_id WHERE d.source = 'household_unit' ORDER BY d.id;
    UPDATE household_units h SET reports = (SELECT count(*) FROM household_reports r WHERE r.household_unit_id = h.id)
    WHERE reports <> (SELECT count(*) FROM household_reports r WHERE r.household_unit_id = h.id);

    CREATE TABLE mediation_cases (
      id serial PRIMARY KEY,
      dispute_id integer NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
      room_id integer NOT NULL REFERENCES mediation_rooms (id) ON DELETE RESTRICT,
      opened_at timestamptz NOT NULL DEFAULT now(),
      closed_at timestamptz,
      outcome text CHECK (outcome IN ('agreement', 'no_agreement', 'referred')),
      sessions integer NOT NULL DEFAULT 1 CHECK (sessions BETWEEN 1 AND 100),
      note text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
      opened_by text NOT NULL,
      closed_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((closed_at IS NULL) = (outcome IS NULL)),
      CHECK (closed_at IS NULL OR closed_at >= opened_at)
    );
    CREATE UNIQUE INDEX mediation_cases_one_open ON mediation_cases (dispute_id) WHERE closed_at IS NULL;
    CREATE INDEX mediation_cases_room_idx ON mediation_cases (room_id);
    CREATE INDEX mediation_cases_dispute_idx ON mediation_cases (dispute_id);

    CREATE TABLE mediation_participants (
      id serial PRIMARY KEY,
      case_id integer NOT NULL REFERENCES mediation_cases (id) ON DELETE CASCADE,
      agency text NOT NULL CHECK (agency IN ('police', 'court', 'justice', 'petition', 'people_mediator', 'village_committee')),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
      role text NOT NULL DEFAULT '' CHECK (length(role) <= 50),
      UNIQUE (case_id, agency, name)
    );

    INSERT INTO mediation_cases (dispute_id, room_id, opened_at, closed_at, outcome, opened_by, closed_by)
    SELECT d.id, d.mediation_room_id, d.reported_at,
           CASE d.status WHEN 'resolved' THEN d.resolved_at WHEN 'escalated' THEN greatest(d.reported_at, d.updated_at) END,
           CASE d.status WHEN 'resolved' THEN 'agreement' WHEN 'escalated' THEN 'referred' END,
           'migration 0017', CASE WHEN d.status IN ('resolved', 'escalated') THEN 'migration 0017' END
    FROM disputes d WHERE d.mediation_room_id IS NOT NULL AND d.status <> 'reported' ORDER BY d.id;

    CREATE TABLE coordination_meetings (
      id serial PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('station_town', 'community_weekly', 'grid_daily')),
      held_at timestamptz NOT NULL,
      station_id integer NOT NULL REFERENCES police_units (id) ON DELETE RESTRICT,
      area_code text REFERENCES admin_areas (code) ON DELETE RESTRICT,
      grid_id integer REFERENCES grid_cells (id) ON DELETE SET NULL,
      attendees integer NOT NULL CHECK (attendees BETWEEN 2 AND 200),
      summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 2000),
      recorded_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (kind <> 'grid_daily' OR grid_id IS NOT NULL),
      CHECK (kind = 'grid_daily' OR area_code IS NOT NULL)
    );
    CREATE INDEX coordination_meetings_station_idx ON coordination_meetings (station_id, held_at);
    CREATE INDEX coordination_meetings_grid_idx ON coordination_meetings (grid_id);

    CREATE TABLE coordination_issues (
      id serial PRIMARY KEY,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      category text NOT NULL CHECK (category IN ('dispute', 'hazard', 'public_order', 'traffic', 'flood', 'service', 'other')),
      raised_in integer NOT NULL REFERENCES coordination_meetings (id) ON DELETE CASCADE,
      resolved_in integer REFERENCES coordination_meetings (id) ON DELETE RESTRICT,
      resolved_at timestamptz,
      CHECK ((resolved_in IS NULL) = (resolved_at IS NULL))
    );
    CREATE INDEX coordination_issues_raised_idx ON coordination_issues (raised_in);
    CREATE INDEX coordination_issues_resolved_idx ON coordination_issues (resolved_in);
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    DROP TABLE coordination_issues;
    DROP TABLE coordination_meetings;
    DROP TABLE mediation_participants;
    DROP TABLE mediation_cases;
    DROP TRIGGER household_reports_count_del ON household_reports;
    DROP TRIGGER household_reports_count_ins ON household_reports;
    DROP TABLE household_reports;
    DROP FUNCTION household_unit_report_count();
    DROP SEQUENCE household_report_code_seq;
    UPDATE household_units h SET reports = (SELECT count(*) FROM disputes d WHERE d.household_unit_id = h.id AND d.source = 'household_unit');
  `)
}
