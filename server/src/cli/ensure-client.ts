/**
 * `npm start` builds the map client only when it must: when `dist/` is missing or older than any
 * source it is built from (client/, data/catalog/, vite.config.ts, the lock file). A warm restart
 * then starts the server at once instead of spending ~30 s on `vite build` every time (issue 16).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const built = path.join(root, 'dist/index.html')
const SOURCES = ['client', 'data/catalog', 'vite.config.ts', 'package-lock.json', 'tsconfig.json']

function newest(p: string): number {
  if (!existsSync(p)) return 0
  const s = statSync(p)
  if (!s.isDirectory()) return s.mtimeMs
  let latest = s.mtimeMs
  for (const entry of readdirSync(p)) latest = Math.max(latest, newest(path.join(p, entry)))
  return latest
}

const sourceTime = Math.max(...SOURCES.map((s) => newest(path.join(root, s))))
const builtTime = existsSync(built) ? statSync(built).mtimeMs : 0
if (builtTime >= sourceTime) {
  console.log('Map client is up to date (dist/); starting the server.')
} else {
  console.log(builtTime ? 'Map client sources changed: rebuilding dist/ …' : 'First start: building the map client into dist/ …')
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error('Building the map client failed (npx vite build); see the messages above.')
    process.exit(r.status ?? 1)
  }
}
