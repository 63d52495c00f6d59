import path from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { COMMAND, DESKTOP, e2eSession, PHONE, SHOTS, VOLUNTEER, waitIdle, type DemoAccount, type WatchedPage } from './page-helpers.ts'

const ADMIN: DemoAccount = { username: 'admin', password: 'pingan-admin' }

interface Person {
  id: string
  name: string
  role: string
  phone?: string | null
  station: { name: string; phone: string | null } | null
  cells: Array<{ id: number; code: string; name: string }>
}

/**
 * Issue 15, items 2 and 5, through the UI only: the search box finds a school, a police unit by
 * pinyin and a person by name; choosing flies there and opens the popup or the card; names in
 * popups open a person's card with their cells on the map; a volunteer on a phone sees the
 * people of their own area with the station's duty phone and never a personal one; the
 * administration screen lists an account's cells by name and reports a bad roster row by row.
 */
describe('people and search in the browser', () => {
  const e2e = e2eSession('people', { env: { ALERT_INTERVAL_S: '0' } })
  const cookies: Record<string, string> = {}

  const api = async <T>(who: DemoAccount, p: string): Promise<T> => {
    if (!cookies[who.username]) {
      const r = await fetch(`${e2e.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) })
      cookies[who.username] = (r.headers.get('set-cookie') ?? '').split(';')[0]!
    }
    const res = await fetch(`${e2e.url}${p}`, { headers: { cookie: cookies[who.username]! } })
    expect(res.status, p).toBe(200)
    return (await res.json()) as T
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `people-${name}.png`) })
  /** Types into the search box and waits for its answer. */
  const search = async (page: Page, q: string) => {
    // The previous answer goes first, so what is waited for is this query's.
    await page.evaluate(() => document.getElementById('search-results')!.replaceChildren())
    await page.fill('#search-input', q)
    await page.waitForFunction(
      () => {
        const list = document.getElementById('search-results')!
        return !list.hidden && (list.querySelector('li[role="option"]') !== null || /没有找到|Nothing found/.test(list.textContent ?? ''))
      },
      null,
      { timeout: 20_000 },
    )
  }
  /** The grid cells the person card drew on the map (each once, however many tiles it spans). */
  const cardCellsOnMap = (page: Page) =>
    page.evaluate(() => new Set(window.pinganMap!.querySourceFeatures('person-cells').map((f) => f.properties?.id)).size)

  it('finds a school, a unit by pinyin and a person by name; names open cards with their cells', async () => {
    const w: WatchedPage = await e2e.open(DESKTOP, '', undefined, COMMAND)
    const page = w.page
    // A school by its Chinese name, with where it is.
    await search(page, '第五中学')
    const school = page.locator('#search-results li[data-kind="school"]').first()
    expect(await school.locator('.sr-name').textContent()).toBe('辽源市第五中学')
    expect(await school.locator('.sr-context').textContent()).toMatch(/工农村 · .*分局/)
    await shot(page, 'search-school')
    await school.dispatchEvent('mousedown')
    const popup = page.locator('.feature-popup[data-layer="schools"]')
    await popup.waitFor({ timeout: 20_000 })
    // The school's responsible officer reads as a name, and opens their card.
    const officerRef = popup.locator('[data-property="officer_id"] .person-ref')
    await expect.poll(() => officerRef.textContent(), { timeout: 15_000 }).toMatch(/^[\u4e00-\u9fff]{2,4}$/)
    const key = (await officerRef.getAttribute('data-person'))!
    const person = await api<Person>(COMMAND, `/api/people/${key}`)
    expect(await officerRef.textContent()).toBe(person.name)
    await waitIdle(page)
    await shot(page, 'school-popup')
    await officerRef.click()
    const card = page.locator('#person-card[data-open="true"]')
    await card.locator('.pc-cells li').first().waitFor()
    expect(await card.locator('.panel-header h2').textContent()).toBe(person.name)
    expect(await card.locator('.pc-chip').textContent()).toBe('社区民警')
    expect(await card.locator('[data-fact="phone"] dd').textContent()).toBe(person.phone)
    expect(await card.locator('[data-fact="duty-phone"] dd').textContent()).toBe(person.station!.phone)
    expect(await card.locator('.pc-cell-name').allTextContents()).toEqual(person.cells.map((c) => c.name))
    await expect.poll(() => cardCellsOnMap(page)).toBe(person.cells.length)
    await waitIdle(page)
    await shot(page, 'card')

    // A cell of the card: the map goes there and the cell's popup names its people.
    const cell = person.cells[person.cells.length - 1]!
    await card.locator(`.pc-cell[data-grid="${cell.id}"]`).click()
    const cellPopup = page.locator(`.feature-popup[data-layer="grid-cells"][data-feature-id="${cell.id}"]`)
    await cellPopup.waitFor({ timeout: 20_000 })
    const people = await api<{ people: Person[] }>(COMMAND, `/api/people?cell=${cell.id}`)
    await expect.poll(() => cellPopup.locator('.person-ref').allTextContents(), { timeout: 15_000 }).toEqual(
      expect.arrayContaining(people.people.filter((p) => p.role !== 'militia_contact').map((p) => p.name)),
    )
    expect(await cellPopup.textContent()).not.toMatch(/#\d/)
    await waitIdle(page)
    await shot(page, 'card-cell-popup')

    // A police unit by full pinyin and by initials; choosing it closes the card and opens the unit.
    for (const q of ['xiangyangfenju', 'xyfj']) {
      await search(page, q)
      expect(await page.locator('#search-results li[data-kind="unit"] .sr-name').first().textContent()).toBe('辽源市公安局向阳分局')
    }
    await shot(page, 'search-pinyin')
    await page.locator('#search-results li[data-kind="unit"]').first().dispatchEvent('mousedown')
    await page.locator('.feature-popup[data-layer="police-units"]').waitFor({ timeout: 20_000 })
    expect(await page.locator('#person-card').getAttribute('data-open')).toBe('false')

    // A person by name, in English.
    await page.click('#lang-toggle')
    await search(page, person.name)
    const hit = page.locator(`#search-results li[data-kind="person"][data-id="${key}"]`)
    expect(await hit.locator('.sr-kind').textContent()).toBe('Community officer')
    await hit.dispatchEvent('mousedown')
    await card.locator('.pc-cells li').first().waitFor()
    expect(await card.locator('[data-fact="phone"] dt').textContent()).toBe('Mobile')
    expect(await card.locator('.pc-cells h3').textContent()).toBe(`Grid cells (${person.cells.length})`)
    await waitIdle(page)
    await shot(page, 'card-en')
    expect(w.errors).toEqual([])
    expect(w.external).toEqual([])
    await page.close()
  })

  it('shows a volunteer on a phone the people of their area, with the duty phone and no personal phone', async () => {
    const mine = await api<{ total: number; people: Person[] }>(VOLUNTEER, '/api/people?role=community_officer&limit=1')
    const everyone = await api<{ people: Person[] }>(COMMAND, '/api/people?role=community_officer&limit=500')
    const w = await e2e.open(PHONE, '', undefined, VOLUNTEER)
    const page = w.page
    const outside = everyone.people.find((p) => p.id !== mine.people[0]?.id && !p.cells.some((c) => mine.people[0]?.cells.some((m) => m.id === c.id)))!
    const inArea = (await api<{ people: Person[] }>(VOLUNTEER, `/api/people?ids=${encodeURIComponent(outside.id)}`)).people.length > 0
    if (!inArea) {
      await search(page, outside.name)
      expect(await page.locator(`#search-results li[data-kind="person"][data-id="${outside.id}"]`).count()).toBe(0)
    }
    if (mine.total > 0) {
      const p = mine.people[0]!
      expect(p).not.toHaveProperty('phone')
      await search(page, p.name)
      await page.locator(`#search-results li[data-kind="person"][data-id="${p.id}"]`).dispatchEvent('mousedown')
      const card = page.locator('#person-card[data-open="true"]')
      await card.locator('.pc-cells li').first().waitFor()
      expect(await card.locator('[data-fact="phone"]').count()).toBe(0)
      expect(await card.locator('[data-fact="duty-phone"] dd').textContent()).toBe(p.station!.phone)
      expect(await card.locator('.pc-note').textContent()).toContain('值班电话')
      const box = await card.boundingBox()
      expect(box!.width).toBeLessThanOrEqual(PHONE.width)
      expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height + 1)
      await waitIdle(page)
      await shot(page, 'volunteer-phone-card')
    }
    expect(w.errors).toEqual([])
    await page.close()
  })

  it('lists an account\u2019s cells by name for an administrator and reports a bad roster row by row', async () => {
    const w = await e2e.open({ width: 1366, height: 768 }, '', undefined, ADMIN)
    const page = w.page
    await page.click('#toggle-admin')
    const users = await api<{ users: Array<{ username: string; grids: Array<{ name: string }> }> }>(ADMIN, '/api/admin/users')
    const officer = users.users.find((u) => u.username === 'officer')!
    const chips = page.locator('.admin-cells[data-cells="officer"] .admin-cell')
    await chips.first().waitFor()
    expect(await chips.allTextContents()).toEqual(officer.grids.map((g) => g.name))
    await page.setInputFiles('#roster-file', { name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from('姓名,角色,警号,单位\n测试,网格员,E2E-1,不存在的单位\n张三,chief,,\n') })
    const rows = page.locator('.roster-report li')
    await rows.first().waitFor({ timeout: 20_000 })
    expect(await rows.allTextContents()).toEqual(['第 2 行：没有名称或编码为“不存在的单位”的单位', '第 3 行：角色“chief”无法识别'])
    await shot(page, 'admin-roster')
    // The refused import's 422 is the report, not an error of the page.
    expect(w.errors.filter((e) => !/422/.test(e))).toEqual([])
    await page.close()
  })
})
