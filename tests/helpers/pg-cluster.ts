import { execFile } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const BIN = '/usr/lib/postgresql/15/bin'

export const haveClusterTools = existsSync(`${BIN}/initdb`)

/**
 * A throw-away PostgreSQL cluster of our own (initdb in a temporary folder, its own port and
 * socket folder), so a test can crash and restart a database server without touching the
 * machine's shared one. As root, it runs as the `postgres` system user.
 */
export class PgCluster {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'pingan-pg-'))
  readonly data = path.join(this.dir, 'data')
  constructor(readonly port: number) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`
  }

  async #as(cmd: string, args: string[]): Promise<string> {
    const asPostgres = userInfo().uid === 0
    const { stdout } = asPostgres ? await run('runuser', ['-u', 'postgres', '--', `${BIN}/${cmd}`, ...args]) : await run(`${BIN}/${cmd}`, args)
    return stdout
  }

  async init(): Promise<void> {
    if (userInfo().uid === 0) {
      const { stdout } = await run('id', ['-u', 'postgres'])
      const { stdout: gid } = await run('id', ['-g', 'postgres'])
      chownSync(this.dir, Number(stdout.trim()), Number(gid.trim()))
    }
    chmodSync(this.dir, 0o700)
    await this.#as('initdb', ['-D', this.data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'])
    await this.start()
  }

  async start(): Promise<void> {
    await this.#as('pg_ctl', ['-D', this.data, '-w', '-t', '60', '-l', path.join(this.dir, 'log'), '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`, 'start'])
  }

  /** A crash: `pg_ctl stop -m immediate` (no checkpoint; the restart replays the WAL). */
  async crash(): Promise<void> {
    await this.#as('pg_ctl', ['-D', this.data, '-m', 'immediate', 'stop'])
  }

  async destroy(): Promise<void> {
    await this.#as('pg_ctl', ['-D', this.data, '-m', 'fast', 'stop']).catch(() => undefined)
    rmSync(this.dir, { recursive: true, force: true })
  }
}
