import { loadConfigOrExit } from '../config.ts'
import { createDb } from '../db/create-db.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { errorMessage } from '../logger.ts'

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL or the DATA_DIR PGlite. */
const config = loadConfigOrExit()
const database = await createDb(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR })
try {
  const { applied } = await migrateToLatest(database.db)
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date; nothing applied')
} catch (err) {
  console.error(errorMessage(err))
  process.exitCode = 1
} finally {
  await database.close()
}
