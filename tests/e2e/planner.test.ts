import path from 'node:path'
import type { Polygon, Position } from 'geojson'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { WorkloadPreview as Preview } from '../../client/src/planner/planner-api.ts'
import { e2eSession, SHOTS, waitIdle, type WatchedPage } from './page-helpers.ts'

const PORT = 3957
const DESK = { width: 1280, height: 800 } as const
const PLANNER = { username: 'planner', password: 'pingan-planner' }
const NAME = 'E2E 规划巡区'

/**
 * The planner in Chromium at a desktop size: draws a zone by clicks, reads the live workload
 * (checked against the API's own preview and the saved zone's row of the workload endpoint),
 * saves, reloads and finds it; a stale save shows the conflict with a reload; a bow tie is
 * refused with the reason and the spot ringed on the map.
 */
describe('the planner in Chromium', () => {
  const e2e = e2eSession('planner', { port: PORT })
  let cookie = ''
  let csrf = ''
  let station = 0
  let centre: Position = [0, 0]
  let w: WatchedPage
  let savedId = 0

  async function api<T>(p: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(`${e2e.url}${p}`, { ...init, headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf, ...init.headers } })
    return { status: res.status, body: (await res.json().catch(() => null)) as T }
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `planner-${name}.png`) })
  const signIn = async (page: Page) => {
    const r = await page.request.post(`${e2e.url}/api/auth/login`, { data: PLANNER })
    expect(r.status()).toBe(200)
  }
  /** The page's pixel of a lon/lat (the map canvas fills the page). */
  const pixel = (page: Page, p: Position) => page.evaluate(([lon, lat]) => window.pinganMap!.project([lon!, lat!]), p)
  const zonesWithName = async (name: string) => (await api<{ features: Array<{ id: number; properties: { version: number } }> }>(`/api/layers/patrol-zones/features?name=${encodeURIComponent(name)}`)).body.features
  const previewOnPage = (page: Page) => page.evaluate(() => window.pinganPlanner!.lastPreview)
  const selectedGeometry = (page: Page) => page.evaluate(() => window.pinganPlanner!.geometryOf(window.pinganPlanner!.selected!) as Polygon | null)
  /** Console errors but the refusals this file provokes (Chromium logs every 4xx answer of a fetch). */
  const unexpected = (errors: string[]) => errors.filter((e) => !/status of (409|422) .*\/api\/(layers\/patrol-zones\/features|analysis\/workload\/preview)/.test(e))

  beforeAll(async () => {
    const login = await fetch(`${e2e.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(PLANNER) })
    expect(login.status).toBe(200)
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!
    csrf = ((await login.json()) as { csrfToken: string }).csrfToken
    // The zone with the most open hazards; the map is centred on one of them.
    const work = await api<{ zones: Array<{ id: number; station_id: number; hazards_open: number }> }>('/api/analysis/workload')
    const busiest = [...work.body.zones].sort((a, b) => b.hazards_open - a.hazards_open)[0]!
    const zone = await api<{ geometry: Polygon }>(`/api/layers/patrol-zones/features/${busiest.id}`)
    const xs = zone.body.geometry.coordinates[0]!.map((p) => p[0]!)
    const ys = zone.body.geometry.coordinates[0]!.map((p) => p[1]!)
    const hazards = await api<{ features: Array<{ geometry: { coordinates: Position }; properties: { status: string } }> }>(
      `/api/layers/hazards/features?bbox=${Math.min(...xs)},${Math.min(...ys)},${Math.max(...xs)},${Math.max(...ys)}&limit=200`,
    )
    centre = hazards.body.features.find((h) => h.properties.status !== 'eliminated')!.geometry.coordinates
    // The page opens on the station owning the grid cell at the map centre (as the responsibility lookup finds it); the test plans for that one.
    station = (await api<{ station: { id: number } }>(`/api/analysis/responsible?lon=${centre[0]}&lat=${centre[1]}`)).body.station.id
  })

  const openPlanner = async () => {
    const opened = await e2e.open(DESK, `#map=13.00/${centre[1]}/${centre[0]}&layers=admin-areas,grid-cells&lang=zh&plan=1`, signIn, PLANNER)
    await opened.page.waitForSelector('#planner-panel[data-open="true"] .pl-status[data-loaded="true"]', { timeout: 30_000 })
    return opened
  }

  it('draws a zone by clicks, shows its workload as the API computes it, saves it, and finds it after a reload', async () => {
    w = await openPlanner()
    const { page } = w
    // The station owning the map centre is loaded first.
    expect(await page.inputValue('[data-plan="station"]')).toBe(String(station))
    await page.click('[data-tool="zone"]')
    const c = await pixel(page, centre)
    // Drawn left of the panel: the square's corners, then the first corner again to close it.
    const corners: Array<[number, number]> = [[c.x - 130, c.y - 120], [c.x + 120, c.y - 130], [c.x + 130, c.y + 120], [c.x - 120, c.y + 130]]
    for (const [x, y] of [...corners, corners[0]!]) await page.mouse.click(x, y)
    await page.waitForFunction(() => window.pinganPlanner?.selected?.layer === 'patrol-zones' && document.querySelector('[data-kpi="households"]') !== null, undefined, { timeout: 15_000 })
    const geometry = (await selectedGeometry(page))!
    expect(geometry.type).toBe('Polygon')
    expect(geometry.coordinates[0]).toHaveLength(5)
    // The panel shows what the API answers for that geometry and period.
    const shown = (await previewOnPage(page)) as Preview
    const period = await page.evaluate(() => [(document.querySelectorAll('.panel-planner input[type=date]')[0] as HTMLInputElement).value, (document.querySelectorAll('.panel-planner input[type=date]')[1] as HTMLInputElement).value])
    const from = `${period[0]}T00:00:00+08:00`
    const to = `${period[1]}T23:59:59+08:00`
    const asked = await api<Preview>('/api/analysis/workload/preview', { method: 'POST', body: JSON.stringify({ geometry, station_id: station, from, to }) })
    expect(asked.status).toBe(200)
    for (const k of ['households', 'household_units', 'hazards_open', 'disputes', 'schools', 'guard_posts'] as const) expect(shown[k], k).toBe(asked.body[k])
    expect(shown.area_m2).toBeCloseTo(asked.body.area_m2, 3)
    expect(shown.hazards_open).toBeGreaterThanOrEqual(1)
    const kpi = (name: string) => page.textContent(`[data-kpi="${name}"]`)
    expect(await kpi('hazards_open')).toBe(String(asked.body.hazards_open))
    expect(await kpi('area_km2')).toBe((asked.body.area_m2 / 1e6).toFixed(3))
    expect(await kpi('covered_share')).toBe(`${(asked.body.covered_share * 100).toFixed(1)}%`)
    await shot(page, '1-drawn')

    await page.fill('[data-prop="name"]', NAME)
    await page.click('[data-plan="save"]')
    await page.waitForSelector('[data-plan="message"][data-tone="ok"]', { timeout: 15_000 })
    const saved = await zonesWithName(NAME)
    expect(saved).toHaveLength(1)
    savedId = saved[0]!.id
    // The saved zone's row of the workload endpoint (workload.ts, not the preview) agrees with the panel.
    const rows = await api<{ zones: Array<Record<string, number>> }>(`/api/analysis/workload?station=${station}&datetime=${encodeURIComponent(`${from}/${to}`)}`)
    const row = rows.body.zones.find((z) => z.id === savedId)!
    expect({ households: row.households, household_units: row.household_units, hazards_open: row.hazards_open, disputes: row.disputes, schools: row.schools, guard_posts: row.guard_posts }).toEqual({
      households: shown.households, household_units: shown.household_units, hazards_open: shown.hazards_open, disputes: shown.disputes, schools: shown.schools, guard_posts: shown.guard_posts,
    })
    expect(row.area_km2).toBeCloseTo(shown.area_m2 / 1e6, 3)
    await page.waitForSelector(`[data-plan="table"] tr[data-zone="${savedId}"]`)
    await shot(page, '2-saved')
    await page.reload()
    await page.waitForSelector('body[data-map-ready="true"]', { timeout: 150_000 })
    await page.waitForSelector('.pl-status[data-loaded="true"]', { timeout: 30_000 })
    // The same view opens the same station, its new zone among the loaded ones.
    expect(await page.inputValue('[data-plan="station"]')).toBe(String(station))
    await page.waitForFunction((id) => window.pinganPlanner!.items.some((i) => i.serverId === id), savedId, { timeout: 15_000 })
    await page.waitForSelector(`[data-plan="table"] tr[data-zone="${savedId}"]`)
    expect(await page.textContent(`[data-plan="table"] tr[data-zone="${savedId}"]`)).toContain(NAME)
    await shot(page, '3-reloaded')
    expect(unexpected(w.errors)).toEqual([])
  })

  it('shows a conflict when the zone changed since it was loaded, and reloads the saved version on request', async () => {
    const { page } = w
    await page.click(`[data-plan="table"] tr[data-zone="${savedId}"] button`)
    await page.waitForFunction((id) => window.pinganPlanner!.selected?.serverId === id, savedId)
    const loadedVersion = await page.evaluate(() => window.pinganPlanner!.selected!.version!)
    // Its header names it (never "#id"), with its version.
    const header = await page.textContent('.pl-selected')
    expect(header).toContain(NAME)
    expect(header).toContain(String(loadedVersion))
    expect(header).not.toContain(`#${savedId}`)
    // Someone else renames it meanwhile.
    const other = await api<{ properties: { version: number } }>(`/api/layers/patrol-zones/features/${savedId}`, { method: 'PATCH', body: JSON.stringify({ version: loadedVersion, properties: { name: `${NAME} 他人修改` } }) })
    expect(other.status).toBe(200)
    await page.fill('[data-prop="name"]', `${NAME} 我的修改`)
    await page.click('[data-plan="save"]')
    await page.waitForSelector('[data-plan="message"][data-conflict="true"]', { timeout: 15_000 })
    expect(await page.textContent('[data-plan="message"]')).toContain(`版本 ${other.body.properties.version}`)
    await shot(page, '4-conflict')
    // Nothing of mine was written.
    expect((await api<{ properties: { name: string } }>(`/api/layers/patrol-zones/features/${savedId}`)).body.properties.name).toBe(`${NAME} 他人修改`)
    await page.click('[data-plan="message"] button:first-of-type')
    await page.waitForFunction((v) => window.pinganPlanner!.selected?.version === v, other.body.properties.version)
    expect(await page.inputValue('[data-prop="name"]')).toBe(`${NAME} 他人修改`)
    expect(unexpected(w.errors)).toEqual([])
  })

  it('refuses a self-intersecting zone with the reason, rings the spot on the map, and saves nothing', async () => {
    const { page } = w
    // Snapping off: the crossing must be where the clicks put it.
    await page.uncheck('[data-plan="snap"]')
    await page.click('[data-tool="zone"]')
    const c = await pixel(page, centre)
    // A bow tie: top-left → bottom-right → top-right → bottom-left; its edges cross at the centre.
    const pts: Array<[number, number]> = [[c.x - 100, c.y - 100], [c.x + 100, c.y + 100], [c.x + 100, c.y - 100], [c.x - 100, c.y + 100]]
    for (const [x, y] of [...pts, pts[0]!]) await page.mouse.click(x, y)
    await page.waitForFunction(() => window.pinganPlanner?.selected?.layer === 'patrol-zones' && !window.pinganPlanner.selected.serverId)
    await page.fill('[data-prop="name"]', `${NAME} 蝴蝶结`)
    await page.click('[data-plan="save"]')
    await page.waitForSelector('[data-plan="message"][data-tone="error"]', { timeout: 15_000 })
    const message = await page.textContent('[data-plan="message"]')
    // Why, in the UI's language (never the server's English words).
    expect(message).toMatch(/几何无效：边线自相交/)
    expect(message).not.toMatch(/[A-Za-z]{4}/)
    // The spot the server names is where the two edges cross, worked out here from the drawn corners.
    const g = (await selectedGeometry(page))!
    const cross = ringCrossing(g.coordinates[0]! as Array<[number, number]>)
    const at = (await page.evaluate(() => window.pinganPlanner!.problemAt))!
    expect(at[0]).toBeCloseTo(cross[0], 6)
    expect(at[1]).toBeCloseTo(cross[1], 6)
    // …and the ring is drawn there.
    await waitIdle(page)
    const ringed = await page.evaluate(([lon, lat]) => {
      const m = window.pinganMap!
      return m.queryRenderedFeatures(m.project([lon!, lat!]), { layers: ['planner-problem-halo'] }).length
    }, at)
    expect(ringed).toBe(1)
    await waitIdle(page)
    await shot(page, '5-invalid')
    expect(await zonesWithName(`${NAME} 蝴蝶结`)).toEqual([])
    expect(unexpected(w.errors)).toEqual([])
  })

  it('splits a saved zone along a drawn line, undoes and redoes it, merges the parts back, saves, and restores the first version from the history', async () => {
    const { page } = w
    // The bow tie of the test before goes, unsaved.
    await page.click('[data-plan="delete"]')
    // …and with it the refusal and the ring that were about it.
    expect(await page.textContent('[data-plan="message"]')).toBe('')
    expect(await page.evaluate(() => window.pinganPlanner!.problemAt)).toBeNull()
    await page.click(`[data-plan="table"] tr[data-zone="${savedId}"] button`)
    await page.waitForFunction((id) => window.pinganPlanner!.selected?.serverId === id, savedId)
    const zones = () => page.evaluate(() => window.pinganPlanner!.items.filter((i) => i.layer === 'patrol-zones').map((i) => ({ serverId: i.serverId ?? null, name: String(i.props.name), geometry: window.pinganPlanner!.geometryOf(i) as Polygon })))
    const before = await zones()
    const original = (await selectedGeometry(page))!
    const whole = ringArea(original.coordinates[0]!)
    // A cut from above the zone to below it, through its middle.
    const xs = original.coordinates[0]!.map((q) => q[0]!)
    const ys = original.coordinates[0]!.map((q) => q[1]!)
    const midLon = (Math.min(...xs) + Math.max(...xs)) / 2
    const top = await pixel(page, [midLon, Math.max(...ys)])
    const bottom = await pixel(page, [midLon, Math.min(...ys)])
    await page.click('[data-tool="split"]')
    await page.mouse.click(top.x, top.y - 40)
    await page.mouse.click(bottom.x, bottom.y + 40)
    await page.mouse.click(bottom.x, bottom.y + 40)
    await page.keyboard.press('Enter').catch(() => undefined)
    await expect.poll(async () => (await zones()).length, { timeout: 15_000 }).toBe(before.length + 1)
    const split = await zones()
    const kept = split.find((z) => z.serverId === savedId)!
    const part = split.find((z) => !before.some((b) => b.name === z.name))!
    expect(part.name).toMatch(/\(2\)$/)
    // The two parts make the whole (PostGIS cut it; the areas are summed here).
    expectSameArea(ringArea(kept.geometry.coordinates[0]!) + ringArea(part.geometry.coordinates[0]!), whole)
    expect(ringArea(kept.geometry.coordinates[0]!)).toBeLessThan(whole * 0.9)
    await shot(page, '6-split')

    await page.click('[data-plan="undo"]')
    await expect.poll(async () => (await zones()).length).toBe(before.length)
    expectSameArea(ringArea((await zones()).find((z) => z.serverId === savedId)!.geometry.coordinates[0]!), whole)
    await page.click('[data-plan="redo"]')
    await expect.poll(async () => (await zones()).length).toBe(before.length + 1)
    // The step's zone is selected again: it can be saved at once.
    await page.waitForFunction((id) => window.pinganPlanner!.selected?.serverId === id, savedId)
    expect(await page.isEnabled('[data-plan="save"]')).toBe(true)

    // Merge: the kept part selected, then a click inside the other part.
    await page.click(`[data-plan="table"] tr[data-zone="${savedId}"] button`)
    await page.waitForFunction((id) => window.pinganPlanner!.selected?.serverId === id, savedId)
    await page.click('[data-tool="merge"]')
    const other = (await zones()).find((z) => z.name === part.name)!.geometry.coordinates[0]!
    const inside = await pixel(page, [other.slice(0, -1).reduce((a, q) => a + q[0]!, 0) / (other.length - 1), other.slice(0, -1).reduce((a, q) => a + q[1]!, 0) / (other.length - 1)])
    await page.mouse.click(inside.x, inside.y)
    await expect.poll(async () => (await zones()).length, { timeout: 15_000 }).toBe(before.length)
    const merged = (await zones()).find((z) => z.serverId === savedId)!
    expectSameArea(ringArea(merged.geometry.coordinates[0]!), whole)
    await page.click('[data-plan="save"]')
    await page.waitForSelector('[data-plan="message"][data-tone="ok"]', { timeout: 15_000 })
    const stored = await api<{ geometry: Polygon; properties: { version: number; name: string } }>(`/api/layers/patrol-zones/features/${savedId}`)
    expectSameArea(ringArea(stored.body.geometry.coordinates[0]!), whole)
    await shot(page, '7-merged')

    // History, newest first: restore the oldest (the zone as first saved, under its first name).
    await page.waitForSelector('[data-plan="history"] li:last-child [data-plan="restore"]', { timeout: 15_000 })
    const entries = await page.$$('[data-plan="history"] li')
    expect(entries.length).toBeGreaterThanOrEqual(3)
    await page.click('[data-plan="history"] li:last-child [data-plan="restore"]')
    await page.waitForSelector('[data-plan="message"][data-tone="ok"]', { timeout: 15_000 })
    const restored = await api<{ geometry: Polygon; properties: { version: number; name: string } }>(`/api/layers/patrol-zones/features/${savedId}`)
    expect(restored.body.properties.name).toBe(NAME)
    expect(restored.body.properties.version).toBe(stored.body.properties.version + 1)
    expectSameArea(ringArea(restored.body.geometry.coordinates[0]!), whole)
    expect(await page.inputValue('[data-prop="name"]')).toBe(NAME)
    expect(unexpected(w.errors)).toEqual([])
  })

  it('over 北寿街道 opens the 分局 that owns it, lists every station and branch by name, and saves a drawn zone to it', async () => {
    const beishou = [125.145, 42.9] as const
    const owner = (await api<{ station: { id: number; name: string } }>(`/api/analysis/responsible?lon=${beishou[0]}&lat=${beishou[1]}`)).body.station
    expect(owner.name).toMatch(/分局$/)
    // Every unit that owns grid cells or patrol zones, from the layers themselves.
    const owning = new Set<number>()
    for (const layer of ['grid-cells', 'patrol-zones']) {
      const fc = await api<{ features: Array<{ properties: { station_id: number } }> }>(`/api/layers/${layer}/features?limit=10000`)
      for (const f of fc.body.features) owning.add(f.properties.station_id)
    }
    const p = await e2e.open(DESK, `#map=13/${beishou[1]}/${beishou[0]}&layers=admin-areas,grid-cells&lang=zh&plan=1`, signIn, PLANNER)
    const { page } = p
    await page.waitForSelector('#planner-panel[data-open="true"] .pl-status[data-loaded="true"]', { timeout: 30_000 })
    expect(await page.inputValue('[data-plan="station"]')).toBe(String(owner.id))
    const options = await page.$$eval('[data-plan="station"] option', (os) => os.map((o) => ({ id: Number((o as HTMLOptionElement).value), name: o.textContent })))
    expect(new Set(options.map((o) => o.id))).toEqual(owning)
    expect(options.filter((o) => o.name!.endsWith('分局'))).toHaveLength(8)
    expect(options.every((o) => o.name && !/#\d/.test(o.name))).toBe(true)
    // A zone drawn here belongs to the unit chosen (its team named after it).
    await page.click('[data-tool="zone"]')
    const c = await pixel(page, [beishou[0], beishou[1]])
    const corners: Array<[number, number]> = [[c.x - 60, c.y - 50], [c.x + 50, c.y - 60], [c.x + 60, c.y + 50], [c.x - 50, c.y + 60]]
    for (const [x, y] of [...corners, corners[0]!]) await page.mouse.click(x, y)
    await page.waitForFunction(() => window.pinganPlanner?.selected?.layer === 'patrol-zones' && !window.pinganPlanner.selected.serverId, undefined, { timeout: 15_000 })
    await page.fill('[data-prop="name"]', `${NAME} 北寿`)
    await page.click('[data-plan="save"]')
    await page.waitForSelector('[data-plan="message"][data-tone="ok"]', { timeout: 15_000 })
    const [saved] = await zonesWithName(`${NAME} 北寿`)
    const stored = await api<{ properties: { station_id: number; team: string } }>(`/api/layers/patrol-zones/features/${saved!.id}`)
    expect(stored.body.properties.station_id).toBe(owner.id)
    expect(stored.body.properties.team).toBe(`${owner.name.replace(/^.*公安局/, '').replace(/分局$/, '')}巡逻组`)
    await shot(page, '8-beishou-branch')
    expect(unexpected(p.errors)).toEqual([])
    await page.close()
  })

  it('imports a GPX track as a new route of the zone, point for point', async () => {
    const { page } = w
    const track: Array<[number, number]> = [[centre[0]! - 0.004, centre[1]! - 0.002], [centre[0]!, centre[1]! + 0.001], [centre[0]! + 0.005, centre[1]! + 0.002]]
    const gpx = `<?xml version="1.0"?><gpx version="1.1" creator="e2e"><trk><name>巡逻</name><trkseg>${track
      .map(([lon, lat], i) => `<trkpt lat="${lat}" lon="${lon}"><time>2026-11-01T0${i}:00:00Z</time></trkpt>`)
      .join('')}</trkseg></trk></gpx>`
    await page.setInputFiles('[data-plan="import-file"]', { name: '东吉夜巡.gpx', mimeType: 'application/gpx+xml', buffer: Buffer.from(gpx) })
    await page.waitForFunction(() => window.pinganPlanner!.selected?.layer === 'patrol-routes', undefined, { timeout: 15_000 })
    expect(await page.getAttribute('[data-plan="message"]', 'data-tone')).toBe('ok')
    const line = (await page.evaluate(() => window.pinganPlanner!.geometryOf(window.pinganPlanner!.selected!))) as { type: string; coordinates: Position[] }
    expect(line.type).toBe('LineString')
    expect(line.coordinates).toHaveLength(3)
    line.coordinates.forEach((q, i) => {
      expect(q[0]).toBeCloseTo(track[i]![0], 6)
      expect(q[1]).toBeCloseTo(track[i]![1], 6)
    })
    expect(await page.evaluate(() => window.pinganPlanner!.selected!.props.name)).toBe('东吉夜巡')
    expect(unexpected(w.errors)).toEqual([])
  })
})

/** Equal areas, to a millionth (the map keeps coordinates to 9 decimals, so a redrawn vertex moves by up to 1e-9°). */
function expectSameArea(a: number, b: number): void {
  expect(Math.abs(a - b) / b).toBeLessThan(1e-6)
}

/** A ring's area in square degrees (shoelace): enough to compare parts with their whole. */
function ringArea(ring: Position[]): number {
  let a = 0
  for (let i = 0; i + 1 < ring.length; i++) a += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!
  return Math.abs(a) / 2
}

/** Where two non-adjacent edges of a ring cross (lon/lat as a plane, as GEOS takes them). */
function ringCrossing(ring: Array<[number, number]>): [number, number] {
  const n = ring.length - 1
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue
      const [a, b, c, d] = [ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!]
      const r = [b[0] - a[0], b[1] - a[1]] as const
      const s = [d[0] - c[0], d[1] - c[1]] as const
      const den = r[0] * s[1] - r[1] * s[0]
      if (den === 0) continue
      const u = ((c[0] - a[0]) * s[1] - (c[1] - a[1]) * s[0]) / den
      const v = ((c[0] - a[0]) * r[1] - (c[1] - a[1]) * r[0]) / den
      if (u > 0 && u < 1 && v > 0 && v < 1) return [a[0] + u * r[0], a[1] + u * r[1]]
    }
  }
  throw new Error('the ring does not cross itself')
}
