import { DEMO_SEED, SeedRefusedError, seedDemo } from '../../../data/seed/seed-demo.ts'
import { loadConfigOrExit } from '../config.ts'
import { createDb } from '../db/create-db.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { createLogger, defaultLogFormat, errorMessage } from '../logger.ts'
import { ensureAccounts } from '../auth/bootstrap.ts'

/** `npm run db:seed [-- --force] [--seed N] [--anchor ISO]`: loads the Liaoyuan demo city. */
const args = process.argv.slice(2)
const option = (name: string) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const seed = Number(option('--seed') ?? DEMO_SEED)
const anchor = option('--anchor') ?? new Date().toISOString()
if (!Number.isInteger(seed) || seed <= 0 || Number.isNaN(Date.parse(anchor))) {
  console.error('usage: npm run db:seed -- [--force] [--seed <positive integer>] [--anchor <ISO date-time>]')
  process.exit(2)
}
const config = loadConfigOrExit()
const database = await createDb(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR })
try {
  await migrateToLatest(database.db)
  await seedDemo(database.db, { seed, anchor, force: args.includes('--force'), onStep: (s, ms) => console.log(`${s}: ${Math.round(ms)} ms`) })
  console.log('demo city loaded')
  // A forced reseed replaced the accounts too (they reference the city's officers).
  await ensureAccounts(database.db, config, createLogger(config.LOG_LEVEL, config.LOG_FORMAT ?? defaultLogFormat(config.NODE_ENV)))
} catch (err) {
  console.error(err instanceof SeedRefusedError ? `refused: ${err.message}` : `seed failed: ${errorMessage(err)}`)
  process.exitCode = 1
} finally {
  await database.close()
}
