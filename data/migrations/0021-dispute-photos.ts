import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/**
 * A dispute may have one photo taken where it was reported (a volunteer's or an officer's), kept
 * beside it as a hazard's is (migration 0018): lists, tiles and exports stay small. Keyed like
 * `hazard_photos` since migration 0020: by the dispute's district, which the database copies from
 * the dispute, so a dispute and its photo sit on one node of a Citus cluster and the photo follows
 * a dispute moved across a district line.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    CREATE FUNCTION dispute_photo_district() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      -- No such dispute: '' (the foreign key then refuses the row, 23503).
      NEW.district_code := coalesce((SELECT district_code FROM disputes WHERE id = NEW.dispute_id), '');
      RETURN NEW;
    END
    $fn$;

    CREATE TABLE dispute_photos (
      district_code text NOT NULL,
      dispute_id integer NOT NULL,
      content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
      bytes bytea NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 1500000),
      created_by integer REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_code, dispute_id),
      FOREIGN KEY (district_code, dispute_id) REFERENCES disputes (district_code, id) ON DELETE CASCADE ON UPDATE CASCADE
    );
    CREATE TRIGGER dispute_photos_district BEFORE INSERT OR UPDATE OF dispute_id ON dispute_photos FOR EACH ROW EXECUTE FUNCTION dispute_photo_district();
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    DROP TABLE dispute_photos;
    DROP FUNCTION dispute_photo_district();
  `)
}
