import path from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { findOverflows, SIZES } from './layout-check.ts'
import { analysisRun, COMMAND, DESKTOP, e2eSession, OFFICER, PHONE, setLang, SHOTS as ALL_SHOTS, VOLUNTEER, waitIdle, type DemoAccount, type WatchedPage } from './page-helpers.ts'

/** Every screen of every journey, in both languages at the four sizes: journey-ROLE-SCREEN-LANG-SIZE.png. */
const SHOTS = path.join(ALL_SHOTS, 'journeys')
const PORT = Number(process.env.JOURNEYS_E2E_PORT ?? 3962)
const ADMIN: DemoAccount = { username: 'admin', password: 'pingan-admin' }
const PLANNER: DemoAccount = { username: 'planner', password: 'pingan-planner' }
const MARK = `E2E-JOURNEY-${Date.now()}`

/**
 * Issue 15 items 10 and 11: each role's working day through the UI only (sign in, the role's main
 * screens, one write, one analysis where the role has one), and every screen of it held up in
 * Chinese and English at 1280×800, 1366×768, 1920×1080 and 390×844: no text node cut off or
 * spilling out (layout-check.ts). Any console error, any failed request and any answer ≥ 400 fails
 * the journey. Each screen is saved at each size and language for a reviewer.
 */
describe('every role\u2019s day, through the UI, at four sizes in both languages', () => {
  // The alert rules run (every 5 s), so the command centre has alerts to acknowledge.
  const e2e = e2eSession('journeys', { port: PORT, env: { ALERT_INTERVAL_S: '5' }, shots: SHOTS })

  /**
   * The screen as it is, in both languages at the four sizes: the text nodes that do not fit, as
   * "where: why" lines (none expected), and a screenshot of each. Leaves the page as it found it.
   */
  async function holdsUp(page: Page, role: string, screen: string): Promise<string[]> {
    const start = page.viewportSize()!
    const startLang = (await page.evaluate(() => document.documentElement.lang)).startsWith('zh') ? 'zh' : 'en'
    const problems: string[] = []
    for (const lang of ['zh', 'en'] as const) {
      await setLang(page, lang)
      for (const size of SIZES) {
        await page.setViewportSize({ width: size.width, height: size.height })
        // Two frames: the resize observers have laid the panels out again.
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
        for (const o of await findOverflows(page)) problems.push(`${role} ${screen} ${lang} ${size.name}: "${o.text}" at ${o.where}: ${o.why}`)
        // The name in the top bar is whole, not run under the search box (text can be whole and covered).
        const clash = await page.evaluate(() => {
          const brand = document.querySelector('.topbar .brand')?.getBoundingClientRect()
          const search = document.querySelector('.topbar .search')?.getBoundingClientRect()
          return brand && search && window.innerWidth > 720 && brand.right > search.left + 0.5 ? `the name ends at ${Math.round(brand.right)} px, the search starts at ${Math.round(search.left)} px` : null
        })
        if (clash) problems.push(`${role} ${screen} ${lang} ${size.name}: ${clash}`)
        // A button's label on one line (a segmented switch squeezed narrow broke 地图 into 地/图).
        const broken = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('.topbar button, .mode-switch button')]
            .filter((b) => b.offsetParent !== null && (b.textContent ?? '').trim().length > 1)
            .filter((b) => {
              const lines = new Set<number>()
              const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT)
              while (walker.nextNode()) {
                const node = walker.currentNode
                const box = node.parentElement!.getBoundingClientRect()
                // Screen-reader-only words (a 1-px box) are not on show.
                if (box.width <= 1 || box.height <= 1) continue
                const range = document.createRange()
                range.selectNodeContents(node)
                for (const r of range.getClientRects()) if (r.width > 0) lines.add(Math.round(r.top))
              }
              return lines.size > 1
            })
            .map((b) => (b.textContent ?? '').trim()))
        for (const label of broken) problems.push(`${role} ${screen} ${lang} ${size.name}: the button "${label}" is broken over lines`)
        await page.screenshot({ path: path.join(SHOTS, `journey-${role}-${screen}-${lang}-${size.name}.png`) })
      }
    }
    await setLang(page, startLang)
    await page.setViewportSize(start)
    await waitIdle(page)
    return problems
  }

  /** No console error, no failed request or answer ≥ 400 (openPage records them), nothing from outside. */
  const clean = (w: WatchedPage) => {
    expect(w.errors).toEqual([])
    expect(w.failed).toEqual([])
    expect(w.external).toEqual([])
  }

  it('command centre: the overview map, the live view (acknowledges an alert), the dashboard and hotspots', async () => {
    const w = await e2e.open(DESKTOP, '#map=11.00/42.90000/125.15000&lang=zh', undefined, COMMAND)
    const { page } = w
    const problems: string[] = []
    problems.push(...(await holdsUp(page, 'command', 'map')))

    await page.click('#toggle-live')
    // The write: an alert acknowledged from the feed, and the line says by whom.
    const ack = page.locator('.live-item.live-alerts.open .live-ack').first()
    await ack.waitFor({ timeout: 60_000 })
    await ack.click()
    await page.locator('.live-item.live-alerts .live-acked').first().waitFor({ timeout: 15_000 })
    problems.push(...(await holdsUp(page, 'command', 'live')))
    await page.click('#toggle-live')

    await page.click('#toggle-dashboard')
    await page.waitForSelector('#dashboard[data-state="ready"]', { timeout: 30_000 })
    problems.push(...(await holdsUp(page, 'command', 'dashboard')))
    await page.click('#toggle-dashboard')

    // The analysis: hotspots of the city at 1000 m.
    await analysisRun(page, async () => {
      await page.click('.mode-switch [data-mode="hotspots"]')
      await page.selectOption('[data-param="cell"]', '1000')
    })
    expect(await page.locator('.an-classes li').count()).toBeGreaterThan(3)
    problems.push(...(await holdsUp(page, 'command', 'hotspots')))
    expect(problems).toEqual([])
    clean(w)
    await page.close()
  }, 600_000)

  it('planner: the planner over the city centre (draws and saves a zone) and patrol coverage', async () => {
    const w = await e2e.open(DESKTOP, '#map=14.00/42.89000/125.13000&lang=zh&plan=1', undefined, PLANNER)
    const { page } = w
    const problems: string[] = []
    await page.waitForSelector('.panel-planner [data-plan="station"]', { timeout: 60_000 })
    await waitIdle(page)
    problems.push(...(await holdsUp(page, 'planner', 'planner')))
    // The write: a square drawn left of the panel, named and saved.
    await page.click('[data-tool="zone"]')
    const c = await page.evaluate(() => {
      const panel = document.querySelector('.panel-planner')!.getBoundingClientRect()
      return { x: Math.min(panel.left - 200, window.innerWidth / 2), y: window.innerHeight / 2 + 40 }
    })
    for (const [x, y] of [[c.x - 90, c.y - 80], [c.x + 80, c.y - 90], [c.x + 90, c.y + 80], [c.x - 80, c.y + 90], [c.x - 90, c.y - 80]] as const) await page.mouse.click(x, y)
    await page.waitForSelector('[data-kpi="households"]', { timeout: 15_000 })
    await page.fill('[data-prop="name"]', `${MARK} 巡区`)
    await page.click('[data-plan="save"]')
    await page.waitForSelector('[data-plan="message"][data-tone="ok"]', { timeout: 15_000 })
    problems.push(...(await holdsUp(page, 'planner', 'zone-saved')))
    await page.click('#toggle-plan')

    await analysisRun(page, () => page.click('.mode-switch [data-mode="coverage"]'))
    expect(await page.locator('.an-worst-list .an-cell').count()).toBeGreaterThan(0)
    problems.push(...(await holdsUp(page, 'planner', 'coverage')))
    expect(problems).toEqual([])
    clean(w)
    await page.close()
  }, 600_000)

  it('officer: my grid on a phone (records a hazard at a tapped point) and the hotspots of their own cells', async () => {
    const w = await e2e.open(PHONE, '#lang=zh', async (p) => {
      await p.context().grantPermissions(['geolocation'], { origin: e2e.url })
      await p.context().setGeolocation({ longitude: 125.15, latitude: 42.88 })
    }, OFFICER)
    const { page } = w
    const problems: string[] = []
    await page.waitForFunction(() => !!window.pinganMyGrid?.grid && document.querySelector('.og-kpi[data-kpi="coverage"] .v')?.textContent?.includes('%'), null, { timeout: 60_000 })
    await waitIdle(page)
    problems.push(...(await holdsUp(page, 'officer', 'my-grid')))

    // The write: a hazard at a tapped point inside one of their cells.
    await page.click('.og-action[data-action="hazard"]')
    await page.selectOption('.og-form select[name="category"]', 'manhole')
    await page.fill('.og-form textarea[name="description"]', `${MARK} 井盖缺失`)
    const tap = await page.evaluate(() => {
      const map = window.pinganMap!
      const top = document.querySelector('.topbar')!.getBoundingClientRect().bottom
      const sheet = document.getElementById('officer-panel')!.getBoundingClientRect().top
      const cx = window.innerWidth / 2
      const cy = (top + sheet) / 2
      const pts: Array<{ x: number; y: number }> = []
      for (let y = top + 30; y < sheet - 30; y += 16) for (let x = 40; x < window.innerWidth - 40; x += 16) pts.push({ x, y })
      pts.sort((a, b) => Math.hypot(a.x - cx, a.y - cy) - Math.hypot(b.x - cx, b.y - cy))
      return pts.find((p) => map.queryRenderedFeatures([p.x, p.y], { layers: ['officer-cells-fill'] }).length > 0) ?? null
    })
    expect(tap).not.toBeNull()
    await page.mouse.click(tap!.x, tap!.y)
    await page.waitForSelector('.og-location[data-set="true"]')
    problems.push(...(await holdsUp(page, 'officer', 'hazard-form')))
    await page.click('.og-form button[type="submit"]')
    await page.click('.og-tab[data-tab="hazards"]')
    await page.locator('.og-item[data-kind="hazard"]', { hasText: '井盖' }).first().waitFor({ timeout: 20_000 })

    // The analysis: hotspots over their own cells (the officer's analyses are scoped to them).
    await analysisRun(page, () => page.click('.mode-switch [data-mode="hotspots"]'))
    expect(await page.textContent('#analysis-panel')).not.toContain('失败')
    problems.push(...(await holdsUp(page, 'officer', 'hotspots')))
    expect(problems).toEqual([])
    clean(w)
    await page.close()
  }, 600_000)

  it('volunteer: their day on a phone (reports a hazard at a tapped point) and their points', async () => {
    const w = await e2e.open(PHONE, '#lang=zh', undefined, VOLUNTEER)
    const { page } = w
    const problems: string[] = []
    await page.waitForFunction(() => window.pinganVolunteer?.day?.account !== undefined && document.querySelector('#volunteer-panel .og-status')?.getAttribute('data-state') === 'ok', null, { timeout: 60_000 })
    await waitIdle(page)
    problems.push(...(await holdsUp(page, 'volunteer', 'my-day')))

    // The write: a hazard where they tap, in the middle of the map they see.
    await page.click('.vd-action[data-action="hazard"]')
    await page.selectOption('.og-form select[name="category"]', 'manhole')
    await page.fill('.og-form textarea[name="description"]', `${MARK} 志愿者 井盖缺失`)
    const tap = await page.evaluate(() => {
      const top = document.querySelector('.topbar')!.getBoundingClientRect().bottom
      const sheet = document.getElementById('volunteer-panel')!.getBoundingClientRect().top
      return { x: window.innerWidth / 2, y: (top + sheet) / 2 }
    })
    await page.mouse.click(tap.x, tap.y)
    await page.waitForSelector('.og-location[data-set="true"]')
    await page.click('.og-form button[type="submit"]')
    await page.waitForFunction(() => document.querySelector('.og-tab[data-tab="reports"]')?.textContent === '我的上报 1', null, { timeout: 20_000 })
    problems.push(...(await holdsUp(page, 'volunteer', 'my-reports')))

    await page.click('.og-tab[data-tab="points"]')
    problems.push(...(await holdsUp(page, 'volunteer', 'points')))
    // No analysis is offered to a volunteer (the API refuses them).
    expect(await page.$('.mode-switch')).toBeNull()
    expect(problems).toEqual([])
    clean(w)
    await page.close()
  }, 600_000)

  it('administrator: the accounts screen (creates an account with grid cells)', async () => {
    const w = await e2e.open(DESKTOP, '#map=11.00/42.90000/125.15000&lang=zh', undefined, ADMIN)
    const { page } = w
    const problems: string[] = []
    await page.click('#toggle-admin')
    await page.waitForSelector('tr[data-user="officer"]')
    problems.push(...(await holdsUp(page, 'admin', 'accounts')))
    // The write: an officer's account for two cells named by their grid codes.
    const codes = await page.evaluate(async () => {
      const out: string[] = []
      for (const id of [3, 4]) out.push(((await (await fetch(`/api/layers/grid-cells/features/${id}`)).json()) as { properties: { code: string } }).properties.code)
      return out
    })
    const username = `journey-${Date.now() % 100000}`
    await page.fill('.admin-new input[name="username"]', username)
    await page.fill('.admin-new input[name="displayName"]', '旅程测试民警')
    await page.selectOption('.admin-new select[name="role"]', 'officer')
    await page.fill('.admin-new input[name="grids"]', codes.join(','))
    await page.click('.admin-new button[type="submit"]')
    await page.waitForSelector(`tr[data-user="${username}"]`)
    expect(await page.textContent('.admin-status')).toMatch(/[A-Za-z0-9]{14}$/)
    problems.push(...(await holdsUp(page, 'admin', 'account-created')))
    expect(problems).toEqual([])
    clean(w)
    await page.close()
  }, 600_000)
})
