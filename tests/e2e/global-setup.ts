import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort, startServer } from '../helpers/server-process.ts'

/**
 * Seeds the demo city into `dataDir` with a server of its own, and stops it: the template each
 * browser test file's server starts from (a copy: tests/e2e/page-helpers.ts seededDataDir).
 */
export async function seedTemplate(dataDir: string): Promise<void> {
  const server = await startServer({ DATA_DIR: dataDir, DATABASE_URL: '', ALERT_INTERVAL_S: '0', LOG_LEVEL: 'warn' }, await freePort(), 240_000)
  const code = await server.stop()
  if (code !== 0) throw new Error(`the template server stopped with ${code}:\n${server.output().slice(-2000)}`)
}

/**
 * Seeds the demo city once for the whole browser run, instead of once per file (seeding costs
 * ~25 s a time). A template made beforehand and named by PINGAN_E2E_TEMPLATE (the CI seeds one
 * while it type-checks, for both halves of the browser run) is used as it is and kept.
 */
export async function setup(): Promise<() => void> {
  const given = process.env.PINGAN_E2E_TEMPLATE
  if (given && existsSync(path.join(given, 'PG_VERSION'))) return () => {}
  const dir = mkdtempSync(path.join(tmpdir(), 'pingan-e2e-template-'))
  const dataDir = path.join(dir, 'data')
  await seedTemplate(dataDir)
  process.env.PINGAN_E2E_TEMPLATE = dataDir
  return () => rmSync(dir, { recursive: true, force: true })
}
