import { loadConfigOrExit } from '../config.ts'
import { createDb } from '../db/create-db.ts'
import { errorMessage } from '../logger.ts'
import { backupPglite, backupPostgres, restorePglite, restorePostgres, RestoreRefused, tableChecksums } from '../ops/backup.ts'

/**
 * `npm run db:backup -- FILE` and `npm run db:restore -- FILE` on the configured database:
 * PostgreSQL (DATABASE_URL) through pg_dump/pg_restore, the embedded one (DATA_DIR) through
 * PGlite's data-folder copy. With the embedded database, stop the server first. Restore goes
 * into an empty database (or an empty DATA_DIR) and prints the row counts it restored.
 */
const [mode, file] = process.argv.slice(2)
if ((mode !== 'backup' && mode !== 'restore') || !file) {
  console.error('usage: npm run db:backup -- FILE | npm run db:restore -- FILE')
  process.exit(2)
}
const config = loadConfigOrExit()

try {
  if (mode === 'backup') {
    const database = await createDb(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR })
    try {
      const sums = await tableChecksums(database.db)
      if (config.DATABASE_URL) await backupPostgres(config.DATABASE_URL, file)
      else await backupPglite(database, file)
      console.log(`backed up ${Object.keys(sums).length} tables, ${Object.values(sums).reduce((s, t) => s + t.rows, 0)} rows to ${file}`)
    } finally {
      await database.close()
    }
  } else {
    if (!config.DATABASE_URL) await restorePglite(file, config.DATA_DIR)
    const database = await createDb(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR })
    try {
      if (config.DATABASE_URL) await restorePostgres(database, config.DATABASE_URL, file)
      const sums = await tableChecksums(database.db)
      console.log(`restored ${Object.keys(sums).length} tables, ${Object.values(sums).reduce((s, t) => s + t.rows, 0)} rows from ${file}`)
    } finally {
      await database.close()
    }
  }
} catch (err) {
  console.error(err instanceof RestoreRefused ? `refused: ${err.message}` : `${mode} failed: ${errorMessage(err)}`)
  process.exitCode = 1
}
