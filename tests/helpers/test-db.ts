import { sql } from 'kysely'
import pg from 'pg'
import { seedDemo } from '../../data/seed/seed-demo.ts'
import { createDb, type DbHandle } from '../../server/src/db/create-db.ts'
import { migrateToLatest } from '../../server/src/db/migrate.ts'
import { createTestAccounts } from './accounts.ts'

/** The fixed inputs of the test city: same seed and anchor → the same rows. */
export const TEST_SEED = 7
export const TEST_ANCHOR = '2026-11-01T09:00:00+08:00'

export interface TestDb extends DbHandle {
  /** What the first migration run applied, from an empty database. */
  appliedFromEmpty: string[]
}

const key = Symbol.for('pingan.testDb')
type Holder = { [key]?: Promise<TestDb> }

/**
 * The seeded database shared by every test file in this process: PGlite in memory, or the
 * database named by DATABASE_URL wiped to an empty schema first.
 */
export function getTestDb(): Promise<TestDb> {
  const holder = globalThis as Holder
  holder[key] ??= build()
  return holder[key]
}

async function build(): Promise<TestDb> {
  const url = process.env.DATABASE_URL
  if (url) await resetDatabase(url)
  const handle = await createDb(url ? { databaseUrl: url, poolSize: 12 } : { dataDir: 'memory://' })
  const { applied } = await migrateToLatest(handle.db)
  await seedDemo(handle.db, { seed: TEST_SEED, anchor: TEST_ANCHOR })
  await createTestAccounts(handle.db)
  return { ...handle, appliedFromEmpty: applied }
}

async function resetDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('DROP SCHEMA IF EXISTS public CASCADE')
    await client.query('CREATE SCHEMA public')
  } finally {
    await client.end()
  }
}

/** A fresh empty database on the PostgreSQL server of DATABASE_URL; returns its URL and a dropper. */
export async function createScratchDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(process.env.DATABASE_URL!)
  const admin = new URL(base)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString() })
  await client.connect()
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await client.query(`CREATE DATABASE ${name}`)
  await client.end()
  const url = new URL(base)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin.toString() })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}

export async function scalar<T = number>(db: DbHandle['db'], query: ReturnType<typeof sql>): Promise<T> {
  const r = await sql<{ v: T }>`SELECT (${query}) AS v`.execute(db)
  if (r.rows.length !== 1) throw new Error(`expected one row, got ${r.rows.length} (a swallowed database error?)`)
  return r.rows[0]!.v
}

/**
 * Keeps the rows of tables a migration test drops and recreates (migrating the shared test
 * database down and up), and puts them back afterwards: the test files share one database per
 * worker, and the files that run later expect the seeded city. `tables` in dependency order
 * (referenced first); `sequences` are set back to where they were.
 */
export async function keepRows(db: DbHandle['db'], tables: string[], sequences: string[] = []): Promise<() => Promise<void>> {
  const seqAt = new Map<string, number>()
  for (const s of sequences) seqAt.set(s, await scalar<number>(db, sql`SELECT last_value::bigint::int FROM ${sql.table(s)}`))
  for (const t of tables) {
    await sql`DROP TABLE IF EXISTS ${sql.table(`kept_${t}`)}`.execute(db)
    await sql`CREATE TABLE ${sql.table(`kept_${t}`)} AS SELECT * FROM ${sql.table(t)}`.execute(db)
  }
  return async () => {
    for (const t of [...tables].reverse()) await sql`DELETE FROM ${sql.table(t)}`.execute(db)
    for (const t of tables) {
      await sql`INSERT INTO ${sql.table(t)} SELECT * FROM ${sql.table(`kept_${t}`)}`.execute(db)
      await sql`DROP TABLE ${sql.table(`kept_${t}`)}`.execute(db)
      await sql`SELECT setval(pg_get_serial_sequence(${t}, 'id'), greatest(1, (SELECT max(id) FROM ${sql.table(t)})))`.execute(db)
    }
    for (const [s, at] of seqAt) await sql`SELECT setval(${s}, ${at})`.execute(db)
  }
}
