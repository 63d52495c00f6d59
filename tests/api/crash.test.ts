import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tokenFor } from '../helpers/accounts.ts'
import { freePort, startServer } from '../helpers/server-process.ts'
import { createScratchDatabase } from '../helpers/test-db.ts'

/**
 * `kill -9` in the middle of a stream of writes: after a restart every write the server had
 * acknowledged (201) is there, and the data folder opens.
 */
describe('a crash during writes', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c()
  })

  it('loses no acknowledged write and reopens cleanly', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pingan-crash-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    let env: Record<string, string> = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', DEMO_SEED: 'off', ADMIN_PASSWORD: 'crash-test-admin-pw', LOG_LEVEL: 'warn', ALERT_INTERVAL_S: '0' }
    if (process.env.DATABASE_URL) {
      const scratch = await createScratchDatabase(`pingan_crash_${process.pid}`)
      cleanups.push(scratch.drop)
      env = { ...env, DATABASE_URL: scratch.url }
    }
    const port = await freePort()
    const first = await startServer(env, port, 120_000)
    cleanups.push(() => void first.child.kill('SIGKILL'))
    const auth = { authorization: `Bearer ${await tokenFor(first.url, 'admin', 'crash-test-admin-pw')}`, 'content-type': 'application/json' }

    const acknowledged: string[] = []
    const statuses = new Map<string, number>()
    let next = 0
    let crashed = false
    const worker = async () => {
      while (!crashed) {
        const mark = `CRASH-${next++}`
        try {
          const res = await fetch(`${first.url}/api/layers/hazards/features`, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ geometry: { type: 'Point', coordinates: [125.14, 42.9] }, properties: { category: 'fire', source: 'offline', description: mark } }),
          })
          if (res.status === 201) acknowledged.push(mark)
          statuses.set(String(res.status), (statuses.get(String(res.status)) ?? 0) + 1)
        } catch {
          // the connection died with the process: not acknowledged
        }
      }
    }
    const workers = [worker(), worker(), worker(), worker()]
    // Writes are acknowledged within seconds; if not, say what the server answered instead of hanging.
    const until = Date.now() + 60_000
    while (acknowledged.length < 40) {
      if (Date.now() > until) {
        crashed = true
        throw new Error(`40 writes not acknowledged in 60 s (answers: ${JSON.stringify(Object.fromEntries(statuses))}):\n${first.output().slice(-2000)}`)
      }
      await new Promise((r) => setTimeout(r, 20))
    }
    first.child.kill('SIGKILL')
    await new Promise((r) => first.child.once('exit', r))
    crashed = true
    await Promise.all(workers)

    const second = await startServer(env, port, 120_000)
    cleanups.push(async () => void (await second.stop()))
    const res = await fetch(`${second.url}/api/layers/hazards/features?format=geojson`, { headers: auth })
    expect(res.status).toBe(200)
    const stored = new Set(((await res.json()) as { features: Array<{ properties: { description: string } }> }).features.map((f) => f.properties.description))
    const lost = acknowledged.filter((m) => !stored.has(m))
    expect({ acknowledged: acknowledged.length, lost }).toEqual({ acknowledged: acknowledged.length, lost: [] })
    expect(acknowledged.length).toBeGreaterThanOrEqual(40)
  }, 300_000)
})
