import type { Kysely } from 'kysely'
import { Migrator, type MigrationResult } from 'kysely/migration'
import { migrationProvider } from '../../../data/migrations/index.ts'

export interface MigrateOutcome {
  applied: string[]
}

/** Applies every pending migration; a no-op when the schema is current. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrateOutcome> {
  const migrator = new Migrator({ db, provider: migrationProvider })
  const { error, results } = await migrator.migrateToLatest()
  const applied = (results ?? []).filter((r: MigrationResult) => r.status === 'Success').map((r) => r.migrationName)
  if (error) {
    const failed = (results ?? []).find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    const message = error instanceof Error ? error.message : String(error)
    throw new Error(`migration ${failed} failed: ${message.slice(0, 2000)}`)
  }
  return { applied }
}
