import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { Kysely, PGliteDialect, sql, PostgresDialect, type DatabaseConnection, type Dialect, type Driver, type LogEvent } from 'kysely'
import type { Logger } from '../logger.ts'
import { slowQueries } from '../ops/metrics.ts'
import { requestContext } from '../ops/request-context.ts'
import type { Database } from './types.ts'

export type Backend = 'pglite' | 'postgres'

export interface DbHandle {
  db: Kysely<Database>
  backend: Backend
  /** Closes the pool or the PGlite instance (flushing its data folder). */
  close(): Promise<void>
  /**
   * Subscribes to a NOTIFY channel; returns the unsubscribe function. When the connection is
   * lost (a database restart), it reconnects by itself and then calls `onPayload('*')`: events
   * may have been missed, the listener catches up.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>
  /** Connections of the pool (PostgreSQL); null for the single embedded connection. */
  poolStats(): { total: number; idle: number; waiting: number } | null
  /** Embedded only: the whole data folder as a gzipped tar (a consistent copy, taken between queries). */
  dumpDataDir?: () => Promise<Blob>
  /**
   * Runs `fn` on one connection with no statement timeout (PostgreSQL: `SET statement_timeout = 0`
   * for that connection, `RESET` afterwards): migrations and seeding at start-up must never be cut
   * off by the server's `statementTimeoutMs`. On PGlite (no timeout, one connection) it just runs `fn`.
   */
  unbounded<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>
}

export interface DbOptions {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  databaseUrl?: string
  /** PGlite data folder; `memory://` for a throw-away instance. */
  dataDir?: string
  poolSize?: number
  /** Where slow queries are logged (with the request they served). */
  logger?: Logger
  /** Queries slower than this are logged and counted. */
  slowQueryMs?: number
  /**
   * PostgreSQL only: every statement of the pool is cancelled after this many milliseconds
   * (`statement_timeout`, SQLSTATE 57014, which the error handler answers with 503 and
   * Retry-After). Absent or 0: no limit (the CLI and the tests). PGlite ignores
   * statement_timeout (`SET statement_timeout='500ms'; SELECT pg_sleep(2)` runs 2 s), so there
   * the request caps (vertices per geometry, body size, list limits) are the bound.
   */
  statementTimeoutMs?: number
}

let settingUp = false

/**
 * Runs the start-up's migrations and demo seeding with slow-query warnings turned down to debug:
 * building a city takes seconds per statement by design, and ~15 warnings with raw SQL on a first
 * start alarmed newcomers over nothing (issue 16). Start-up runs before the server listens, so no
 * request's slow query is hidden; the metric still counts them.
 */
export async function quietSetup<T>(fn: () => Promise<T>): Promise<T> {
  settingUp = true
  try {
    return await fn()
  } finally {
    settingUp = false
  }
}

/**
 * Kysely's query log: a query slower than the threshold is logged once with its duration, the
 * start of its SQL, and the request it served (id, method, path): what it was for.
 */
export function slowQueryLog(options: DbOptions): ((event: LogEvent) => void) | undefined {
  const { logger, slowQueryMs = 500 } = options
  if (!logger) return undefined
  return (event) => {
    if (event.level !== 'query' || event.queryDurationMillis < slowQueryMs) return
    slowQueries.inc()
    if (settingUp) {
      logger.debug({ ms: Math.round(event.queryDurationMillis), sql: event.query.sql.replace(/\s+/g, ' ').slice(0, 240) }, 'slow query during setup')
      return
    }
    const ctx = requestContext.getStore()
    logger.warn(
      { ms: Math.round(event.queryDurationMillis), sql: event.query.sql.replace(/\s+/g, ' ').slice(0, 240), ...(ctx ? { reqId: ctx.id, for: `${ctx.method} ${ctx.path}` } : { for: 'background' }) },
      'slow query',
    )
  }
}

/** The one place that knows which database is behind Kysely. */
export async function createDb(options: DbOptions): Promise<DbHandle> {
  const log = slowQueryLog(options)
  return options.databaseUrl
    ? createPostgres(options.databaseUrl, options.poolSize ?? 10, log, options.statementTimeoutMs ?? 0)
    : createPglite(options.dataDir ?? 'memory://', log)
}

async function createPostgres(url: string, max: number, log: ((e: LogEvent) => void) | undefined, statementTimeoutMs: number): Promise<DbHandle> {
  const pg = await import('pg')
  if (!Number.isSafeInteger(statementTimeoutMs) || statementTimeoutMs < 0) throw new Error(`statementTimeoutMs must be a whole number of milliseconds ≥ 0, given ${statementTimeoutMs}`)
  // Fail fast while the server is down (503 to the client) instead of queueing for ever. The
  // statement timeout is a session default sent when each connection opens (`-c
  // statement_timeout=…`), so it holds for every statement of every pooled connection.
  // JIT off: this app's statements are many short ones and a few analyses whose cost estimates
  // cross the JIT thresholds while they run in well under a second; compiling them cost more than
  // it saved (coverage of the city 2.2 s with JIT, 0.84 s without; the densest z12 incident tile
  // at 10× data 272 ms with, 55–72 ms without: issue 16).
  const settings = ['-c jit=off', ...(statementTimeoutMs > 0 ? [`-c statement_timeout=${statementTimeoutMs}`] : [])]
  const pool = new pg.default.Pool({ connectionString: url, max, connectionTimeoutMillis: 3000, options: settings.join(' ') })
  // A broken idle client must not crash the process; the next query reports the outage.
  pool.on('error', () => {})
  // Nor a checked-out one: when the server dies, pg rejects the running query *and* emits
  // 'error' on the client, which the pool only listens to while the client is idle. The query's
  // rejection reaches the request (503); the dead client is dropped when it is released.
  pool.on('connect', (client) => client.on('error', () => {}))
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) })
  return {
    db,
    backend: 'postgres',
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => db.destroy(),
    unbounded: (fn) =>
      statementTimeoutMs === 0
        ? fn(db)
        : db.connection().execute(async (conn) => {
            await sql`SET statement_timeout = 0`.execute(conn)
            try {
              return await fn(conn)
            } finally {
              // Back to the connection's default (the pool's timeout) before it returns to the pool.
              await sql`RESET statement_timeout`.execute(conn).catch(() => undefined)
            }
          }),
    async listen(channel, onPayload) {
      const name = checkedChannel(channel)
      let stopped = false
      let client: import('pg').PoolClient | null = null
      let retry: NodeJS.Timeout | null = null
      const handler = (msg: { channel: string; payload?: string }) => {
        if (msg.channel === channel) onPayload(msg.payload ?? '')
      }
      const connect = async (): Promise<void> => {
        const c = await pool.connect()
        c.on('notification', handler)
        // A dead connection (database restart, network): drop it and listen again.
        c.on('error', () => {
          if (client !== c) return
          client = null
          c.release(true)
          schedule(500)
        })
        await c.query(`LISTEN ${name}`)
        client = c
      }
      const schedule = (ms: number) => {
        if (stopped || retry) return
        retry = setTimeout(() => {
          retry = null
          connect().then(
            () => onPayload('*'),
            () => schedule(Math.min(ms * 2, 10_000)),
          )
        }, ms)
      }
      await connect()
      return async () => {
        stopped = true
        if (retry) clearTimeout(retry)
        const c = client
        client = null
        if (!c) return
        c.off('notification', handler)
        try {
          await c.query(`UNLISTEN ${name}`)
          c.release()
        } catch {
          c.release(true)
        }
      }
    },
  }
}

async function createPglite(dataDir: string, log: ((e: LogEvent) => void) | undefined): Promise<DbHandle> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { postgis } = await import('@electric-sql/pglite-postgis')
  // PGlite makes the data folder itself but not its parents (a fresh DATA_DIR=/tmp/x/data gave ENOENT).
  if (!dataDir.startsWith('memory://')) mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true })
  const pglite = await PGlite.create({ dataDir, extensions: { postgis } })
  const db = new Kysely<Database>({ dialect: serialDialect(new PGliteDialect({ pglite })), ...(log ? { log } : {}) })
  return {
    db,
    backend: 'pglite',
    poolStats: () => null,
    unbounded: (fn) => fn(db),
    // Through the serialised driver, so no transaction is open while the copy is taken.
    dumpDataDir: async () => {
      const conn = await db.getExecutor().provideConnection(async () => pglite.dumpDataDir('gzip'))
      return conn
    },
    close: () => db.destroy(),
    async listen(channel, onPayload) {
      return pglite.listen(channel, onPayload)
    },
  }
}

/** LISTEN takes an identifier, not a parameter: only plain lower-case names are allowed. */
function checkedChannel(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad channel name ${name}`)
  return name
}

/**
 * PGlite is one connection. Kysely's PGlite driver runs any query issued while a transaction is
 * open *inside* that transaction, so concurrent requests would leak into each other's
 * transactions. This wrapper hands the connection to one holder at a time (acquire → release),
 * which is what a pool of size one does on PostgreSQL.
 */
function serialDialect(inner: Dialect): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createDriver: () => new SerialDriver(inner.createDriver()),
    createIntrospector: (db) => inner.createIntrospector(db),
    createQueryCompiler: () => inner.createQueryCompiler(),
  }
}

class SerialDriver implements Driver {
  #tail: Promise<void> = Promise.resolve()
  #release: (() => void) | undefined
  constructor(private readonly inner: Driver) {}
  init() {
    return this.inner.init()
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#tail
    let release!: () => void
    this.#tail = new Promise<void>((resolve) => (release = resolve))
    await previous
    this.#release = release
    return this.inner.acquireConnection()
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.inner.releaseConnection(connection)
    const release = this.#release
    this.#release = undefined
    release?.()
  }
  beginTransaction(...args: Parameters<Driver['beginTransaction']>) {
    return this.inner.beginTransaction(...args)
  }
  commitTransaction(connection: DatabaseConnection) {
    return this.inner.commitTransaction(connection)
  }
  rollbackTransaction(connection: DatabaseConnection) {
    return this.inner.rollbackTransaction(connection)
  }
  savepoint(...args: Parameters<NonNullable<Driver['savepoint']>>) {
    return this.inner.savepoint!(...args)
  }
  rollbackToSavepoint(...args: Parameters<NonNullable<Driver['rollbackToSavepoint']>>) {
    return this.inner.rollbackToSavepoint!(...args)
  }
  releaseSavepoint(...args: Parameters<NonNullable<Driver['releaseSavepoint']>>) {
    return this.inner.releaseSavepoint!(...args)
  }
  async destroy() {
    await this.#tail
    return this.inner.destroy()
  }
}
