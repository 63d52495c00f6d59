import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * `npm test`: the two projects of vitest.config.ts side by side — the files sharing one seeded
 * database in one worker, and the files that start server processes of their own in another —
 * about 40 % less time than one after the other on 2 cores. The second project's report follows
 * the first's. With arguments (`npm test -- tests/api/x.test.ts`, `--project shared`), one plain
 * `vitest run` with them.
 */
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs')
const args = process.argv.slice(2)

function run(extra: string[], buffered: boolean): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', ...extra], { cwd: root, stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit' })
    let output = ''
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }))
  })
}

if (args.length > 0) {
  process.exit((await run(args, false)).code)
}
const [shared, processes] = await Promise.all([run(['--project', 'shared'], false), run(['--project', 'processes'], true)])
process.stdout.write(`\n── project "processes" (the files that start server processes of their own) ──\n${processes.output}`)
const failed = [shared.code && 'shared', processes.code && 'processes'].filter(Boolean)
console.log(failed.length ? `npm test: FAILED in ${failed.join(' and ')}` : 'npm test: both projects passed')
process.exit(shared.code || processes.code)
