import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { tokenFor } from '../helpers/accounts.ts'
import { freePort, ROOT, startServer, type ServerProcess } from '../helpers/server-process.ts'

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export const WALL = { width: 1920, height: 1080 } as const
/**
 * A desk screen, for the tests that are not about the wall's layout: software WebGL draws every
 * frame on the CPU, and a wall screen has twice its pixels.
 */
export const DESKTOP = { width: 1280, height: 800 } as const
export const PHONE = { width: 390, height: 844 } as const
/** Where the browser tests save their screenshots for a reviewer. */
export const SHOTS = path.join(ROOT, 'tests/e2e/screenshots')

export interface E2eSession {
  /** The test file's own server, on a copy of the seeded data (set in beforeAll). */
  server: ServerProcess
  /** Headless Chromium (set in beforeAll, after `setup`). */
  browser: Browser
  /** The server's base URL (set in beforeAll). */
  url: string
  /** The server's DATA_DIR (set in beforeAll): unit-tokens.csv and the database live there. */
  dataDir: string
  /** `openPage` on this session's browser and server. */
  open(viewport: { width: number; height: number }, hash?: string, beforeLoad?: (page: Page) => Promise<void>, account?: DemoAccount | null): Promise<WatchedPage>
}

export interface E2eSessionOptions {
  /** The server's port; a free one the system picks when left out. */
  port?: number
  /** Extra server environment (e.g. ALERT_INTERVAL_S), over DATA_DIR and an empty DATABASE_URL. */
  env?: Record<string, string>
  /** Runs once the server answers, before Chromium starts (sign-ins, fixtures read from the API). */
  setup?: (s: E2eSession) => Promise<void>
  /** The beforeAll's time limit (the config's hookTimeout when left out). */
  timeout?: number
  /** The screenshot folder to create (SHOTS when left out). */
  shots?: string
}

/**
 * A test file's server and browser: registers the describe block's beforeAll (a temporary folder
 * with a copy of the seeded data, the server on it, `setup`, Chromium, the screenshot folder) and
 * afterAll (browser closed, server stopped, folder removed). Call it at the top of the describe
 * block; the returned object's fields are filled in when its beforeAll has run.
 */
export function e2eSession(name: string, opts: E2eSessionOptions = {}): E2eSession {
  let tmp: string | undefined
  const s = {
    open: (viewport, hash, beforeLoad, account) => openPage(s.browser, s.url, viewport, hash, beforeLoad, account),
  } as E2eSession
  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), `pingan-e2e-${name}-`))
    s.dataDir = seededDataDir(tmp)
    s.server = await startServer({ DATA_DIR: s.dataDir, DATABASE_URL: '', ...opts.env }, opts.port ?? (await freePort()), 180_000)
    s.url = s.server.url
    await opts.setup?.(s)
    s.browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
    mkdirSync(opts.shots ?? SHOTS, { recursive: true })
  }, opts.timeout)
  afterAll(async () => {
    await s.browser?.close()
    await s.server?.stop()
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })
  return s
}

/** A GET of the API: the parsed JSON of a 2xx answer, else an error naming the path and the answer. */
export type ApiGet = <T>(p: string) => Promise<T>

/**
 * A GET of the API as `account` (the command demo account unless told) with an API token issued
 * for it: the parsed JSON, or an error naming the path and the answer when it is not 2xx.
 */
export async function apiReader(baseUrl: string, account: DemoAccount = COMMAND): Promise<ApiGet> {
  const headers = { authorization: `Bearer ${await tokenFor(baseUrl, account.username, account.password)}` }
  return async <T>(p: string): Promise<T> => {
    const res = await fetch(`${baseUrl}${p}`, { headers })
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`)
    return (await res.json()) as T
  }
}

/** Switches the page to `lang` with the top bar's button (when it is not already) and waits for the switch. */
export async function setLang(page: Page, lang: 'zh' | 'en'): Promise<void> {
  if ((await page.evaluate(() => document.documentElement.lang)).startsWith('zh') !== (lang === 'zh')) await page.click('#lang-toggle')
  await page.waitForFunction((l) => document.documentElement.lang.startsWith(l), lang)
}

/** Endpoints the client asks for that the server does not have yet (their 404 is allowed). */
const PENDING_ENDPOINTS: string[] = []

export interface WatchedPage {
  page: Page
  /** Uncaught exceptions and console errors (except the pending endpoints' 404). */
  errors: string[]
  /** Requests to anything but the test server, data: and blob: URLs. */
  external: string[]
  /** MapLibre warnings about glyphs it had to draw itself (the glyph protocol failed). */
  glyphWarnings: string[]
  /**
   * Failed requests and answers ≥ 400, as "METHOD url: why". Not checked by openPage: a test that
   * wants none expects it empty. ERR_ABORTED is the page's own cancelling (the live stream closed
   * on leaving live mode, a superseded analysis), not a failure.
   */
  failed: string[]
}

export async function openPage(
  browser: Browser,
  baseUrl: string,
  viewport: { width: number; height: number },
  hash = '',
  beforeLoad?: (page: Page) => Promise<void>,
  account: DemoAccount | null = COMMAND,
): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport })
  const watched: WatchedPage = { page, errors: [], external: [], glyphWarnings: [], failed: [] }
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') watched.failed.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`)
  })
  page.on('response', (r) => {
    if (r.status() >= 400) watched.failed.push(`${r.request().method()} ${r.url()}: ${r.status()}`)
  })
  await beforeLoad?.(page)
  page.on('pageerror', (e) => watched.errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    const where = m.location().url ?? ''
    if (m.type() === 'error' && !PENDING_ENDPOINTS.some((p) => where.startsWith(baseUrl + p))) watched.errors.push(`console: ${m.text()} (${where})`)
    if (m.type() === 'warning' && /glyph range/i.test(m.text())) watched.glyphWarnings.push(m.text())
  })
  page.on('request', (r) => {
    const url = r.url()
    if (!url.startsWith(baseUrl) && !url.startsWith('data:') && !url.startsWith('blob:')) watched.external.push(url)
  })
  await page.goto(`${baseUrl}/${hash}`)
  if (account) await signInOnPage(page, account)
  await waitForMap(page)
  return watched
}

export interface DemoAccount {
  username: string
  password: string
}
/** The demo accounts a fresh development install has (README "Demo accounts"). */
export const COMMAND: DemoAccount = { username: 'command', password: 'pingan-command' }
export const OFFICER: DemoAccount = { username: 'officer', password: 'pingan-officer' }
export const VOLUNTEER: DemoAccount = { username: 'volunteer', password: 'pingan-volunteer' }

/** Signs in through the page's own sign-in screen, as a person would (unless a session cookie already did). */
export async function signInOnPage(page: Page, account: DemoAccount): Promise<void> {
  await page.waitForSelector('#login-username, #account', { timeout: 60_000 })
  if ((await page.$('#login-username')) === null) return
  await page.fill('#login-username', account.username)
  await page.fill('#login-password', account.password)
  await page.click('.login-submit')
  await page.waitForSelector('#login', { state: 'detached', timeout: 30_000 })
}

/** The default layers have loaded (the app's flag), then MapLibre has nothing left to draw. */
export async function waitForMap(page: Page): Promise<void> {
  await page.waitForSelector('body[data-map-ready="true"]', { timeout: 150_000 })
  await waitIdle(page)
}

export async function waitIdle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const map = window.pinganMap!
        // Bounded: a map that never settles fails the test in a minute (and its retry), not in the test's whole time.
        const timer = setTimeout(() => reject(new Error(`the map did not settle in 60 s (tiles loaded: ${map.areTilesLoaded()}, moving: ${map.isMoving()}, style loaded: ${map.isStyleLoaded()})`)), 60_000)
        map.once('idle', () => {
          clearTimeout(timer)
          resolve()
        })
        map.triggerRepaint()
      }),
  )
}

/** Whether the deck.gl layer with this id is drawn (its props as deck holds them). */
export function deckLayerVisible(page: Page, id: string): Promise<boolean | null> {
  return page.evaluate((layerId) => {
    const deck = (window.pinganDeck as unknown as { _deck?: { layerManager?: { getLayers(): Array<{ id: string; props: { visible: boolean; data: unknown } }> } } })._deck
    const layer = deck?.layerManager?.getLayers().find((l) => l.id === layerId)
    return layer ? layer.props.visible && layer.props.data !== null : null
  }, id)
}

/** MapLibre `visibility` of every layer a catalog layer drew. */
export function maplibreVisibility(page: Page, id: string): Promise<string[]> {
  return page.evaluate((layerId) => {
    const map = window.pinganMap!
    const ids = window.pinganLayers!.get(layerId)?.maplibreLayerIds ?? []
    return ids.map((l) => String(map.getLayoutProperty(l, 'visibility') ?? 'visible'))
  }, id)
}

export interface PixelStats {
  /** Standard deviation of luminance (0–255). */
  stdDev: number
  /** Share of pixels that differ from the map background colour. */
  nonBackground: number
  distinctColours: number
}

/**
 * Decodes a PNG (a screenshot) with the browser's own decoder and measures how much it varies:
 * no PNG package needed, and no preserveDrawingBuffer on the map's WebGL canvas.
 */
export async function pixelStats(page: Page, png: Buffer, background: [number, number, number]): Promise<PixelStats> {
  return page.evaluate(
    async ({ b64, bg }) => {
      const img = new Image()
      img.src = `data:image/png;base64,${b64}`
      await img.decode()
      const canvas = document.createElement('canvas')
      canvas.width = img.width
      canvas.height = img.height
      const ctx = canvas.getContext('2d')!
      ctx.drawImage(img, 0, 0)
      const { data } = ctx.getImageData(0, 0, img.width, img.height)
      let sum = 0
      let sumSq = 0
      let differ = 0
      const colours = new Set<number>()
      const n = data.length / 4
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!]
        const y = 0.2126 * r + 0.7152 * g + 0.0722 * b
        sum += y
        sumSq += y * y
        if (Math.abs(r - bg[0]) + Math.abs(g - bg[1]) + Math.abs(b - bg[2]) > 24) differ++
        colours.add((r >> 3) * 1024 + (g >> 3) * 32 + (b >> 3))
      }
      const mean = sum / n
      return { stdDev: Math.sqrt(Math.max(0, sumSq / n - mean * mean)), nonBackground: differ / n, distinctColours: colours.size }
    },
    { b64: png.toString('base64'), bg: background },
  )
}

/**
 * A data folder for a test file's server under `dir`: a copy of the run's seeded template when
 * there is one (tests/e2e/global-setup.ts), else an empty folder the server seeds itself.
 */
export function seededDataDir(dir: string): string {
  const target = path.join(dir, 'data')
  const template = process.env.PINGAN_E2E_TEMPLATE
  if (template && existsSync(template)) cpSync(template, target, { recursive: true })
  return target
}

/** The analysis has finished: the progress indicator is back to idle (and hidden), and the map has drawn. */
export async function analysisIdle(page: Page): Promise<void> {
  await page.waitForSelector('#analysis-panel .an-progress[data-state="idle"]', { state: 'attached', timeout: 120_000 })
  await waitIdle(page)
}

/**
 * Does `action`, sees an analysis run start from it (however fast), and waits until it has been
 * drawn; returns what the progress line said while running. The progress line is watched from
 * before the action (a fast answer can come and go between two polls of a selector).
 */
export async function analysisRun(page: Page, action: () => Promise<unknown>): Promise<string[]> {
  await page.evaluate(() => {
    const w = window as unknown as { progressSeen: string[]; progressObserver?: MutationObserver }
    w.progressSeen = []
    w.progressObserver?.disconnect()
    // The whole panel: a change of mode puts a new progress line in it.
    const panel = document.querySelector('#analysis-panel')!
    const note = () => {
      const box = panel.querySelector<HTMLElement>('.an-progress[data-state="running"]')
      if (box) w.progressSeen.push(box.querySelector('.an-progress-text')?.textContent ?? '')
    }
    w.progressObserver = new MutationObserver(note)
    w.progressObserver.observe(panel, { attributes: true, childList: true, subtree: true, characterData: true })
  })
  await action()
  await page.waitForFunction(() => (window as unknown as { progressSeen: string[] }).progressSeen.length > 0, undefined, { timeout: 30_000 })
  await analysisIdle(page)
  return page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen)
}
