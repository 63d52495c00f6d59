import { sql, type Kysely } from 'kysely'

/** PostGIS itself; every later migration needs geometry types. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS postgis`.execute(db)
}

export async function down(): Promise<void> {
  // The extension may be shared with other schemas; never dropped by a rollback.
}
