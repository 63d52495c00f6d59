import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createScratchDatabase } from '../helpers/test-db.ts'
import { runServerToExit, startServer } from '../helpers/server-process.ts'

const usePostgres = Boolean(process.env.DATABASE_URL)

describe('the server process', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterAll(async () => {
    for (const c of cleanups) await c()
  })

  it('refuses a bad configuration with a clear message and exit code 2', async () => {
    const { code, output } = await runServerToExit({ PORT: 'eighty', DATABASE_URL: 'mysql://nope' })
    expect(code).toBe(2)
    expect(output).toMatch(/PORT="eighty"/)
    expect(output).toMatch(/DATABASE_URL/)
  })

  it('creates, migrates and seeds on first start, shuts down cleanly, and reopens with the same rows', async () => {
    let env: Record<string, string>
    if (usePostgres) {
      const scratch = await createScratchDatabase(`pingan_restart_${process.pid}`)
      cleanups.push(scratch.drop)
      env = { DATABASE_URL: scratch.url }
    } else {
      const dir = mkdtempSync(path.join(tmpdir(), 'pingan-data-'))
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
      env = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' }
    }
    const port = 3900 + (process.pid % 50)
    const first = await startServer(env, port, 180_000)
    const health = await (await fetch(`${first.url}/api/health`)).json()
    expect(health.database.backend).toBe(usePostgres ? 'postgres' : 'pglite')
    const statsBefore = await (await fetch(`${first.url}/api/stats`)).json()
    expect(statsBefore.headlines.stations).toBe(27)
    expect(first.output()).toMatch(/loading the Liaoyuan demo city/)
    expect(await first.stop()).toBe(0)
    expect(first.output()).toMatch(/database closed/)

    const second = await startServer(env, port, 60_000)
    expect(second.output()).not.toMatch(/loading the Liaoyuan demo city/)
    const statsAfter = await (await fetch(`${second.url}/api/stats`)).json()
    expect(statsAfter).toEqual(statsBefore)
    expect(await second.stop()).toBe(0)
  })
})
