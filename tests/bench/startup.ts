import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort, startServer } from '../helpers/server-process.ts'

/**
 * `npm run bench:startup`: time to a healthy /api/health on the embedded database, first start
 * (create the data folder, migrate, seed) and warm start (reopen), each ratio against the bare
 * `node -e ''` process start measured in the same run. Goals: first < 30 s, warm < 5 s.
 */
async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

const dir = mkdtempSync(path.join(tmpdir(), 'pingan-bench-'))
const env = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', LOG_LEVEL: 'warn' }
const port = await freePort()
try {
  const { spawnSync } = await import('node:child_process')
  const baseline = await time(async () => spawnSync(process.execPath, ['--import', 'tsx', '-e', '0']))
  // One untimed first start warms the OS file cache, so the timed one measures our work.
  let server = await startServer(env, port, 180_000)
  await server.stop()
  const first = await time(async () => {
    rmSync(env.DATA_DIR, { recursive: true, force: true })
    server = await startServer(env, port, 180_000)
  })
  await server.stop()
  const warm = await time(async () => {
    server = await startServer(env, port, 60_000)
  })
  await server.stop()
  const row = (name: string, ms: number, goal: number) =>
    `${name.padEnd(12)} ${(ms / 1000).toFixed(1).padStart(6)} s   ${(ms / baseline).toFixed(1).padStart(6)}× baseline   goal < ${goal} s: ${ms < goal * 1000 ? 'met' : 'MISSED'}`
  console.log(`baseline (node + tsx, empty script): ${(baseline / 1000).toFixed(2)} s`)
  console.log(row('first start', first, 30))
  console.log(row('warm start', warm, 5))
} finally {
  rmSync(dir, { recursive: true, force: true })
}
