import { cpSync, existsSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export const WALL = { width: 1920, height: 1080 } as const
/**
 * A desk screen, for the tests that are not about the wall's layout: software WebGL draws every
 * frame on the CPU, and a wall screen has twice its pixels.
 */
export const DESKTOP = { width: 1280, height: 800 } as const
export const PHONE = { width: 390, height: 844 } as const

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
  await beforeLoad?.(page)
  const watched: WatchedPage = { page, errors: [], external: [], glyphWarnings: [] }
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
 * Records what the analysis progress line says from now on (a fast answer can come and go
 * between two polls of a selector); the returned function gives the texts seen while running.
 */
export async function watchProgress(page: Page): Promise<() => Promise<string[]>> {
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
  return () => page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen)
}

/** Does `action`, sees an analysis run start from it (however fast), and waits until it has been drawn. */
export async function analysisRun(page: Page, action: () => Promise<unknown>): Promise<string[]> {
  const seen = await watchProgress(page)
  await action()
  await page.waitForFunction(() => (window as unknown as { progressSeen: string[] }).progressSeen.length > 0, undefined, { timeout: 30_000 })
  await analysisIdle(page)
  return seen()
}
