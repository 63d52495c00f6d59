import path from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { e2eSession, PHONE, SHOTS } from './page-helpers.ts'

const PORT = 3955
/** The command centre's wall screen: the dashboard is made to be read there. */
const WALL_SCREEN = { width: 1920, height: 1080 } as const
const KPIS = ['stations', 'community_officers', 'volunteers', 'disputes_resolved', 'hazards', 'hazards_eliminated', 'river_patrols', 'points_redeemed'] as const
/** The mechanisms row: ten-household unit reports, mediation cases, issues resolved at coordination meetings. */
const MECHANISMS = ['household_unit_disputes', 'mediation_cases', 'issues_resolved'] as const
/** The district table's columns. */
const COLUMNS = ['branches', 'stations', 'community_officers', 'volunteers', 'disputes_resolved', 'household_unit_disputes', 'hazards', 'hazards_eliminated', 'river_patrols', 'points_redeemed'] as const
const CHARTS = ['month', 'season', 'disputeCategory', 'hazardCategory'] as const

interface Dashboard {
  totals: Record<string, number>
  per_district: Array<{ code: string; name: string } & Record<string, number>>
}

/** The figures the page shows: each headline card's number, and each district row's cells. */
async function shownFigures(page: Page) {
  return page.evaluate(() => {
    const num = (s: string | null | undefined) => Number((s ?? '').replace(/[^\d]/g, ''))
    const kpis = Object.fromEntries([...document.querySelectorAll<HTMLElement>('#dashboard .dash-kpi')].map((k) => [k.dataset.figure!, num(k.querySelector('.dash-kpi-value')?.textContent)]))
    const rows = Object.fromEntries([...document.querySelectorAll<HTMLElement>('#dashboard tr[data-district]')].map((r) =>
      [r.dataset.district!, Object.fromEntries([...r.querySelectorAll<HTMLElement>('td[data-figure]')].map((td) => [td.dataset.figure!, num(td.textContent)]))]))
    return { kpis, rows }
  })
}

/** Per chart: the share of canvas pixels drawn (not transparent) and how many colours they use. */
async function chartInk(page: Page) {
  return page.evaluate((ids) => Object.fromEntries(ids.map((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`#dashboard [data-chart="${id}"] canvas`)
    if (!canvas || !canvas.width) return [id, { drawn: 0, colours: 0 }]
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
    let drawn = 0
    const colours = new Set<number>()
    for (let i = 0; i < data.length; i += 16) {
      if (data[i + 3]! > 0) {
        drawn++
        colours.add(((data[i]! >> 4) << 8) | ((data[i + 1]! >> 4) << 4) | (data[i + 2]! >> 4))
      }
    }
    return [id, { drawn: drawn / (data.length / 16), colours: colours.size }]
  })), [...CHARTS])
}

const expectShown = (shown: Awaited<ReturnType<typeof shownFigures>>, d: Dashboard) => {
  for (const k of [...KPIS, ...MECHANISMS]) expect(shown.kpis[k], k).toBe(d.totals[k])
  expect(Object.keys(shown.rows).sort()).toEqual(d.per_district.map((r) => r.code).sort())
  for (const r of d.per_district) for (const k of COLUMNS) expect(shown.rows[r.code]![k], `${r.name} ${k}`).toBe(r[k])
}

describe('the community dashboard in Chromium', () => {

  const e2e = e2eSession('dash', { port: PORT, env: { ALERT_INTERVAL_S: '0' } })

  it('opens from the top bar on a wall screen, draws its charts, shows the API figures, and a filter changes them', async () => {
    const { page, errors, external } = await e2e.open(WALL_SCREEN)
    // The overview panel's figures, before the dashboard covers it: one name and one number per figure on both.
    await page.waitForSelector('.kpi[data-key="household_unit_disputes"]', { state: 'attached' })
    const overview = await page.$$eval('.kpi[data-key]', (ks) => Object.fromEntries(ks.map((k) => [(k as HTMLElement).dataset.key!, { v: Number(k.querySelector('.v')!.textContent!.replace(/[^\d]/g, '')), k: k.querySelector('.k')!.textContent }])))
    const api = async (q: string) => {
      const r = await page.request.get(`${e2e.url}/api/community/dashboard${q}`)
      expect(r.status()).toBe(200)
      return (await r.json()) as Dashboard
    }
    // The dashboard's code (echarts included) is fetched only when the view opens.
    const chunks: string[] = []
    page.on('request', (r) => { if (/\/assets\/dashboard-view-[^/]+\.js$/.test(r.url())) chunks.push(r.url()) })
    expect(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => /dashboard-view/.test(e.name)))).toBe(false)
    await page.click('#toggle-dashboard')
    await page.waitForSelector('#dashboard[data-state="ready"]', { timeout: 30_000 })
    expect(chunks.length).toBe(1)
    expect(page.url()).toContain('view=dashboard')

    const all = await api('')
    expectShown(await shownFigures(page), all)
    // The story's figures in the demo city.
    expect([all.totals.branches, all.totals.stations]).toEqual([8, 27]) // the story's 8 branches and 27 stations
    expect(all.totals.household_unit_disputes).toBe(211) // the story's 十户联防 收集矛盾纠纷信息 211条
    const cards = await page.$$eval('#dashboard .dash-kpi[data-figure]', (cs) => Object.fromEntries(cs.map((c) => [(c as HTMLElement).dataset.figure!, { v: Number(c.querySelector('.dash-kpi-value')!.textContent!.replace(/[^\d]/g, '')), k: c.querySelector('.dash-kpi-label')!.textContent }])))
    const both = Object.keys(overview).filter((k) => k in cards)
    expect(both).toEqual(expect.arrayContaining(['stations', 'volunteers', 'disputes_resolved', 'household_unit_disputes', 'hazards', 'hazards_eliminated', 'river_patrols']))
    for (const k of both) expect(cards[k], k).toEqual(overview[k])
    expect(cards.household_unit_disputes!.k).toBe('十户联防收集矛盾纠纷')
    expect(all.totals.volunteers).toBeGreaterThan(3000)
    expect(all.totals.issues_resolved).toBe(34)
    await page.waitForFunction((ids) => ids.every((id) => document.querySelector(`#dashboard [data-chart="${id}"] canvas`)), [...CHARTS])
    await expect.poll(async () => Object.values(await chartInk(page)).every((c) => c.drawn > 0.02 && c.colours >= 4), { timeout: 10_000 }).toBe(true)
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-wall.png') })

    // A district: the standing and the event figures both follow it.
    const district = all.per_district.find((d) => (d.volunteers ?? 0) > 0 && (d.volunteers ?? 0) < all.totals.volunteers!)!
    await page.selectOption('#dashboard select[name="district"]', district.code)
    await page.evaluate(() => window.pinganDashboard!.loaded)
    const one = await api(`?district=${district.code}`)
    expect(one.totals.volunteers).toBe(district.volunteers)
    expect(one.totals.volunteers).toBeLessThan(all.totals.volunteers!)
    expectShown(await shownFigures(page), one)

    // A period (Beijing days, the last one included): the events shrink, the standing figures stay.
    await page.fill('#dashboard input[name="from"]', '2026-06-01')
    await page.fill('#dashboard input[name="to"]', '2026-08-31')
    await page.dispatchEvent('#dashboard input[name="to"]', 'change')
    await page.evaluate(() => window.pinganDashboard!.loaded)
    const summer = await api(`?district=${district.code}&from=2026-06-01&to=2026-09-01`)
    expectShown(await shownFigures(page), summer)
    expect(summer.totals.hazards).toBeLessThan(one.totals.hazards!)
    expect(summer.totals.volunteers).toBe(one.totals.volunteers)
    expect(await page.getAttribute('#dashboard .dash-csv', 'href')).toBe(`/api/community/dashboard?district=${district.code}&from=2026-06-01&to=2026-09-01&format=csv`)
    // A district: it offers just its own stations and branches (as many as the API counts there), and one of them filters further.
    const county = all.per_district.find((d) => (d.stations ?? 0) > 0)!
    await page.selectOption('#dashboard select[name="district"]', county.code)
    await page.evaluate(() => window.pinganDashboard!.loaded)
    const stations = await page.$$eval('#dashboard select[name="station"] option', (os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean))
    expect(stations.length).toBe(county.stations)
    await page.selectOption('#dashboard select[name="station"]', stations[0]!)
    await page.evaluate(() => window.pinganDashboard!.loaded)
    const station = await api(`?district=${county.code}&station=${stations[0]}&from=2026-06-01&to=2026-09-01`)
    expect(station.totals.stations).toBe(1)
    expectShown(await shownFigures(page), station)
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-wall-filtered.png') })

    // The filter is in the URL: the link opens the dashboard filtered, in a new page.
    const dq = `dq=district:${county.code};station:${stations[0]};from:2026-06-01;to:2026-08-31`
    expect(page.url()).toContain(`view=dashboard&${dq}`)
    const linked = await e2e.open(WALL_SCREEN, new URL(page.url()).hash)
    await linked.page.waitForSelector('#dashboard[data-state="ready"]', { timeout: 30_000 })
    await linked.page.evaluate(() => window.pinganDashboard!.loaded)
    expectShown(await shownFigures(linked.page), station)
    await expect.poll(() => linked.page.$eval('#dashboard select[name="station"]', (e) => (e as HTMLSelectElement).value), { timeout: 10_000 }).toBe(stations[0])
    expect(await linked.page.$eval('#dashboard select[name="district"]', (e) => (e as HTMLSelectElement).value)).toBe(county.code)
    expect(await linked.page.$eval('#dashboard input[name="to"]', (e) => (e as HTMLInputElement).value)).toBe('2026-08-31')
    // Editing the hash by hand (or Back) applies the filter it names.
    await linked.page.evaluate((code) => (window.location.hash = `#view=dashboard&dq=district:${code}`), district.code)
    // A linked, filtered dashboard still offers every district (it offered only its own).
    expect(await linked.page.$$eval('#dashboard select[name="district"] option', (os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean))).toEqual(all.per_district.map((d) => d.code))
    await expect.poll(() => linked.page.$eval('#dashboard select[name="district"]', (e) => (e as HTMLSelectElement).value), { timeout: 10_000 }).toBe(district.code)
    await linked.page.evaluate(() => window.pinganDashboard!.loaded)
    expectShown(await shownFigures(linked.page), one)
    expect(linked.errors).toEqual([])
    await linked.page.close()

    expect(errors).toEqual([])
    expect(external).toEqual([])
    await page.close()
  })

  it('is usable on a phone: opened from the link, one column, nothing wider than the screen', async () => {
    const { page, errors } = await e2e.open(PHONE, '#view=dashboard')
    await page.waitForSelector('#dashboard[data-state="ready"]', { timeout: 30_000 })
    const r = await page.request.get(`${e2e.url}/api/community/dashboard`)
    expectShown(await shownFigures(page), (await r.json()) as Dashboard)
    await expect.poll(async () => Object.values(await chartInk(page)).every((c) => c.drawn > 0.02), { timeout: 10_000 }).toBe(true)
    const widths = await page.evaluate(() => {
      const d = document.getElementById('dashboard')!
      const charts = [...d.querySelectorAll<HTMLElement>('.dash-chart')].map((c) => c.getBoundingClientRect().width)
      return { scroll: d.scrollWidth, client: d.clientWidth, charts }
    })
    expect(widths.scroll).toBeLessThanOrEqual(widths.client)
    for (const w of widths.charts) expect(w).toBeGreaterThan(300)
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-phone.png') })
    await page.evaluate(() => document.querySelector('#dashboard .dash-charts')!.scrollIntoView())
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-phone-charts.png') })
    // English at a tap, figures unchanged.
    await page.click('#lang-toggle')
    expect(await page.textContent('#dashboard h2')).toBe('Police–community integration · Dashboard')
    expect(await page.textContent('#dashboard .dash-kpi[data-figure="disputes_resolved"] .dash-kpi-label')).toBe('Disputes resolved')
    expect(await page.textContent('#toggle-dashboard')).toBe('Dashboard')
    expectShown(await shownFigures(page), (await r.json()) as Dashboard)
    expect(errors).toEqual([])
    await page.close()
  })
})
