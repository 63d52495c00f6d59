import { sql, type Kysely } from 'kysely'
import { DEMO_SEED, seedDemo } from '../../data/seed/seed-demo.ts'
import type { Config } from './config.ts'
import { createDb, quietSetup, type DbHandle } from './db/create-db.ts'
import { migrateToLatest } from './db/migrate.ts'
import { errorMessage, type Logger } from './logger.ts'
import { issueTokens } from './live/unit-token.ts'
import { ensureAccounts } from './auth/bootstrap.ts'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** Opens the configured database, brings the schema up to date and loads the demo city on first start. */
export async function openDatabase(config: Config, logger: Logger): Promise<DbHandle> {
  const t0 = performance.now()
  logger.info(
    { backend: config.DATABASE_URL ? 'postgres' : 'pglite', dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR },
    config.DATABASE_URL ? `connecting to PostgreSQL (${redactUrl(config.DATABASE_URL)})` : `opening the embedded database in ${config.DATA_DIR}`,
  )
  const database = await createDb({
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR }),
    logger,
    slowQueryMs: config.SLOW_QUERY_MS,
    statementTimeoutMs: config.STATEMENT_TIMEOUT_MS,
  })
  try {
    // Migrations and the demo city run without the serving statement timeout: a slow disk must
    // not leave a half-migrated or half-seeded database (each is one transaction, but a cancelled
    // start-up is no start-up).
    await quietSetup(() => database.unbounded(async (db) => {
      const { applied } = await migrateToLatest(db)
      logger.info({ applied }, applied.length > 0 ? `schema: ${applied.length} migration step${applied.length === 1 ? '' : 's'} applied` : 'schema: up to date')
      if (config.DEMO_SEED === 'on') {
        const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM admin_areas`.execute(db)
        if ((r.rows[0]?.n ?? 0) === 0) {
          logger.info('empty database: loading the demo city (Liaoyuan), 6 steps')
          let done = 0
          await seedDemo(db, {
            seed: DEMO_SEED,
            anchor: new Date().toISOString(),
            onStep: (step, ms) => logger.info({ step, ms: Math.round(ms) }, `demo city ${++done}/6: ${step} (${seconds(ms)})`),
          })
          await writeDemoUnitTokens(db, config.DATA_DIR, logger)
        }
      }
    }))
    await ensureAccounts(database.db, config, logger)
  } catch (err) {
    await database.close().catch(() => undefined)
    throw new Error(`database start-up failed (${database.backend}): ${errorMessage(err)}`)
  }
  const ms = performance.now() - t0
  logger.info({ backend: database.backend, ms: Math.round(ms) }, `database ready (${database.backend}, ${seconds(ms)})`)
  return database
}

/**
 * Demo only: gives every demo unit a device token and writes them to DATA_DIR/unit-tokens.csv
 * (owner-readable), so `npm run simulate` can drive the live map. Real deployments issue tokens
 * with `npm run units:tokens` and hand them to the devices.
 */
async function writeDemoUnitTokens(db: Kysely<any>, dataDir: string, logger: Logger): Promise<void> {
  const issued = await issueTokens(db, [])
  mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, 'unit-tokens.csv')
  writeFileSync(file, ['code,token', ...issued.map((t) => `${t.code},${t.token}`)].join('\n') + '\n', { mode: 0o600 })
  logger.info({ file, units: issued.length }, `${issued.length} demo unit tokens written to ${file} (for npm run simulate)`)
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** A database URL without its password, for the console. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'DATABASE_URL'
  }
}
