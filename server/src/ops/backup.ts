import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { sql, type Kysely } from 'kysely'
import type { DbHandle } from '../db/create-db.ts'

const run = promisify(execFile)

/**
 * Backups for both databases:
 * - PostgreSQL: `pg_dump --format=custom` and `pg_restore` into an empty database
 * - embedded: PGlite's own copy of its data folder (a gzipped tar), loaded into an empty folder
 */
export async function backupPostgres(url: string, file: string): Promise<void> {
  await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', '--file', file, '--dbname', url], { maxBuffer: 64 * 1024 * 1024 })
}

/** Tables of the public schema that hold rows (PostGIS's own catalogue excluded). */
export async function userTables(db: Kysely<any>): Promise<string[]> {
  const r = await sql<{ t: string }>`
    SELECT table_name AS t FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'spatial_ref_sys' ORDER BY 1`.execute(db)
  return r.rows.map((x) => x.t)
}

export class RestoreRefused extends Error {
  override name = 'RestoreRefused'
}

/**
 * Restores a pg_dump file into an empty database (no table of ours: refuses otherwise, changing
 * nothing). When PostGIS is already installed there, the dump's CREATE EXTENSION is skipped.
 */
export async function restorePostgres(database: DbHandle, url: string, file: string): Promise<void> {
  const tables = await userTables(database.db)
  if (tables.length) throw new RestoreRefused(`the target database is not empty (${tables.length} tables, e.g. ${tables.slice(0, 3).join(', ')}); restore goes into an empty database`)
  const has = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'postgis'`.execute(database.db)
  const args = ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', '--dbname', url]
  if ((has.rows[0]?.n ?? 0) > 0) {
    const { stdout } = await run('pg_restore', ['--list', file], { maxBuffer: 64 * 1024 * 1024 })
    const list = stdout.split('\n').filter((line) => !/ EXTENSION - postgis|COMMENT - EXTENSION postgis/.test(line)).join('\n')
    const listFile = `${file}.list`
    writeFileSync(listFile, list)
    args.push('--use-list', listFile)
  }
  await run('pg_restore', [...args, file], { maxBuffer: 64 * 1024 * 1024 })
}

export async function backupPglite(database: DbHandle, file: string): Promise<void> {
  if (!database.dumpDataDir) throw new Error('not an embedded database')
  const blob = await database.dumpDataDir()
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()))
}

/** Loads a PGlite backup into `dataDir`, which must not hold a database yet. */
export async function restorePglite(file: string, dataDir: string): Promise<void> {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) throw new RestoreRefused(`${dataDir} is not empty; restore goes into an empty data folder`)
  const { PGlite } = await import('@electric-sql/pglite')
  const { postgis } = await import('@electric-sql/pglite-postgis')
  const pglite = await PGlite.create({ dataDir, extensions: { postgis }, loadDataDir: new Blob([readFileSync(file)]) })
  await pglite.close()
}

/**
 * Row count and an order-independent checksum of every table, for proving a round trip:
 * `md5(string_agg(t::text, '|' ORDER BY t::text))`, one query per table.
 */
export async function tableChecksums(db: Kysely<any>): Promise<Record<string, { rows: number; md5: string }>> {
  const out: Record<string, { rows: number; md5: string }> = {}
  for (const t of await userTables(db)) {
    const r = await sql<{ n: number; h: string | null }>`SELECT count(*)::int AS n, md5(string_agg(x::text, '|' ORDER BY x::text)) AS h FROM ${sql.table(t)} x`.execute(db)
    out[t] = { rows: r.rows[0]!.n, md5: r.rows[0]!.h ?? '' }
  }
  return out
}
