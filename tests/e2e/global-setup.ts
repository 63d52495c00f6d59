import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort, startServer } from '../helpers/server-process.ts'

/**
 * Seeds the demo city once for the whole browser run: each test file starts its server on a copy
 * of this data folder (tests/e2e/page-helpers.ts seededDataDir) instead of seeding its own.
 */
export async function setup(): Promise<() => void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pingan-e2e-template-'))
  const dataDir = path.join(dir, 'data')
  const server = await startServer({ DATA_DIR: dataDir, DATABASE_URL: '', ALERT_INTERVAL_S: '0', LOG_LEVEL: 'warn' }, await freePort(), 240_000)
  const code = await server.stop()
  if (code !== 0) throw new Error(`the template server stopped with ${code}:\n${server.output().slice(-2000)}`)
  process.env.PINGAN_E2E_TEMPLATE = dataDir
  return () => rmSync(dir, { recursive: true, force: true })
}
