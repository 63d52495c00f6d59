import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

const TABLES = ['hazards', 'disputes', 'patrols', 'river_patrols'] as const

/**
 * Field entries recorded on a phone carry an id the phone made (`client_ref`, a UUID), so an
 * entry sent again after a dropped connection is recognised instead of stored twice: the column
 * is unique, and a create with a known client_ref answers the feature already stored. A hazard
 * may have one photo taken on the spot (kept beside it, not in the feature: lists, tiles and
 * exports stay small).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    ${TABLES.map((t) => `ALTER TABLE ${t} ADD COLUMN client_ref uuid CONSTRAINT ${t}_client_ref_key UNIQUE;`).join('\n')}
    CREATE TABLE hazard_photos (
      hazard_id integer PRIMARY KEY REFERENCES hazards (id) ON DELETE CASCADE,
      content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
      bytes bytea NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 1500000),
      created_by integer REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    DROP TABLE hazard_photos;
    ${TABLES.map((t) => `ALTER TABLE ${t} DROP COLUMN client_ref;`).join('\n')}
  `)
}
