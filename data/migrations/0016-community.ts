import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/**
 * Volunteer points kept as books (积分制, 平安超市): point rules per activity kind, one volunteer's
 * recorded activities, the shop's items with their stock, and the points ledger. A balance is
 * the sum of the ledger, never a stored number (volunteers.points goes); a spending movement
 * locks its volunteer and is refused when the balance would fall below zero, and stock has a
 * CHECK, so concurrent redemptions cannot overdraw either. An existing database is backfilled:
 * earnings from activity participants, spendings from redemptions, and an adjustment wherever
 * the old stored number differed from that.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE TABLE point_rules (
      kind text PRIMARY KEY CHECK (kind IN ('patrol', 'report', 'publicity', 'river_patrol')),
      unit text NOT NULL CHECK (unit IN ('hour', 'report', 'session', 'patrol')),
      points_per_unit integer NOT NULL CHECK (points_per_unit BETWEEN 1 AND 1000),
      max_quantity integer NOT NULL CHECK (max_quantity BETWEEN 1 AND 1000),
      label text NOT NULL,
      version integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO point_rules (kind, unit, points_per_unit, max_quantity, label) VALUES
      ('patrol', 'hour', 5, 12, '治安巡逻（每小时）'),
      ('report', 'report', 10, 20, '上报隐患、纠纷线索（每条）'),
      ('publicity', 'session', 8, 10, '平安宣传（每场）'),
      ('river_patrol', 'patrol', 15, 5, '汛期河道巡查（每次）');

    CREATE TABLE activity_records (
      id serial PRIMARY KEY,
      volunteer_id integer NOT NULL REFERENCES volunteers (id) ON DELETE RESTRICT,
      kind text NOT NULL REFERENCES point_rules (kind) ON DELETE RESTRICT,
      quantity integer NOT NULL CHECK (quantity > 0),
      points_per_unit integer NOT NULL CHECK (points_per_unit > 0),
      points integer NOT NULL CHECK (points = quantity * points_per_unit),
      held_at timestamptz NOT NULL,
      note text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
      recorded_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX activity_records_volunteer_idx ON activity_records (volunteer_id);

    CREATE TABLE shop_items (
      id serial PRIMARY KEY,
      name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
      price integer NOT NULL CHECK (price BETWEEN 1 AND 100000),
      stock integer NOT NULL CHECK (stock >= 0),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    ALTER TABLE redemptions ADD COLUMN item_id integer REFERENCES shop_items (id) ON DELETE RESTRICT;
    ALTER TABLE redemptions ADD COLUMN quantity integer NOT NULL DEFAULT 1 CHECK (quantity BETWEEN 1 AND 100);
    ALTER TABLE redemptions ADD COLUMN recorded_by text;

    CREATE TABLE points_ledger (
      id bigserial PRIMARY KEY,
      volunteer_id integer NOT NULL REFERENCES volunteers (id) ON DELETE RESTRICT,
      delta integer NOT NULL CHECK (delta <> 0),
      kind text NOT NULL CHECK (kind IN ('activity', 'record', 'redemption', 'adjustment')),
      activity_id integer,
      record_id integer REFERENCES activity_records (id) ON DELETE RESTRICT,
      redemption_id integer REFERENCES redemptions (id) ON DELETE RESTRICT,
      note text,
      at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (activity_id, volunteer_id) REFERENCES activity_participants (activity_id, volunteer_id) ON DELETE RESTRICT,
      CHECK (CASE kind
        WHEN 'activity' THEN delta > 0 AND activity_id IS NOT NULL AND record_id IS NULL AND redemption_id IS NULL
        WHEN 'record' THEN delta > 0 AND record_id IS NOT NULL AND activity_id IS NULL AND redemption_id IS NULL
        WHEN 'redemption' THEN delta < 0 AND redemption_id IS NOT NULL AND activity_id IS NULL AND record_id IS NULL
        ELSE activity_id IS NULL AND record_id IS NULL AND redemption_id IS NULL AND note IS NOT NULL END)
    );
    CREATE INDEX points_ledger_volunteer_idx ON points_ledger (volunteer_id, at);
    CREATE UNIQUE INDEX points_ledger_activity_uq ON points_ledger (activity_id, volunteer_id) WHERE activity_id IS NOT NULL;
    CREATE UNIQUE INDEX points_ledger_record_uq ON points_ledger (record_id) WHERE record_id IS NOT NULL;
    CREATE UNIQUE INDEX points_ledger_redemption_uq ON points_ledger (redemption_id) WHERE redemption_id IS NOT NULL;

    -- Ledger rows are never changed. A spending locks its volunteer first, so concurrent spendings
    -- of one volunteer take turns; the sum that follows is a new statement with a new snapshot
    -- (READ COMMITTED), so it sees every movement committed before the lock was granted.
    CREATE FUNCTION points_ledger_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      balance bigint;
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'points ledger rows are never changed; add an adjustment' USING ERRCODE = '55000';
      END IF;
      IF NEW.delta < 0 THEN
        PERFORM 1 FROM volunteers WHERE id = NEW.volunteer_id FOR NO KEY UPDATE;
        SELECT coalesce(sum(delta), 0) INTO balance FROM points_ledger WHERE volunteer_id = NEW.volunteer_id;
        IF balance + NEW.delta < 0 THEN
          RAISE EXCEPTION 'insufficient points: volunteer % has %, the movement is %', NEW.volunteer_id, balance, NEW.delta
            USING ERRCODE = '23514', CONSTRAINT = 'points_balance_nonnegative';
        END IF;
      END IF;
      RETURN NEW;
    END
    $fn$;
    CREATE TRIGGER points_ledger_guard BEFORE INSERT OR UPDATE ON points_ledger FOR EACH ROW EXECUTE FUNCTION points_ledger_guard();

    INSERT INTO shop_items (name, price, stock)
    SELECT item, min(points), 100 FROM redemptions GROUP BY item ORDER BY item;
    UPDATE redemptions r SET item_id = s.id FROM shop_items s WHERE s.name = r.item;
    ALTER TABLE redemptions ALTER COLUMN item_id SET NOT NULL;
    INSERT INTO points_ledger (volunteer_id, delta, kind, activity_id, at)
    SELECT p.volunteer_id, p.points, 'activity', p.activity_id, a.held_at
    FROM activity_participants p JOIN volunteer_activities a ON a.id = p.activity_id ORDER BY p.activity_id, p.volunteer_id;
    -- Carried over before the spendings, so no running balance dips below zero on the way.
    INSERT INTO points_ledger (volunteer_id, delta, kind, note, at)
    SELECT v.id, v.points - (coalesce(e.n, 0) - coalesce(x.n, 0)), 'adjustment', 'balance carried over from before the ledger', now()
    FROM volunteers v
    LEFT JOIN (SELECT volunteer_id, sum(points) AS n FROM activity_participants GROUP BY volunteer_id) e ON e.volunteer_id = v.id
    LEFT JOIN (SELECT volunteer_id, sum(points) AS n FROM redemptions GROUP BY volunteer_id) x ON x.volunteer_id = v.id
    WHERE v.points <> coalesce(e.n, 0) - coalesce(x.n, 0) ORDER BY v.id;
    INSERT INTO points_ledger (volunteer_id, delta, kind, redemption_id, at)
    SELECT volunteer_id, -points, 'redemption', id, redeemed_at FROM redemptions ORDER BY id;
    ALTER TABLE volunteers DROP COLUMN points;
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    ALTER TABLE volunteers ADD COLUMN points integer NOT NULL DEFAULT 0 CHECK (points >= 0);
    UPDATE volunteers v SET points = l.b FROM (SELECT volunteer_id, sum(delta)::int AS b FROM points_ledger GROUP BY volunteer_id) l WHERE l.volunteer_id = v.id;
    DROP TABLE points_ledger;
    DROP FUNCTION points_ledger_guard();
    ALTER TABLE redemptions DROP COLUMN recorded_by;
    ALTER TABLE redemptions DROP COLUMN quantity;
    ALTER TABLE redemptions DROP COLUMN item_id;
    DROP TABLE shop_items;
    DROP TABLE activity_records;
    DROP TABLE point_rules;
  `)
}
