import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { signIn } from '../helpers/accounts.ts'
import { runTool, freePort, startServer } from '../helpers/server-process.ts'
import { createScratchDatabase } from '../helpers/test-db.ts'

/**
 * A production install: no demo city, no demo accounts, no fixed password. The first start
 * creates `admin` with a generated password printed once; `npm run user` manages accounts on
 * the same database from the command line.
 */
describe('a fresh production install', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c()
  })

  it('prints a generated admin password once, has no demo accounts, and takes accounts from the command line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pingan-install-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    let env: Record<string, string> = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', NODE_ENV: 'production', DEMO_SEED: 'off', LOG_LEVEL: 'warn' }
    if (process.env.DATABASE_URL) {
      const scratch = await createScratchDatabase(`pingan_install_${process.pid}`)
      cleanups.push(scratch.drop)
      env = { ...env, DATABASE_URL: scratch.url }
    }
    const port = await freePort()
    const first = await startServer(env, port, 120_000)
    const password = /password: (\S+)/.exec(first.output())?.[1]
    expect(password).toMatch(/^[A-Za-z0-9]{18}$/)
    expect((await signIn(first.url, 'admin', password!)).body.user.role).toBe('admin')
    const demo = await fetch(`${first.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'command', password: 'pingan-command' }) })
    expect(demo.status).toBe(401)
    // Production cookies are Secure.
    const res = await fetch(`${first.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) })
    expect(res.headers.get('set-cookie')).toMatch(/;\s*Secure/i)
    expect(await first.stop()).toBe(0)

    // The command line, on the same database, while no server holds it.
    const added = await runTool('server/src/cli/user.ts', ['add', 'ops-planner', '--role', 'planner', '--password', 'planner-password-1'], env)
    expect(added.output).toMatch(/created ops-planner \(planner/)
    expect(added.code).toBe(0)
    const bad = await runTool('server/src/cli/user.ts', ['add', 'x', '--role', 'chief'], env)
    expect(bad.code).toBe(2)
    const token = await runTool('server/src/cli/user.ts', ['token', 'ops-planner'], env)
    expect(token.code).toBe(0)
    const bearer = /^(pgt_\S+)$/m.exec(token.output)?.[1]
    expect(bearer).toBeDefined()

    const second = await startServer(env, port, 60_000)
    cleanups.push(async () => void (await second.stop()))
    expect(second.output()).not.toMatch(/password:/)
    const me = await (await fetch(`${second.url}/api/auth/me`, { headers: { authorization: `Bearer ${bearer}` } })).json()
    expect(me.user).toMatchObject({ username: 'ops-planner', role: 'planner' })
    expect((await signIn(second.url, 'ops-planner', 'planner-password-1')).body.user.role).toBe('planner')
    // Anonymous gets nothing but the public endpoints.
    expect((await fetch(`${second.url}/api/layers`)).status).toBe(401)
    expect((await fetch(`${second.url}/api/health`)).status).toBe(200)
  }, 240_000)
})
