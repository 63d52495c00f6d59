import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createScratchDatabase } from '../helpers/test-db.ts'
import { runServerToExit, runTool, freePort, startServer } from '../helpers/server-process.ts'
import { tokenFor } from '../helpers/accounts.ts'

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
    const dir = mkdtempSync(path.join(tmpdir(), 'pingan-data-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    let env: Record<string, string> = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' }
    if (usePostgres) {
      const scratch = await createScratchDatabase(`pingan_restart_${process.pid}`)
      cleanups.push(scratch.drop)
      env = { ...env, DATABASE_URL: scratch.url }
    }
    const port = await freePort()
    const first = await startServer(env, port, 180_000)
    const health = await (await fetch(`${first.url}/api/health`)).json()
    expect(health.database.backend).toBe(usePostgres ? 'postgres' : 'pglite')
    // A fresh development install has the demo accounts (README); sign in as one.
    const auth = { authorization: `Bearer ${await tokenFor(first.url, 'command', 'pingan-command')}` }
    const statsBefore = await (await fetch(`${first.url}/api/stats`, { headers: auth })).json()
    expect(statsBefore.headlines.stations).toBe(27)
    // The console says what it does in human lines (issue 16): the database, the schema, the demo
    // city step by step, where it listens and how to sign in; building the city is slow by design,
    // so no "slow query" warnings with raw SQL before it listens.
    const lines = first.output().trim().split('\n')
    for (const line of lines) expect(line, 'one human line per event').toMatch(/^\[\d\d:\d\d:\d\d\] (INFO|WARN): [^{]/)
    const said = lines.map((l) => l.replace(/^\[[\d:]+\] \w+: /, '')).join('\n')
    expect(said).toMatch(usePostgres ? /^connecting to PostgreSQL/m : /^opening the embedded database in /m)
    expect(said).toMatch(/^schema: \d+ migration steps applied$/m)
    expect(said).toMatch(/^empty database: loading the demo city \(Liaoyuan\), 6 steps$/m)
    for (let step = 1; step <= 6; step++) expect(said).toMatch(new RegExp(`^demo city ${step}/6: .+ \\(\\d+\\.\\d s\\)$`, 'm'))
    expect(said).toMatch(/^database ready \((pglite|postgres), \d+\.\d s\)$/m)
    expect(said).toContain(`listening on http://127.0.0.1:${port}`)
    expect(said).toMatch(/demo accounts: command \/ pingan-command/)
    const startup = said.split(/listening on/)[0]!
    expect(startup).not.toMatch(/slow query/)

    // The demo's device tokens drive the simulator through the real ingest API.
    const tokens = readFileSync(path.join(env.DATA_DIR!, 'unit-tokens.csv'), 'utf8').trim().split('\n')
    expect(tokens.length - 1).toBe(statsBefore.headlines.patrol_ebikes + 41)
    const simStart = Date.now()
    const sim = await runTool('server/src/cli/simulate.ts', ['--url', first.url, '--units', '5', '--duration', '3', '--interval', '1', '--tokens', path.join(env.DATA_DIR!, 'unit-tokens.csv')])
    expect(sim.code).toBe(0)
    expect(Number(/(\d+) positions accepted/.exec(sim.output)?.[1])).toBeGreaterThanOrEqual(10)
    expect(sim.output).toMatch(/ 0 failed/)
    // Without its tokens file (by default DATA_DIR's), the simulator says which file it needs and how to make one; no stack.
    const lost = await runTool('server/src/cli/simulate.ts', ['--url', first.url], { DATA_DIR: path.join(env.DATA_DIR!, 'nowhere') })
    expect(lost.code).toBe(2)
    expect(lost.output).toContain(path.join(env.DATA_DIR!, 'nowhere', 'unit-tokens.csv'))
    expect(lost.output).toContain('npm run units:tokens')
    expect(lost.output).not.toMatch(/ENOENT|at .*\.ts:\d+/)
    const moved = (await (await fetch(`${first.url}/api/live/units`, { headers: auth })).json()) as { units: Array<{ ts: string }> }
    expect(moved.units.filter((u) => Date.parse(u.ts) >= simStart)).toHaveLength(5)
    const statsAfterSim = await (await fetch(`${first.url}/api/stats`, { headers: auth })).json()
    // Graceful shutdown: a request in flight when SIGTERM arrives still gets its whole answer,
    // and an open live stream is ended (not left hanging).
    const stream = await fetch(`${first.url}/api/live/stream?layers=hazards`, { headers: auth })
    const streamDone = (async () => {
      const reader = stream.body!.getReader()
      while (!(await reader.read()).done);
      return 'ended'
    })()
    const inFlight = fetch(`${first.url}/api/analysis/hotspots?layer=incidents&cell=1000`, { headers: auth }).then(async (r) => ({ status: r.status, body: await r.json() }))
    await new Promise((r) => setTimeout(r, 150))
    const stopped = first.stop()
    const answer = await inFlight
    expect(answer.status).toBe(200)
    expect(answer.body.features.length).toBeGreaterThan(50)
    expect(await streamDone).toBe('ended')
    expect(await stopped).toBe(0)
    expect(first.output()).toMatch(/database closed/)

    // For a log collector (the default in production): one JSON object per line, the same events.
    const second = await startServer({ ...env, LOG_FORMAT: 'json' }, port, 60_000)
    const events = second.output().trim().split('\n').map((l) => JSON.parse(l) as { msg: string; level: number })
    expect(events.map((e) => e.msg)).toContain('schema: up to date')
    expect(events.some((e) => /^database ready/.test(e.msg))).toBe(true)
    expect(events.some((e) => /loading the demo city/.test(e.msg))).toBe(false)
    // The token outlives the restart: it is in the database, not in memory.
    const statsAfter = await (await fetch(`${second.url}/api/stats`, { headers: auth })).json()
    expect(statsAfter).toEqual(statsAfterSim)
    expect(await second.stop()).toBe(0)
  }, 300_000)
})
