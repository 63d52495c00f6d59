import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, startServer, type ServerProcess } from '../helpers/server-process.ts'

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const SHOTS = path.join(ROOT, 'tests/e2e/screenshots')

describe('the map page in Chromium', () => {
  let server: ServerProcess
  let browser: Browser
  let dataDir: string
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pingan-e2e-'))
    server = await startServer({ DATA_DIR: path.join(dataDir, 'data'), DATABASE_URL: '' }, 3950, 180_000)
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
    mkdirSync(SHOTS, { recursive: true })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  for (const [name, viewport] of [['wall', { width: 1920, height: 1080 }], ['phone', { width: 390, height: 844 }]] as const) {
    it(`shows Liaoyuan's districts and the story's figures (${name} screen), fetching nothing from outside`, async () => {
      const page = await browser.newPage({ viewport })
      const errors: string[] = []
      const external: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      page.on('request', (r) => {
        if (!r.url().startsWith(server.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) external.push(r.url())
      })
      await page.goto(server.url)
      await page.waitForSelector('body[data-map-ready="true"]', { timeout: 60_000 })
      await page.waitForSelector('.kpi[data-key="stations"]')
      expect(await page.textContent('.kpi[data-key="stations"] .v')).toBe('27')
      expect(await page.textContent('.kpi[data-key="mediation_rooms"] .v')).toBe('600')
      expect(await page.textContent('#db-status')).toContain('PostGIS')
      // The four real districts are drawn on the map (rendered features, not just loaded data).
      const drawn = await page.evaluate(() => {
        const map = (window as unknown as { pinganMap: { queryRenderedFeatures(o: object): Array<{ properties: { name: string } }> } }).pinganMap
        return [...new Set(map.queryRenderedFeatures({ layers: ['districts-fill'] }).map((f) => f.properties.name))].sort()
      })
      expect(drawn).toEqual(['东丰县', '东辽县', '西安区', '龙山区'].sort())
      await page.screenshot({ path: path.join(SHOTS, `map-${name}.png`) })
      expect(errors).toEqual([])
      expect(external).toEqual([])
      await page.close()
    })
  }
})
