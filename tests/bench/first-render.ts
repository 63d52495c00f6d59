import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { signIn } from '../helpers/accounts.ts'
import { freePort, ROOT, startServer } from '../helpers/server-process.ts'

/**
 * `npm run bench:render` (after `npm run build`): the client bundle size, and the time to first
 * render of all default layers in headless Chromium (system /usr/bin/chromium, software WebGL):
 * from navigation start until the app sets `document.body.dataset.mapReady = 'true'` (MapLibre
 * idle and the deck.gl layers' tiles of the view loaded). Each run in a fresh browser context
 * (empty cache, signed in as the demo command account by its session cookie, so the sign-in
 * screen is not timed) against a server already started on a seeded embedded database; median of
 * RUNS after one warm-up, for a wall (1920×1080) and a phone (390×844) viewport.
 * Goal (issue 4): bundle under 1.5 MB gzipped in total.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const PORT = await freePort()
const DIST = path.join(ROOT, 'dist')
const VIEWPORTS = { wall: { width: 1920, height: 1080 }, phone: { width: 390, height: 844 } } as const

if (!existsSync(path.join(DIST, 'index.html'))) {
  console.error('no dist/: run `npm run build` first')
  process.exit(2)
}

function bundleSize(): { files: number; raw: number; gzip: number; js: number } {
  let raw = 0
  let gzip = 0
  let js = 0
  let files = 0
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (/\.(js|css|html|mjs)$/.test(e.name)) {
        const bytes = readFileSync(p)
        const gz = gzipSync(bytes).length
        files++
        raw += bytes.length
        gzip += gz
        if (/\.m?js$/.test(e.name)) js += gz
      }
    }
  }
  walk(DIST)
  return { files, raw, gzip, js }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const kb = (n: number) => `${(n / 1024).toFixed(0)} kB`

const size = bundleSize()
console.log(`client bundle: ${size.files} files, ${kb(size.raw)} raw, ${kb(size.gzip)} gzipped (JS ${kb(size.js)})   goal < 1.5 MB gzipped: ${size.gzip < 1.5 * 1024 * 1024 ? 'met' : 'MISSED'}`)

const dir = mkdtempSync(path.join(tmpdir(), 'pingan-bench-render-'))
const server = await startServer({ DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', LOG_LEVEL: 'warn', ALERT_INTERVAL_S: '0' }, PORT, 180_000)
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
try {
  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    const times: number[] = []
    for (let k = 0; k <= RUNS; k++) {
      const context = await browser.newContext({ viewport })
      const cookie = (await signIn(server.url, 'command', 'pingan-command')).cookie
      const eq = cookie.indexOf('=')
      await context.addCookies([{ name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url: server.url }])
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(`${server.url}/`)
      // performance.now() is milliseconds since this page's navigation started.
      const handle = await page.waitForFunction(() => document.body.dataset.mapReady === 'true' && performance.now(), undefined, { timeout: 180_000, polling: 'raf' })
      const ms = (await handle.jsonValue()) as number
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`)
      if (k > 0) times.push(ms)
      await context.close()
    }
    console.log(`first render of the default layers, ${name.padEnd(5)} ${viewport.width}×${viewport.height}: median ${(median(times) / 1000).toFixed(2)} s   min ${(Math.min(...times) / 1000).toFixed(2)} s   max ${(Math.max(...times) / 1000).toFixed(2)} s   (${RUNS} runs)`)
  }
} finally {
  await browser.close()
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
}
