import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

const TABLES = ['hazards', 'disputes', 'patrols', 'river_patrols'] as const

/**
 * Field entries recorded on a phone carry an id the phone made (`client_ref`, a UUID), so an
 * entry sent again after a dropped connection is recognised instead of stored twice: the column
 * is unique, and a create with a known client_ref answers the feature already stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, TABLES.map((t) => `ALTER TABLE ${t} ADD COLUMN client_ref uuid CONSTRAINT ${t}_client_ref_key UNIQUE;`).join('\n'))
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, TABLES.map((t) => `ALTER TABLE ${t} DROP COLUMN client_ref;`).join('\n'))
}
