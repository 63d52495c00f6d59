import path from 'node:path'
import { booleanPointInPolygon } from '@turf/turf'
import type { Feature, FeatureCollection, MultiPolygon } from 'geojson'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { DESKTOP, e2eSession, PHONE, SHOTS, VOLUNTEER, waitIdle, type WatchedPage } from './page-helpers.ts'

// 3958 in CI; VOLUNTEER_E2E_PORT when that port is taken on a shared machine.
const PORT = Number(process.env.VOLUNTEER_E2E_PORT ?? 3958)
const MARK = `E2E-VOLUNTEER-${Date.now()}`
/** What the network's absence and the tests' own cut connections print in the console, and nothing else. */
const OFFLINE_NOISE = /ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_RESET|ERR_FAILED|Failed to fetch/

type Session = { cookie: string; csrf: string }
type Cell = Feature<MultiPolygon, { code: string; name: string }>

/**
 * The volunteer's day on a phone (390×844), through the UI only: sign in as the demo volunteer,
 * report a hazard with a photo at a tapped point, see it in "my reports" with its status as an
 * officer moves it on, report a dispute at the phone's position while offline and see it sent when
 * the network returns, and read the points balance, the ledger and the shop's affordable items.
 * The figures the page shows are checked against the administrator's view of the same rows. Any
 * console error fails; every screen is saved under tests/e2e/screenshots/volunteer-*.png.
 */
describe('a volunteer\u2019s day on a phone', () => {
  const e2e = e2eSession('volunteer', {
    port: PORT,
    env: { ALERT_INTERVAL_S: '0' },
    timeout: 240_000,
    setup: async () => {
      admin = await login('admin', 'pingan-admin')
      cells = (await api<FeatureCollection<MultiPolygon>>(admin, '/api/layers/grid-cells/features?limit=5000')).body.features as Cell[]
    },
  })
  let w: WatchedPage
  let page: Page
  let admin: Session
  let cells: Cell[] = []

  const login = async (username: string, password: string) => {
    const r = await fetch(`${e2e.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
    expect(r.status).toBe(200)
    const body = (await r.json()) as { csrfToken: string }
    return { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: body.csrfToken }
  }
  async function api<T>(who: Session, p: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(`${e2e.url}${p}`, { ...init, headers: { 'content-type': 'application/json', cookie: who.cookie, 'x-csrf-token': who.csrf, ...init.headers } })
    return { status: res.status, body: (await res.json().catch(() => null)) as T }
  }
  const described = async (layer: string, description: string) =>
    (await api<FeatureCollection>(admin, `/api/layers/${layer}/features?description=${encodeURIComponent(description)}`)).body.features as Array<Feature<{ type: 'Point'; coordinates: number[] }, Record<string, any>>>
  const shot = (name: string, p: Page = page) => p.screenshot({ path: path.join(SHOTS, `volunteer-${name}.png`) })
  const consoleErrors = () => w.errors.filter((e) => !OFFLINE_NOISE.test(e))
  /** Text that does not fit its box (cut without an ellipsis), or the panel wider than the screen. */
  const overflowing = (p: Page = page) =>
    p.evaluate(() => {
      const bad: string[] = []
      if (document.documentElement.scrollWidth > window.innerWidth) bad.push('page')
      const panel = document.getElementById('volunteer-panel')!
      if (panel.getBoundingClientRect().right > window.innerWidth + 1) bad.push('panel')
      for (const e of panel.querySelectorAll<HTMLElement>('h2, button, .og-item-title, .og-chip, .vd-kpi .v, .vd-kpi .k, .vd-step, .vd-move-what, .og-tab, .vd-delta, .og-hint, .og-label')) {
        if (!e.offsetParent) continue
        const style = getComputedStyle(e)
        if (e.scrollWidth > e.clientWidth + 1 && style.textOverflow !== 'ellipsis') bad.push(`${e.className}: ${e.textContent}`)
      }
      return bad
    })
  /** A screen point above the bottom sheet whose map position lies in a grid cell (near the middle). */
  async function tapTarget(avoid: Array<[number, number]> = []): Promise<{ x: number; y: number; lon: number; lat: number }> {
    const pts = await page.evaluate(() => {
      const top = document.querySelector('.topbar')!.getBoundingClientRect().bottom
      const sheet = document.getElementById('volunteer-panel')!.getBoundingClientRect().top
      const out: Array<{ x: number; y: number; lon: number; lat: number; d: number }> = []
      const cx = window.innerWidth / 2
      const cy = (top + sheet) / 2
      for (let y = top + 40; y < sheet - 30; y += 20) {
        for (let x = 60; x < window.innerWidth - 60; x += 20) {
          const ll = window.pinganMap!.unproject([x, y])
          out.push({ x, y, lon: ll.lng, lat: ll.lat, d: Math.hypot(x - cx, y - cy) })
        }
      }
      return out.sort((a, b) => a.d - b.d)
    })
    const hit = pts.find((p) => cells.some((c) => booleanPointInPolygon([p.lon, p.lat], c)) && avoid.every(([x, y]) => Math.hypot(p.x - x, p.y - y) > 40))
    expect(hit).toBeDefined()
    return hit!
  }
  const day = () => page.evaluate(() => window.pinganVolunteer!.day!)

  it('signs in to their day: two report buttons, no reports yet, their points', async () => {
    w = await e2e.open(PHONE, '', async (p) => {
      await p.context().grantPermissions(['geolocation'], { origin: e2e.url })
      await p.context().setGeolocation({ longitude: 125.145, latitude: 42.9, accuracy: 10 })
    }, VOLUNTEER)
    page = w.page
    await page.waitForFunction(() => window.pinganVolunteer?.day?.account !== undefined && document.querySelector('#volunteer-panel .og-status')?.getAttribute('data-state') === 'ok', null, { timeout: 60_000 })
    await waitIdle(page)
    expect(await page.isVisible('#volunteer-panel')).toBe(true)
    expect(await page.textContent('.vd-action[data-action="hazard"]')).toBe('报隐患')
    expect(await page.textContent('.vd-action[data-action="dispute"]')).toBe('报纠纷')
    expect(await page.textContent('.og-tab[data-tab="reports"]')).toBe('我的上报 0')
    expect(await page.textContent('#volunteer-panel .og-empty')).toContain('还没有上报')
    // The demo account is a volunteer with points (the tab says the balance).
    const d = await day()
    expect(d.volunteer).not.toBeNull()
    expect(await page.textContent('.og-tab[data-tab="points"]')).toBe(`积分 ${d.volunteer!.balance}`)
    // Big thumbs: every control of the sheet is at least 44 px both ways.
    const small = await page.$$eval('#volunteer-panel button, #volunteer-panel select, #volunteer-panel a', (els) =>
      els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.getBoundingClientRect()).filter((r) => r.width < 44 || r.height < 44).length)
    expect(small).toBe(0)
    expect(await overflowing()).toEqual([])
    await shot('1-my-day')
  }, 240_000)

  it('reports a hazard with a photo at a tapped point and sees it in "my reports"', async () => {
    const description = `${MARK} 井盖缺失`
    await page.click('.vd-action[data-action="hazard"]')
    await page.waitForSelector('.og-form select[name="category"]')
    // Nothing filled in: the form says what is missing, in Chinese, and sends nothing.
    await page.click('.og-form button[type="submit"]')
    expect(await page.textContent('.og-form')).toContain('请填写类别')
    expect(await page.textContent('.og-form')).toContain('请填写情况描述')
    expect(await page.textContent('.og-location')).toContain('请选择位置')
    await page.selectOption('.og-form select[name="category"]', 'manhole')
    await page.fill('.og-form textarea[name="description"]', description)
    const target = await tapTarget()
    await page.mouse.click(target.x, target.y)
    await page.waitForSelector('.og-location[data-set="true"]')
    // The tap placed the report: no feature popup opened.
    expect(await page.$('.pingan-popup')).toBeNull()
    // The phone's camera, played by a screenshot of the page (a PNG the page re-encodes as JPEG).
    await page.setInputFiles('.og-form input[name="photo"]', { name: 'photo.png', mimeType: 'image/png', buffer: await page.screenshot() })
    await shot('2-hazard-form')
    await page.click('.og-form button[type="submit"]')
    await expect.poll(async () => (await described('hazards', description)).length, { timeout: 20_000 }).toBe(1)
    const [stored] = await described('hazards', description)
    const [lon, lat] = stored!.geometry.coordinates as [number, number]
    expect(lon).toBeCloseTo(target.lon, 5)
    expect(lat).toBeCloseTo(target.lat, 5)
    expect(stored!.properties).toMatchObject({ category: 'manhole', source: 'online', status: 'reported' })
    // The grid cell by point-in-polygon here, not the server's assignment.
    const holding = cells.filter((c) => booleanPointInPolygon([lon, lat], c))
    expect(holding).toHaveLength(1)
    expect(stored!.properties.grid_id).toBe(Number(holding[0]!.id))

    // In "my reports", with its status and its photo (sent after the report, shrunk to a JPEG on the phone).
    const row = `.vd-report[data-layer="hazards"][data-id="${stored!.id}"]`
    await page.waitForSelector(`${row} .vd-photo-link`, { timeout: 20_000 })
    expect(await page.textContent(`${row} .og-chip`)).toBe('已上报')
    expect(await page.textContent(`${row} .og-item-title`)).toBe(`井盖 · ${stored!.properties.code}`)
    expect(await page.textContent('.og-tab[data-tab="reports"]')).toBe('我的上报 1')
    const photo = await fetch(`${e2e.url}${await page.getAttribute(`${row} .vd-photo-link`, 'href')}`, { headers: { cookie: admin.cookie } })
    expect(photo.status).toBe(200)
    expect(photo.headers.get('content-type')).toBe('image/jpeg')
    expect(Buffer.from(await photo.arrayBuffer()).length).toBeGreaterThan(1000)
    // On the map, as one of my reports.
    await waitIdle(page)
    const onMap = await page.evaluate(([x, y]) => window.pinganMap!.queryRenderedFeatures([[x! - 8, y! - 8], [x! + 8, y! + 8]], { layers: ['volunteer-reports-circle'] }).map((f) => f.properties), [target.x, target.y])
    expect(onMap.some((p) => p.layer === 'hazards' && p.id === stored!.id)).toBe(true)
    await shot('3-hazard-reported')
    expect(consoleErrors()).toEqual([])
  }, 120_000)

  it('follows the report as an officer moves it on: the status, the steps and the officer\u2019s notes', async () => {
    const [stored] = await described('hazards', `${MARK} 井盖缺失`)
    for (const [to, reason] of [['verified', '现场核实：井盖缺失属实'], ['rectifying', '已通知物业更换井盖']] as const) {
      const version = (await api<{ properties: { version: number } }>(admin, `/api/layers/hazards/features/${stored!.id}`)).body.properties.version
      const moved = await api(admin, `/api/layers/hazards/features/${stored!.id}/transitions`, { method: 'POST', body: JSON.stringify({ to, version, reason }) })
      expect(moved.status).toBe(200)
    }
    await page.click('.vd-refresh')
    const row = `.vd-report[data-layer="hazards"][data-id="${stored!.id}"]`
    await page.waitForFunction((sel) => document.querySelector(`${sel} .og-chip`)?.textContent === '整改中', row, { timeout: 15_000 })
    expect(await page.$$eval(`${row} .vd-step`, (els) => els.map((e) => `${e.textContent}:${(e as HTMLElement).dataset.state}`))).toEqual(['已上报:done', '已核实:done', '整改中:current', '已销号:todo'])
    // Tapped: its progress with the officer's notes, and the map goes to it.
    await page.click(`${row} .og-item-main`)
    const history = await page.textContent(`${row} .vd-details`)
    expect(history).toContain('现场核实：井盖缺失属实')
    expect(history).toContain('已通知物业更换井盖')
    // When it last changed: the second move's time, as the server recorded it.
    const moves = (await api<{ history: Array<{ at: string }> }>(admin, `/api/layers/hazards/features/${stored!.id}/transitions`)).body.history
    expect(Date.parse((await day()).reports[0]!.changed_at)).toBe(Date.parse(moves[moves.length - 1]!.at))
    await waitIdle(page)
    await shot('4-report-progress')
    expect(consoleErrors()).toEqual([])
  }, 60_000)

  it('reports a dispute at the phone\u2019s position while offline; it waits on the phone and is sent when the network returns', async () => {
    const description = `${MARK} 邻里噪音纠纷`
    await page.context().setOffline(true)
    await page.click('.vd-action[data-action="dispute"]')
    await page.selectOption('.og-form select[name="category"]', 'neighbour')
    await page.fill('.og-form input[name="parties"]', '3')
    await page.fill('.og-form textarea[name="description"]', description)
    await page.click('.og-location button:has-text("用我的位置")')
    await page.waitForSelector('.og-location[data-set="true"]')
    await page.click('.og-form button[type="submit"]')
    // Kept on the phone, said in the list and the badge.
    await page.waitForSelector('.vd-waiting[data-state="pending"]')
    expect(await page.textContent('.vd-waiting')).toContain('待发送')
    expect(await page.textContent('.og-queue')).toBe('待发送 1')
    expect(await described('disputes', description)).toHaveLength(0)
    await shot('5-offline-waiting')

    await page.context().setOffline(false)
    await page.evaluate(() => window.pinganVolunteer!.outbox.flush())
    await expect.poll(async () => (await described('disputes', description)).length, { timeout: 20_000 }).toBe(1)
    const [stored] = await described('disputes', description)
    expect(stored!.geometry.coordinates[0]).toBeCloseTo(125.145, 6)
    expect(stored!.geometry.coordinates[1]).toBeCloseTo(42.9, 6)
    expect(stored!.properties).toMatchObject({ category: 'neighbour', parties: 3, source: 'patrol', status: 'reported' })
    // Now one of my reports, newest first.
    await page.waitForSelector(`.vd-report[data-layer="disputes"][data-id="${stored!.id}"]`, { timeout: 20_000 })
    expect(await page.$('.vd-waiting')).toBeNull()
    expect(await page.$$eval('.vd-report', (els) => els.map((e) => (e as HTMLElement).dataset.layer))).toEqual(['disputes', 'hazards'])
    expect(await page.textContent('.og-tab[data-tab="reports"]')).toBe('我的上报 2')
    expect(consoleErrors()).toEqual([])
  }, 60_000)

  it('shows the points balance, earned and spent, the latest movements and what the shop affords', async () => {
    const d = await day()
    const v = d.volunteer!
    // The administrator's registry says the same balance (its own query), and the account's own record the rest.
    const registry = (await api<{ volunteers: Array<{ id: number; balance: number }> }>(admin, `/api/volunteers?q=${encodeURIComponent(v.name)}&limit=50`)).body.volunteers
    expect(registry.find((x) => x.id === v.id)?.balance).toBe(v.balance)
    const record = (await api<{ balance: number; earned: number; spent: number; ledger: Array<{ id: number; kind: string; delta: number }> }>(admin, `/api/volunteers/${v.id}`)).body
    await page.click('.og-tab[data-tab="points"]')
    const kpi = async (name: string) => Number((await page.textContent(`.vd-kpi[data-kpi="${name}"] .v`))!.replace(/[^\d]/g, ''))
    expect(await kpi('balance')).toBe(record.balance)
    expect(await kpi('earned')).toBe(record.earned)
    expect(await kpi('spent')).toBe(record.spent)
    expect(record.spent).toBeGreaterThan(0)
    expect(record.earned - record.spent).toBe(record.balance)
    const moves = await page.$$eval('.vd-move', (els) => els.map((e) => [(e as HTMLElement).dataset.kind, Number(e.querySelector('.vd-delta')!.textContent!.replace('−', '-').replace(/[^\d-]/g, ''))]))
    expect(moves).toEqual(record.ledger.map((l) => [l.kind, l.delta]))
    // Each movement in words: what it was (the activity, the item), never a code.
    for (const what of await page.$$eval('.vd-move-what', (els) => els.map((e) => e.textContent!))) expect(what).toMatch(/^(活动|服务记录|兑换) · \S|^调整/)
    expect(await overflowing()).toEqual([])
    await shot('6-points')

    await page.click('.og-tab[data-tab="shop"]')
    const items = (await api<{ items: Array<{ id: number; name: string; price: number; stock: number; active: boolean }> }>(admin, '/api/shop/items')).body.items.filter((i) => i.active)
    const shown = await page.$$eval('.vd-item', (els) => els.map((e) => ({ id: Number((e as HTMLElement).dataset.id), affordable: (e as HTMLElement).dataset.affordable === 'true', verdict: e.querySelector('.vd-verdict')!.textContent })))
    expect(shown.map((s) => [s.id, s.affordable])).toEqual(items.map((i) => [i.id, i.price <= record.balance && i.stock > 0]))
    // The demo volunteer can afford some items and not others; the others say how many points are short.
    expect(shown.some((s) => s.affordable)).toBe(true)
    const dear = items.find((i) => i.price > record.balance)!
    expect(shown.find((s) => s.id === dear.id)!.verdict).toBe(`还差 ${dear.price - record.balance} 积分`)
    expect(await overflowing()).toEqual([])
    await shot('7-shop')
    expect(consoleErrors()).toEqual([])
  }, 60_000)

  it('reads the same in English, and on a desktop screen', async () => {
    await page.click('#lang-toggle')
    expect(await page.textContent('.vd-action[data-action="hazard"]')).toBe('Report hazard')
    expect(await page.textContent('.og-tab[data-tab="shop"]')).toBe('Safety shop')
    expect(await overflowing()).toEqual([])
    await shot('8-shop-en')
    await page.click('.og-tab[data-tab="reports"]')
    expect(await page.textContent('.vd-report[data-layer="hazards"] .og-chip')).toBe('Being fixed')
    expect(await overflowing()).toEqual([])
    await shot('9-reports-en')
    await page.click('.og-tab[data-tab="points"]')
    expect(await overflowing()).toEqual([])
    await shot('10-points-en')
    expect(consoleErrors()).toEqual([])
    expect(w.external).toEqual([])
    await page.close()

    // A desk screen: the panel on the right, the same reports.
    const desk = await e2e.open(DESKTOP, '', undefined, VOLUNTEER)
    await desk.page.waitForFunction(() => (window.pinganVolunteer?.day?.reports.length ?? 0) >= 2, null, { timeout: 60_000 })
    await waitIdle(desk.page)
    expect(await overflowing(desk.page)).toEqual([])
    await shot('11-desktop', desk.page)
    await desk.page.click('.og-tab[data-tab="shop"]')
    await desk.page.click('#lang-toggle')
    expect(await overflowing(desk.page)).toEqual([])
    await shot('12-desktop-shop-en', desk.page)
    expect(desk.errors).toEqual([])
    await desk.page.close()
  }, 120_000)
})
