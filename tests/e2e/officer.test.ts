import path from 'node:path'
import { booleanPointInPolygon, pointOnFeature } from '@turf/turf'
import type { Feature, FeatureCollection, MultiPolygon } from 'geojson'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { e2eSession, OFFICER, PHONE, SHOTS, waitIdle, type WatchedPage } from './page-helpers.ts'

// 3956 in CI; OFFICER_E2E_PORT when that port is taken on a shared machine.
const PORT = Number(process.env.OFFICER_E2E_PORT ?? 3956)
const MARK = `E2E-OFFICER-${Date.now()}`

type Session = { cookie: string; csrf: string }
type Cell = Feature<MultiPolygon, { officer_id: number | null; code: string; name: string }>

/**
 * The officer's phone (390×844): "my grid" shows only the account's cells, a hazard recorded
 * at a tapped point reaches the API with the right grid cell and officer, and an entry made
 * offline waits on the phone and is stored exactly once when the network returns, even when
 * the answer to its first send is lost.
 */
describe('an officer\u2019s "my grid" on a phone', () => {
  const e2e = e2eSession('officer', {
    port: PORT,
    timeout: 240_000,
    setup: async () => {
      admin = await login('admin', 'pingan-admin')
      const officer = await login(OFFICER.username, OFFICER.password)
      officerCookie = officer
      myCells = officer.body.user.gridIds
      expect(myCells.length).toBeGreaterThan(0)
      cells = (await api<FeatureCollection<MultiPolygon>>(admin, '/api/layers/grid-cells/features?limit=5000')).body.features as Cell[]
    },
  })
  let w: WatchedPage
  let page: Page
  let admin: Session
  let officerCookie: Session
  let myCells: number[] = []
  let cells: Cell[] = []

  const login = async (username: string, password: string) => {
    const r = await fetch(`${e2e.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
    expect(r.status).toBe(200)
    const body = (await r.json()) as { user: { gridIds: number[] }; csrfToken: string }
    return { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: body.csrfToken, body }
  }
  /** A direct API call with a signed-in session (cookie, and the CSRF token writes need). */
  async function api<T>(who: Session, p: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(`${e2e.url}${p}`, { ...init, headers: { 'content-type': 'application/json', cookie: who.cookie, 'x-csrf-token': who.csrf, ...init.headers } })
    return { status: res.status, body: (await res.json().catch(() => null)) as T }
  }
  /** Hazards with this description, counted by the administrator (who sees every row). */
  const hazardsDescribed = async (description: string) =>
    (await api<FeatureCollection>(admin, `/api/layers/hazards/features?description=${encodeURIComponent(description)}`)).body.features
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `officer-${name}.png`) })
  /** The cell (by independent point-in-polygon) holding a point. */
  const cellAt = (lon: number, lat: number) => cells.filter((c) => booleanPointInPolygon([lon, lat], c))

  /** A screen point above the bottom sheet whose map position lies inside one of my cells. */
  async function tapTarget(avoid: Array<[number, number]> = []): Promise<{ x: number; y: number; lon: number; lat: number }> {
    const box = await page.evaluate(() => {
      const top = document.querySelector('.topbar')!.getBoundingClientRect().bottom
      const sheet = document.getElementById('officer-panel')!.getBoundingClientRect().top
      const pts: Array<{ x: number; y: number; lon: number; lat: number }> = []
      for (let y = top + 30; y < sheet - 30; y += 18) {
        for (let x = 40; x < window.innerWidth - 40; x += 18) {
          const ll = window.pinganMap!.unproject([x, y])
          pts.push({ x, y, lon: ll.lng, lat: ll.lat })
        }
      }
      return { pts, cx: window.innerWidth / 2, cy: (top + sheet) / 2 }
    })
    const mine = cells.filter((c) => myCells.includes(Number(c.id)))
    const inside = box.pts
      .filter((p) => mine.some((c) => booleanPointInPolygon([p.lon, p.lat], c)))
      .filter((p) => avoid.every(([x, y]) => Math.hypot(p.x - x, p.y - y) > 40))
      .sort((a, b) => Math.hypot(a.x - box.cx, a.y - box.cy) - Math.hypot(b.x - box.cx, b.y - box.cy))
    expect(inside.length).toBeGreaterThan(0)
    return inside[0]!
  }

  /** Fills and submits the hazard form at a tapped point; returns the point. */
  async function recordHazard(description: string, avoid: Array<[number, number]> = []) {
    await page.click('.og-action[data-action="hazard"]')
    await page.waitForSelector('.og-form select[name="category"]')
    // Nothing filled in: the form says what is missing and sends nothing.
    await page.click('.og-form button[type="submit"]')
    expect(await page.textContent('.og-form')).toContain('请填写类别')
    expect(await page.textContent('.og-location')).toContain('请选择位置')
    await page.selectOption('.og-form select[name="category"]', 'manhole')
    await page.fill('.og-form textarea[name="description"]', description)
    const target = await tapTarget(avoid)
    await page.mouse.click(target.x, target.y)
    await page.waitForSelector('.og-location[data-set="true"]')
    // The tap chose the location: no feature popup opened.
    expect(await page.$('.pingan-popup')).toBeNull()
    const picked = await page.evaluate(() => (window.pinganMyGrid as unknown as { picker: { points: Array<[number, number]> } | null }).picker?.points[0] ?? null)
    expect(picked![0]).toBeCloseTo(target.lon, 5)
    expect(picked![1]).toBeCloseTo(target.lat, 5)
    return { ...target, lon: picked![0], lat: picked![1] }
  }

  it('signs in and sees only their own cells, fitted, without another grid\u2019s hazard', async () => {
    // A hazard in a cell that is not the officer's, made by the administrator.
    const foreignCell = cells.find((c) => !myCells.includes(Number(c.id)) && c.properties.officer_id !== null)!
    const [fx, fy] = pointOnFeature(foreignCell).geometry.coordinates as [number, number]
    const foreign = await api<{ id: number; properties: { grid_id: number } }>(admin, '/api/layers/hazards/features', {
      method: 'POST', body: JSON.stringify({ geometry: { type: 'Point', coordinates: [fx, fy] }, properties: { category: 'fire', source: 'offline', description: `${MARK} foreign` } }),
    })
    expect(foreign.status).toBe(201)
    expect(myCells).not.toContain(foreign.body.properties.grid_id)

    w = await e2e.open(PHONE, '', async (p) => {
      await p.context().grantPermissions(['geolocation'], { origin: e2e.url })
      await p.context().setGeolocation({ longitude: 125.15, latitude: 42.88 })
    }, OFFICER)
    page = w.page
    await page.waitForFunction(() => !!window.pinganMyGrid?.grid && document.querySelector('.og-kpi[data-kpi="coverage"] .v')?.textContent?.includes('%'), null, { timeout: 60_000 })
    await waitIdle(page)
    await shot('1-my-grid')

    const shown = await page.evaluate(async () => {
      const g = window.pinganMyGrid!.grid!
      const src = window.pinganMap!.getSource('officer-cells') as unknown as { getData(): Promise<{ features: Array<{ id: number }> }> }
      const [w, s, e, n] = g.cells.bbox!
      const sw = window.pinganMap!.project([w, s])
      const ne = window.pinganMap!.project([e, n])
      // Where the cells' box lies on the screen, and the part of the map not under the top bar or the sheet.
      const visible = { top: document.querySelector('.topbar')!.getBoundingClientRect().bottom, bottom: document.getElementById('officer-panel')!.getBoundingClientRect().top }
      return { ids: g.grid_ids, hazards: g.hazards.map((h) => h.id), mapCells: (await src.getData()).features.map((f) => f.id), box: { left: sw.x, bottom: sw.y, right: ne.x, top: ne.y }, visible }
    })
    // The cells the server scopes the account to (user_grid_cells, through /api/auth/me), no more.
    expect(shown.ids).toEqual(myCells)
    expect(shown.mapCells).toEqual(myCells)
    // Fitted: all of them in the part of the map the top bar and the sheet leave free.
    expect(shown.box.left).toBeGreaterThanOrEqual(0)
    expect(shown.box.right).toBeLessThanOrEqual(PHONE.width)
    expect(shown.box.top).toBeGreaterThanOrEqual(shown.visible.top)
    expect(shown.box.bottom).toBeLessThanOrEqual(shown.visible.bottom)
    expect(shown.hazards).not.toContain(foreign.body.id)
    // Patrol dosage in the hot spots of my cells (issue 18), as the API scopes it to the officer.
    await page.waitForSelector('.og-dosage ul, .og-dosage .og-hint:not(:empty)')
    const dosage = await api<{ bins: Array<{ i: number; j: number; days_met: number }> }>(officerCookie, `/api/analysis/dosage?from=${encodeURIComponent(new Date(Date.now() + 8 * 3_600_000 - 6 * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00+08:00')}&to=${encodeURIComponent(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10) + 'T23:59:59+08:00')}&hotspots=gi&cell=500&target=3`)
    expect(dosage.status).toBe(200)
    expect(await page.$$eval('.og-dosage li', (lis) => lis.map((li) => (li as HTMLElement).dataset.bin))).toEqual(dosage.body.bins.map((b) => `${b.i}:${b.j}`))
    // Every hazard listed lies in one of my cells by an independent point-in-polygon test.
    const mine = (await api<{ hazards: Array<{ id: number; lon: number; lat: number }> }>(officerCookie, '/api/officer/my-grid')).body.hazards
    expect(mine.length).toBeGreaterThan(0)
    for (const h of mine) expect(cellAt(h.lon, h.lat).some((c) => myCells.includes(Number(c.id))), `hazard ${h.id}`).toBe(true)
    // The officer cannot read it either.
    expect((await api(officerCookie, `/api/layers/hazards/features/${foreign.body.id}`)).status).toBe(404)
    const tabs = await page.textContent('.og-tabs')
    expect(tabs).toContain(`隐患 ${mine.length}`)
    // Big thumbs: every button of the sheet is at least 44 px both ways.
    const small = await page.$$eval('#officer-panel button, #officer-panel select, #officer-panel a', (els) =>
      els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.getBoundingClientRect()).filter((r) => r.width < 44 || r.height < 44).length)
    expect(small).toBe(0)
  }, 240_000)

  it('records a hazard at a tapped point: on the map and in the API with the right grid cell and officer', async () => {
    const description = `${MARK} tapped`
    const at = await recordHazard(description)
    // The phone's camera, played by a screenshot of the page (a PNG the page re-encodes as JPEG).
    const camera = await page.screenshot()
    await page.setInputFiles('.og-form input[name="photo"]', { name: 'photo.png', mimeType: 'image/png', buffer: camera })
    await shot('2-hazard-form')
    await page.click('.og-form button[type="submit"]')
    await expect.poll(async () => (await hazardsDescribed(description)).length, { timeout: 15_000 }).toBe(1)
    const [stored] = (await hazardsDescribed(description)) as Array<Feature<{ type: 'Point'; coordinates: number[] }, Record<string, any>>>
    const [lon, lat] = stored!.geometry.coordinates as [number, number]
    expect(lon).toBeCloseTo(at.lon, 6)
    expect(lat).toBeCloseTo(at.lat, 6)
    // The grid cell by point-in-polygon here, not the server's assignment.
    const holding = cellAt(lon, lat)
    expect(holding).toHaveLength(1)
    expect(stored!.properties.grid_id).toBe(Number(holding[0]!.id))
    expect(myCells).toContain(stored!.properties.grid_id)
    // The officer responsible for that cell, who is this account's officer.
    expect(stored!.properties.officer_id).toBe(holding[0]!.properties.officer_id)
    const me = (await api<{ officer: { officer_id: number } }>(officerCookie, '/api/officer/my-grid')).body.officer
    expect(stored!.properties.officer_id).toBe(me.officer_id)
    expect(stored!.properties.client_ref).toMatch(/^[0-9a-f-]{36}$/)
    // On the map and in the list.
    await page.waitForFunction((id) => window.pinganMyGrid!.grid!.hazards.some((h) => h.id === id), stored!.id, { timeout: 15_000 })
    await page.click('.og-tab[data-tab="hazards"]')
    await page.waitForSelector(`.og-item[data-kind="hazard"][data-id="${stored!.id}"]`)
    // The photo went with it, shrunk and re-encoded on the phone.
    await page.waitForSelector(`.og-item[data-id="${stored!.id}"] .og-photo-link`, { timeout: 15_000 })
    const photo = await fetch(`${e2e.url}/api/officer/hazards/${stored!.id}/photo`, { headers: { cookie: officerCookie.cookie } })
    expect(photo.status).toBe(200)
    expect(photo.headers.get('content-type')).toBe('image/jpeg')
    const jpeg = Buffer.from(await photo.arrayBuffer())
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])
    expect(jpeg.length).toBeGreaterThan(1000)
    const onMap = await page.evaluate(([x, y]) => window.pinganMap!.queryRenderedFeatures([[x! - 6, y! - 6], [x! + 6, y! + 6]], { layers: ['officer-items-circle'] }).map((f) => f.properties), [at.x, at.y])
    expect(onMap.some((p) => p.kind === 'hazard' && p.id === stored!.id)).toBe(true)
    await shot('3-hazard-recorded')
  }, 120_000)

  it('keeps an entry made offline and stores it exactly once when the network returns, even if the first answer is lost', async () => {
    const description = `${MARK} offline`
    await page.context().setOffline(true)
    const before = w.errors.length
    await recordHazard(description)
    await page.click('.og-form button[type="submit"]')
    await page.waitForSelector('.og-queue[data-pending="1"]')
    const queued = await page.evaluate(() => JSON.parse(Object.entries(localStorage).find(([k]) => k.startsWith('pingan.outbox.'))![1]) as Array<{ ref: string; state: string }>)
    expect(queued).toHaveLength(1)
    expect(queued[0]!.state).toBe('pending')
    expect(await hazardsDescribed(description)).toHaveLength(0)
    await shot('4-offline-queued')

    // Back online, but the answer to the first send is lost: the server stores it, the phone hears nothing.
    let lost = 0
    await page.route('**/api/layers/hazards/features', async (route) => {
      if (route.request().method() === 'POST' && lost === 0) {
        lost++
        await route.fetch()
        return route.abort('connectionreset')
      }
      return route.continue()
    })
    await page.context().setOffline(false)
    await expect.poll(async () => (await hazardsDescribed(description)).length, { timeout: 15_000 }).toBe(1)
    expect(lost).toBe(1)
    // Still waiting on the phone; the next send (here asked for at once, else every 15 s) is answered, not stored again.
    expect(await page.evaluate(() => window.pinganMyGrid!.outbox.pending.length)).toBe(1)
    await page.evaluate(() => window.pinganMyGrid!.outbox.flush())
    await page.waitForSelector('.og-queue[data-pending="0"]', { state: 'attached', timeout: 15_000 })
    const rows = await hazardsDescribed(description)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.properties!.client_ref).toBe(queued[0]!.ref)
    await page.waitForFunction((id) => window.pinganMyGrid!.grid!.hazards.some((h) => h.id === id), rows[0]!.id, { timeout: 15_000 })
    await page.unroute('**/api/layers/hazards/features')
    await shot('5-back-online-sent')
    // Only the offline requests and the lost answer failed in the console.
    expect(w.errors.slice(before).filter((e) => !/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_RESET|ERR_FAILED|Failed to fetch/.test(e))).toEqual([])
  }, 120_000)

  it('records a dispute, a ten-household report, a river patrol log and a patrol with its track', async () => {
    type Row = { id: number; geometry: { coordinates: any }; properties: Record<string, any> }
    const rows = async (layer: string, property: string, value: string) =>
      (await api<FeatureCollection>(admin, `/api/layers/${layer}/features?${property}=${encodeURIComponent(value)}`)).body.features as unknown as Row[]
    const sent = () => page.waitForSelector('.og-queue[data-pending="0"]', { state: 'attached', timeout: 15_000 })
    const me = (await api<{ officer: { officer_id: number }; household_units: Array<{ id: number; lon: number; lat: number }> }>(officerCookie, '/api/officer/my-grid')).body

    // A dispute at a tapped point.
    await page.click('.og-action[data-action="dispute"]')
    await page.selectOption('.og-form select[name="category"]', 'neighbour')
    await page.fill('.og-form input[name="parties"]', '0')
    await page.fill('.og-form textarea[name="description"]', `${MARK} dispute`)
    const d = await tapTarget()
    await page.mouse.click(d.x, d.y)
    await page.click('.og-form button[type="submit"]')
    expect(await page.textContent('.og-form')).toContain('当事人数应在 1–500 之间')
    await page.fill('.og-form input[name="parties"]', '3')
    await page.click('.og-form button[type="submit"]')
    await sent()
    await expect.poll(async () => (await rows('disputes', 'description', `${MARK} dispute`)).length, { timeout: 15_000 }).toBe(1)
    const [dispute] = await rows('disputes', 'description', `${MARK} dispute`)
    expect(dispute!.properties).toMatchObject({ category: 'neighbour', parties: 3, source: 'patrol', status: 'reported' })
    expect(myCells).toContain(dispute!.properties.grid_id)

    // A ten-household report: the unit chosen puts the location at the unit.
    const unit = me.household_units[0]!
    await page.click('.og-action[data-action="unitReport"]')
    await page.selectOption('.og-form select[name="household_unit_id"]', String(unit.id))
    await page.selectOption('.og-form select[name="category"]', 'family')
    await page.fill('.og-form textarea[name="description"]', `${MARK} unit report`)
    await page.click('.og-form button[type="submit"]')
    await sent()
    await expect.poll(async () => (await rows('disputes', 'description', `${MARK} unit report`)).length, { timeout: 15_000 }).toBe(1)
    const [report] = await rows('disputes', 'description', `${MARK} unit report`)
    expect(report!.properties).toMatchObject({ source: 'household_unit', household_unit_id: unit.id, category: 'family' })
    expect(report!.geometry.coordinates[0]).toBeCloseTo(unit.lon, 6)
    expect(report!.geometry.coordinates[1]).toBeCloseTo(unit.lat, 6)

    // A river patrol log along two tapped points.
    await page.click('.og-action[data-action="river"]')
    await page.fill('.og-form input[name="water_level_m"]', '2.35')
    await page.fill('.og-form textarea[name="observations"]', `${MARK} river`)
    const r1 = await tapTarget()
    await page.mouse.click(r1.x, r1.y)
    await page.click('.og-form button[type="submit"]')
    expect(await page.textContent('.og-location')).toContain('至少需要两个不同的点')
    const r2 = await tapTarget([[r1.x, r1.y]])
    await page.mouse.click(r2.x, r2.y)
    await shot('7-river-log')
    await page.click('.og-form button[type="submit"]')
    await sent()
    await expect.poll(async () => (await rows('river-patrols', 'observations', `${MARK} river`)).length, { timeout: 15_000 }).toBe(1)
    const [river] = await rows('river-patrols', 'observations', `${MARK} river`)
    expect(river!.properties.water_level_m).toBeCloseTo(2.35, 5)
    expect(river!.geometry.coordinates).toHaveLength(2)

    // A patrol: the phone's positions while it is on make its track.
    const start = await tapTarget()
    const track: Array<[number, number]> = [0, 1, 2].map((k) => [Number((start.lon + k * 0.0004).toFixed(7)), Number((start.lat + k * 0.0002).toFixed(7))])
    await page.context().setGeolocation({ longitude: track[0]![0], latitude: track[0]![1], accuracy: 10 })
    await page.click('.og-action[data-action="patrolStart"]')
    await page.click('.og-form button[type="submit"]')
    for (let k = 1; k < track.length; k++) {
      // The next position once the previous one is on the track.
      await page.waitForFunction((n) => (window.pinganMyGrid!.tracker.current?.track.length ?? 0) >= n, k, { timeout: 10_000 })
      await page.context().setGeolocation({ longitude: track[k]![0], latitude: track[k]![1], accuracy: 10 })
    }
    await page.waitForFunction((n) => (window.pinganMyGrid!.tracker.current?.track.length ?? 0) >= n, track.length, { timeout: 10_000 })
    await shot('8-patrol-on')
    await page.click('.og-action[data-action="patrol"]')
    await page.fill('.og-form textarea[name="notes"]', `${MARK} patrol`)
    await page.click('.og-form button[type="submit"]')
    await sent()
    await expect.poll(async () => (await rows('patrols', 'notes', `${MARK} patrol`)).length, { timeout: 15_000 }).toBe(1)
    const [patrol] = await rows('patrols', 'notes', `${MARK} patrol`)
    expect(patrol!.geometry.coordinates).toEqual(track)
    expect(patrol!.properties).toMatchObject({ kind: 'foot', officer_id: me.officer.officer_id })
    expect(Date.parse(patrol!.properties.ended_at)).toBeGreaterThan(Date.parse(patrol!.properties.started_at))
  }, 120_000)

  it('moves a hazard along its lifecycle with a note', async () => {
    const [h] = await hazardsDescribed(`${MARK} tapped`)
    await page.click('.og-tab[data-tab="hazards"]')
    await page.click(`.og-item[data-id="${h!.id}"] .og-move`)
    await page.waitForSelector('.og-choice[data-status="verified"]')
    await page.click('.og-lifecycle button[type="submit"]')
    expect(await page.textContent('.og-lifecycle')).toContain('请填写')
    await page.click('.og-choice[data-status="verified"]')
    await page.fill('.og-lifecycle textarea[name="reason"]', '现场核实：井盖缺失')
    await shot('6-lifecycle')
    await page.click('.og-lifecycle button[type="submit"]')
    await expect.poll(async () => (await api<{ status: string; history: Array<{ to: string; reason: string }> }>(officerCookie, `/api/layers/hazards/features/${h!.id}/transitions`)).body, { timeout: 10_000 })
      .toMatchObject({ status: 'verified', history: [{ to: 'verified', reason: '现场核实：井盖缺失' }] })
    await page.waitForFunction((id) => window.pinganMyGrid!.grid!.hazards.find((x) => x.id === id)?.status === 'verified', h!.id, { timeout: 10_000 })
    expect(w.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_RESET|ERR_FAILED|Failed to fetch/.test(e))).toEqual([])
    expect(w.external).toEqual([])
    await page.close()
  }, 60_000)
})
