import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { DESKTOP, e2eSession, PHONE, SHOTS, waitIdle as waitIdleMap, WALL, type WatchedPage } from './page-helpers.ts'

const PORT = 3953
/** The live layer's sprites (client/src/live/icon-atlas.ts): an e-bike in its colour, and greyed when stale. */
const EBIKE = 'ebike'
const EBIKE_STALE = 'ebike-stale'
const CITY = [125.14, 42.9] as const

interface UnitRow {
  code: string
  callsign: string
  zone_id: number | null
  ts: string | null
  lon: number | null
  lat: number | null
}

describe('the live command view in Chromium', () => {
  let tokens: Record<string, string>
  let cookie = ''
  const e2e = e2eSession('live', {
    port: PORT,
    env: { ALERT_INTERVAL_S: '2' },
    setup: async (s) => {
      const csv = readFileSync(path.join(s.dataDir, 'unit-tokens.csv'), 'utf8').trim().split('\n').slice(1)
      tokens = Object.fromEntries(csv.map((line) => line.split(',') as [string, string]))
      const login = await fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'command', password: 'pingan-command' }) })
      expect(login.status).toBe(200)
      cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!
    },
  })

  /** Every direct API call of this file goes through here, as the command demo account (its session cookie). */
  async function api<T>(p: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(`${e2e.url}${p}`, { ...init, headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...init.headers } })
    return { status: res.status, body: (await res.json().catch(() => null)) as T }
  }
  /** A unit reports through the ingest API with its own device token. */
  const report = (code: string, lon: number, lat: number, ts = new Date().toISOString(), heading = 90) =>
    fetch(`${e2e.url}/api/live/positions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[code]}` },
      body: JSON.stringify([{ unit: code, ts, lon, lat, speed: 4, heading }]),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { accepted: number } }))
  const unitRow = async (code: string) => (await api<{ units: UnitRow[] }>('/api/live/units')).body.units.find((u) => u.code === code)!
  /**
   * Signed in before the page loads (the session cookie is shared with the page), so the page
   * never asks /api/auth/me signed out: Chromium logs that 401 as a console error.
   */
  const signIn = async (page: Page) => {
    const r = await page.request.post(`${e2e.url}/api/auth/login`, { data: { username: 'command', password: 'pingan-command' } })
    expect(r.status()).toBe(200)
  }
  const open = async (viewport: { width: number; height: number }, hash: string): Promise<WatchedPage> => {
    const w = await e2e.open(viewport, hash, signIn)
    await w.page.waitForSelector('.live-conn[data-state="connected"]', { timeout: 30_000 })
    return w
  }

  /** Where the live layer draws unit `code` and with which sprite (read from the deck layer's binary attributes and its getIcon). */
  const drawn = (page: Page, code: string) =>
    page.evaluate((c) => {
      const live = window.pinganLive!
      const i = live.store.indexOf(c)
      type Attr = { value: Float32Array | Uint8Array }
      type Props = { visible: boolean; data: { length: number; attributes: Record<string, Attr> }; getIcon(o: null, info: { index: number }): string }
      const deck = (window.pinganDeck as unknown as { _deck: { layerManager: { getLayers(): Array<{ id: string; props: Props }> } } })._deck
      const layer = deck.layerManager.getLayers().find((l) => l.id === 'live-units')
      if (!layer || !layer.props.visible || i < 0 || i >= layer.props.data.length) return null
      const pos = layer.props.data.attributes.getPosition!.value
      return { lon: pos[2 * i]!, lat: pos[2 * i + 1]!, icon: layer.props.getIcon(null, { index: i }), index: i }
    }, code)

  it('moves a unit on the map within two seconds of its report, and the icon is what is under the pixel', async () => {
    const { page, errors, external } = await open(WALL, `#map=15.00/${CITY[1]}/${CITY[0]}&layers=admin-areas,grid-cells&lang=zh&live=1`)
    const p1: [number, number] = [125.1372, 42.9013]
    const t0 = Date.now()
    expect((await report('EB001', ...p1)).body.accepted).toBe(1)
    await page.waitForFunction(([lon, lat]) => {
      const w = window as unknown as { pinganLive?: { store: { indexOf(c: string): number; unit(i: number): { lon: number; lat: number } | null } } }
      const u = w.pinganLive?.store.unit(w.pinganLive.store.indexOf('EB001'))
      return !!u && Math.abs(u.lon - lon!) < 1e-5 && Math.abs(u.lat - lat!) < 1e-5
    }, p1, { timeout: 10_000, polling: 50 })
    // …and the layer has been redrawn with it (batched, 250–800 ms apart as the frames allow).
    await expect.poll(async () => (await drawn(page, 'EB001'))?.lon, { timeout: 5000, interval: 50 }).toBeCloseTo(p1[0], 5)
    const elapsed = Date.now() - t0
    expect(elapsed).toBeLessThan(2500)
    const at1 = await drawn(page, 'EB001')
    expect(at1!.lat).toBeCloseTo(p1[1], 5)
    expect(at1!.icon).toBe(EBIKE)

    const p2: [number, number] = [125.1391, 42.9021]
    await report('EB001', ...p2, new Date(Date.now() + 1000).toISOString(), 45)
    await expect.poll(async () => (await drawn(page, 'EB001'))?.lon, { timeout: 5000, interval: 50 }).toBeCloseTo(p2[0], 5)
    // deck.gl picks what it has drawn: under load (software WebGL beside the API suites) the frame with
    // the new position can come a while after the attributes changed, so ask again until it has.
    const pick = () =>
      page.evaluate(([lon, lat]) => {
        const xy = window.pinganMap!.project([lon!, lat!])
        const info = (window.pinganDeck as unknown as { pickObject(o: object): { layer?: { id: string }; index: number } | null }).pickObject({ x: xy.x, y: xy.y, radius: 2 })
        return info ? { layer: info.layer?.id, index: info.index, x: xy.x, y: xy.y } : null
      }, p2)
    await expect.poll(pick, { timeout: 15_000, interval: 250 }).toMatchObject({ layer: 'live-units', index: at1!.index })
    const picked = await pick()
    // Click it: the unit card names the unit and its last report.
    await page.mouse.click(picked!.x, picked!.y)
    // Under load (software WebGL beside the API suites) the click's pick waits for a frame too.
    await page.waitForSelector('.live-card[data-unit="EB001"]:not([hidden])', { timeout: 15_000 })
    const card = await page.textContent('.live-card')
    const row = await unitRow('EB001')
    expect(card).toContain(row.callsign)
    expect(card).toMatch(/最后上报\d+ 秒前/)
    expect(card).toContain('14.4 公里/时')
    await page.screenshot({ path: path.join(SHOTS, 'live-wall-units.png') })
    expect(errors).toEqual([])
    expect(external).toEqual([])
    await page.close()
  })

  it('greys a unit once its last report is two minutes old, with no event arriving', async () => {
    const { page, errors } = await open(DESKTOP, `#map=15.00/${CITY[1]}/${CITY[0]}&layers=admin-areas&lang=zh&live=1`)
    // EB002 reports once, 105 s old (after its seeded report): the page draws it in colour, and
    // with nothing more arriving for it, grey once it is two minutes old.
    const seeded = await unitRow('EB002')
    const ts = new Date(Math.max(Date.now() - 105_000, Date.parse(seeded.ts!) + 1000))
    expect((await report('EB002', CITY[0] + 0.002, CITY[1] - 0.001, ts.toISOString())).body.accepted).toBe(1)
    await expect.poll(async () => (await drawn(page, 'EB002'))?.lon, { timeout: 5000, interval: 50 }).toBeCloseTo(CITY[0] + 0.002, 5)
    const staleAt = ts.getTime() + 120_000
    expect(Date.now()).toBeLessThan(staleAt - 1500)
    expect((await drawn(page, 'EB002'))!.icon).toBe(EBIKE)
    await page.waitForTimeout(Math.max(0, staleAt - Date.now() + 1500))
    expect((await drawn(page, 'EB002'))!.icon).toBe(EBIKE_STALE)
    // Every unit of the API whose report is over 2 min old is grey; every fresh one is coloured.
    const units = (await api<{ units: UnitRow[] }>('/api/live/units')).body.units.filter((u) => u.ts)
    const now = Date.now()
    for (const u of units) {
      const age = now - Date.parse(u.ts!)
      if (Math.abs(age - 120_000) < 3000) continue
      const d = await drawn(page, u.code)
      expect(d, u.code).not.toBeNull()
      expect(d!.icon.endsWith('-stale'), `${u.code} ${Math.round(age / 1000)} s old`).toBe(age > 120_000)
    }
    expect(await page.textContent('.live-counts')).toMatch(/超时 \d+/)
    expect(errors).toEqual([])
    await page.close()
  })

  it('lists a new alert in the feed; clicking it flies the map there; acknowledging it calls the API', async () => {
    const { page, errors, external } = await open(DESKTOP, `#map=12.50/${CITY[1]}/${CITY[0]}&layers=admin-areas&lang=zh&live=1`)
    const unit = await unitRow('EB006')
    const zone = (await api<{ bbox?: number[]; geometry: { coordinates: number[][][] } }>(`/api/layers/patrol-zones/features/${unit.zone_id}`)).body
    const xs = zone.geometry.coordinates[0]!.map((c) => c[0]!)
    const ys = zone.geometry.coordinates[0]!.map((c) => c[1]!)
    // 0.02° east of the zone's eastern edge: about 1.6 km outside it.
    const away: [number, number] = [Math.max(...xs) + 0.02, (Math.min(...ys) + Math.max(...ys)) / 2]
    expect((await report('EB006', ...away)).body.accepted).toBe(1)
    const item = page.locator('.live-item.live-alerts.open', { hasText: unit.callsign })
    await item.first().waitFor({ timeout: 20_000 })
    expect(await item.first().textContent()).toContain('离开巡区')
    const alert = (await api<{ alerts: Array<{ id: number; subject: string; lon: number; lat: number }> }>('/api/alerts?state=open')).body.alerts.find((a) => a.subject === 'unit:EB006')!
    expect(alert.lon).toBeCloseTo(away[0], 5)

    await item.first().locator('.live-item-head').click()
    await page.waitForFunction(([lon, lat]) => {
      const c = window.pinganMap!.getCenter()
      return !window.pinganMap!.isMoving() && Math.abs(c.lng - lon!) < 1e-4 && Math.abs(c.lat - lat!) < 1e-4
    }, [alert.lon, alert.lat], { timeout: 15_000 })
    expect(await page.evaluate(() => window.pinganMap!.getZoom())).toBeGreaterThanOrEqual(15)

    await item.first().locator('.live-ack').click()
    await item.first().locator('.live-acked').waitFor({ timeout: 10_000 })
    const after = (await api<{ alerts: Array<{ id: number; acknowledged_by: string | null; acknowledged_at: string | null }> }>('/api/alerts?state=all&limit=1000')).body.alerts.find((a) => a.id === alert.id)!
    expect(after.acknowledged_at).not.toBeNull()
    expect(await item.first().textContent()).toContain(after.acknowledged_by!)
    await page.screenshot({ path: path.join(SHOTS, 'live-wall-alert.png') })
    expect(errors).toEqual([])
    expect(external).toEqual([])
    await page.close()
  })

  it('plays back a stored track: the head sits on the recorded points and moves along them', async () => {
    const row = await unitRow('EB010')
    const end = Date.parse(row.ts!)
    // Whole Beijing-time minutes around the seeded hour of track (one point a minute).
    const minute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000 + 8 * 3600_000).toISOString().slice(0, 16)
    const from = minute(end - 50 * 60_000)
    const to = minute(end + 60_000)
    const fromIso = new Date(`${from}:00+08:00`).toISOString()
    const toIso = new Date(`${to}:00+08:00`).toISOString()
    const track = (await api<{ units: Array<{ points: Array<{ ts: string; lon: number; lat: number }>; distance_m: number; stops: number }> }>(`/api/live/tracks?units=EB010&from=${fromIso}&to=${toIso}`)).body.units[0]!
    expect(track.points.length).toBeGreaterThan(40)

    const { page, errors, external } = await open(DESKTOP, `#map=13.00/${CITY[1]}/${CITY[0]}&layers=admin-areas&lang=zh&live=1`)
    await page.click('.live-tabs [data-tab="playback"]')
    await page.fill('.live-playback input[type="search"]', 'EB010')
    await page.check('.live-unit-option input[value="EB010"]')
    await page.fill('.live-playback input[name="from"]', from)
    await page.fill('.live-playback input[name="to"]', to)
    await page.click('.live-playback [data-action="load"]')
    await page.waitForSelector('.live-pb-summary li[data-unit="EB010"]', { timeout: 15_000 })
    const summary = await page.textContent('.live-pb-summary li[data-unit="EB010"]')
    expect(summary).toContain(`${track.points.length} 个点`)
    expect(summary).toContain(`${(track.distance_m / 1000).toFixed(2)} 公里`)
    expect(summary).toContain(`停留 ${track.stops} 次`)

    const head = () =>
      page.evaluate(() => {
        const deck = (window.pinganDeck as unknown as { _deck: { layerManager: { getLayers(): Array<{ id: string; props: { data: Array<{ code: string; lon: number; lat: number }> } }> } } })._deck
        return deck.layerManager.getLayers().find((l) => l.id === 'live-playback-heads')?.props.data.find((h) => h.code === 'EB010') ?? null
      })
    // Scrub to halfway between the 10th and 11th recorded points: the head is at their midpoint.
    const [a, b] = [track.points[10]!, track.points[11]!]
    const mid = (Date.parse(a.ts) + Date.parse(b.ts)) / 2
    await page.locator('.live-playback input[name="time"]').evaluate((e, v) => {
      const input = e as HTMLInputElement
      input.value = String(v)
      input.dispatchEvent(new Event('input', { bubbles: true }))
    }, mid)
    // Where the slider landed (it may round), and the hand-interpolated point for that time.
    const at = Number(await page.locator('.live-playback input[name="time"]').inputValue())
    expect(Math.abs(at - mid)).toBeLessThan(1000)
    const f = (at - Date.parse(a.ts)) / (Date.parse(b.ts) - Date.parse(a.ts))
    const want = { lon: a.lon + (b.lon - a.lon) * f, lat: a.lat + (b.lat - a.lat) * f }
    await expect.poll(async () => (await head())?.lon, { timeout: 5000 }).toBeCloseTo(want.lon, 6)
    const h = await head()
    expect(h!.lat).toBeCloseTo(want.lat, 6)
    // Live units are hidden while a track plays.
    expect(await page.evaluate(() => (window.pinganDeck as unknown as { _deck: { layerManager: { getLayers(): Array<{ id: string; props: { visible: boolean } }> } } })._deck.layerManager.getLayers().find((l) => l.id === 'live-units')?.props.visible ?? false)).toBe(false)

    // Play at 60×: a second of play is a minute of track; the head moves and stays on the recorded line.
    await page.locator('.live-playback input[name="speed"]').evaluate((e) => {
      const input = e as HTMLInputElement
      input.value = '60'
      input.dispatchEvent(new Event('input', { bubbles: true }))
    })
    await page.click('.live-playback [data-action="play"]')
    await page.waitForTimeout(2500)
    const moved = await head()
    await page.click('.live-playback [data-action="play"]') // pause
    expect(Math.hypot(moved!.lon - h!.lon, moved!.lat - h!.lat)).toBeGreaterThan(1e-5)
    const toSegment = (p: { lon: number; lat: number }, s: { lon: number; lat: number }, e: { lon: number; lat: number }) => {
      const [dx, dy] = [e.lon - s.lon, e.lat - s.lat]
      const f = dx || dy ? Math.max(0, Math.min(1, ((p.lon - s.lon) * dx + (p.lat - s.lat) * dy) / (dx * dx + dy * dy))) : 0
      return Math.hypot(p.lon - (s.lon + f * dx), p.lat - (s.lat + f * dy))
    }
    const nearest = Math.min(...track.points.slice(1).map((p, k) => toSegment(moved!, track.points[k]!, p)))
    expect(nearest).toBeLessThan(1e-6)
    await page.screenshot({ path: path.join(SHOTS, 'live-wall-playback.png') })
    expect(errors).toEqual([])
    expect(external).toEqual([])
    await page.close()
  })

  it('zoomed out, draws counted clusters of every unit instead of icons', async () => {
    const { page, errors } = await open(DESKTOP, `#map=10.50/${CITY[1]}/${CITY[0]}&layers=admin-areas&lang=zh&live=1`)
    const withPosition = (await api<{ units: UnitRow[] }>('/api/live/units')).body.units.filter((u) => u.ts).length
    const layers = () =>
      page.evaluate(() => {
        const deck = (window.pinganDeck as unknown as { _deck: { layerManager: { getLayers(): Array<{ id: string; props: { visible: boolean; data: unknown } }> } } })._deck
        const get = (id: string) => deck.layerManager.getLayers().find((l) => l.id === id)
        const clusters = get('live-clusters')
        return {
          counts: clusters?.props.visible ? (clusters.props.data as Array<{ count: number }>).map((c) => c.count) : null,
          icons: get('live-units')?.props.visible ?? false,
        }
      })
    await expect.poll(async () => (await layers()).counts?.reduce((a, b) => a + b, 0), { timeout: 10_000 }).toBe(withPosition)
    const l = await layers()
    expect(l.icons).toBe(false)
    expect(l.counts!.length).toBeLessThan(withPosition)
    expect(errors).toEqual([])
    await page.close()
  })

  it('fits a phone: the feed is a bottom sheet, the connection line and the toggle are on screen', async () => {
    const { page, errors, external } = await open(PHONE, `#map=14.00/${CITY[1]}/${CITY[0]}&layers=admin-areas&lang=zh&live=1`)
    await page.waitForTimeout(1000)
    const boxes = await page.evaluate(() => {
      const r = (s: string) => {
        const b = document.querySelector(s)!.getBoundingClientRect()
        return { left: b.left, right: b.right, top: b.top, bottom: b.bottom }
      }
      return { panel: r('#live-panel'), conn: r('.live-conn'), toggle: r('#toggle-live'), width: innerWidth, height: innerHeight }
    })
    for (const b of [boxes.panel, boxes.conn, boxes.toggle]) {
      expect(b.left).toBeGreaterThanOrEqual(0)
      expect(b.right).toBeLessThanOrEqual(boxes.width)
      expect(b.bottom).toBeLessThanOrEqual(boxes.height)
    }
    expect(boxes.panel.top).toBeGreaterThan(boxes.height / 2)
    await page.screenshot({ path: path.join(SHOTS, 'live-phone.png') })
    // Switching the view off closes it and takes live=1 out of the link.
    await page.click('#toggle-live')
    await page.waitForFunction(() => !location.hash.includes('live=1'))
    expect(await page.getAttribute('#live-panel', 'data-open')).toBe('false')
    expect(errors).toEqual([])
    expect(external).toEqual([])
    await page.close()
  })
  it('merges the alerts of one rule at one place into one line with a count, and a click shows them', async () => {
    const { page, errors, external } = await open(DESKTOP, `#map=12.50/${CITY[1]}/${CITY[0]}&layers=admin-areas&lang=zh&live=1`)
    // A county station's seat, far from the city's e-bike zones, inside a grid cell.
    const stations = (await api<{ stations: Array<{ kind: string; lon: number; lat: number }> }>('/api/stations')).body.stations
    const far = [...stations].filter((s) => s.kind === 'station').sort((a, b) => Math.hypot(b.lon - CITY[0], b.lat - CITY[1]) - Math.hypot(a.lon - CITY[0], a.lat - CITY[1]))
    let spot: { lon: number; lat: number; place: string } | null = null
    for (const s of far) {
      const r = await api<{ town: { name: string }; community: { name: string } }>(`/api/analysis/responsible?lon=${s.lon}&lat=${s.lat}`)
      if (r.status === 200) {
        spot = { lon: s.lon, lat: s.lat, place: `${r.body.town.name}${r.body.community.name}` }
        break
      }
    }
    expect(spot).not.toBeNull()
    const codes = ['EB011', 'EB012', 'EB013']
    for (const [k, code] of codes.entries()) expect((await report(code, spot!.lon + k * 1e-5, spot!.lat)).body.accepted).toBe(1)
    // Three units out of their zones in one village: one line, ×3, with the place.
    const line = page.locator('.live-item.live-alerts.open[data-count="3"]', { hasText: spot!.place })
    await line.waitFor({ timeout: 30_000 })
    expect(await line.textContent()).toContain('×3')
    expect(await line.textContent()).toContain('巡逻单元离开巡区')
    const alerts = (await api<{ alerts: Array<{ subject: string; place: string }> }>('/api/alerts?state=open')).body.alerts.filter((a) => codes.some((c) => a.subject === `unit:${c}`))
    expect(alerts.map((a) => a.place)).toEqual([spot!.place, spot!.place, spot!.place])
    // Alerts with the same text at the same place are never separate lines.
    const keys = await page.$$eval('.live-item.live-alerts', (ls) => ls.map((l) => `${l.querySelector('.live-item-title')!.textContent!.replace(/×\d+/, '')}|${l.querySelector('.live-item-detail')!.textContent}`))
    expect(new Set(keys).size).toBe(keys.length)
    // The click fits the map to the three, in the part of the map the feed does not cover.
    await line.locator('.live-item-head').click()
    await page.waitForFunction(([lon, lat]) => {
      const m = window.pinganMap!
      const p = m.project([lon!, lat!])
      const panel = document.getElementById('live-panel')!.getBoundingClientRect()
      return !m.isMoving() && m.getZoom() >= 15 && p.x > 40 && p.x < panel.left && p.y > 60 && p.y < innerHeight - 40
    }, [spot!.lon, spot!.lat], { timeout: 15_000 })
    await page.screenshot({ path: path.join(SHOTS, 'live-merged-alerts.png') })
    // Acknowledging the line acknowledges its three alerts.
    await line.locator('.live-ack').click()
    await line.locator('.live-acked').waitFor({ timeout: 10_000 })
    const acked = (await api<{ alerts: Array<{ subject: string; acknowledged_by: string | null }> }>('/api/alerts?state=open')).body.alerts.filter((a) => codes.some((c) => a.subject === `unit:${c}`))
    expect(acked.every((a) => a.acknowledged_by === 'command')).toBe(true)
    expect(errors).toEqual([])
    expect(external).toEqual([])
    await page.close()
  })

  it('shows a hazard and a dispute as they are created, with their place; a click locates each', async () => {
    const { page, errors, external } = await open(DESKTOP, `#map=12.50/${CITY[1]}/${CITY[0]}&layers=admin-areas&lang=zh&live=1`)
    const admin = await fetch(`${e2e.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'pingan-admin' }) })
    const adminCookie = (admin.headers.get('set-cookie') ?? '').split(';')[0]!
    const adminCsrf = ((await admin.json()) as { csrfToken: string }).csrfToken
    const create = async (layer: string, lon: number, lat: number, properties: Record<string, unknown>) => {
      const r = await fetch(`${e2e.url}/api/layers/${layer}/features`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: adminCookie, 'x-csrf-token': adminCsrf }, body: JSON.stringify({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties }) })
      expect(r.status).toBe(201)
      return (await r.json()) as { id: number; properties: { code: string } }
    }
    for (const [layer, title, at, properties] of [
      ['hazards', '新隐患', [125.1452, 42.9012], { category: 'fire', source: 'offline', description: 'E2E 实时隐患' }],
      ['disputes', '新矛盾纠纷', [125.1391, 42.8961], { category: 'neighbour', source: 'patrol', description: 'E2E 实时纠纷' }],
    ] as const) {
      const made = await create(layer, at[0], at[1], properties)
      const where = (await api<{ town: { name: string }; community: { name: string } }>(`/api/analysis/responsible?lon=${at[0]}&lat=${at[1]}`)).body
      const item = page.locator(`.live-item.live-${layer}`, { hasText: made.properties.code })
      await item.waitFor({ timeout: 15_000 })
      expect(await item.textContent()).toContain(title)
      expect(await item.textContent()).toContain(`${where.town.name}${where.community.name}`)
      await item.locator('.live-item-head').click()
      await page.waitForFunction(([lon, lat]) => {
        const c = window.pinganMap!.getCenter()
        return !window.pinganMap!.isMoving() && Math.abs(c.lng - lon!) < 1e-4 && Math.abs(c.lat - lat!) < 1e-4
      }, at, { timeout: 15_000 })
    }
    await page.screenshot({ path: path.join(SHOTS, 'live-new-events.png') })
    expect(errors).toEqual([])
    expect(external).toEqual([])
    await page.close()
  })

  it('fits the map to the tracks of several units played back together', async () => {
    const codes = ['EB010', 'EB020', 'EB030']
    const rows = await Promise.all(codes.map(unitRow))
    const ends = rows.map((r) => Date.parse(r.ts!))
    const minute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000 + 8 * 3600_000).toISOString().slice(0, 16)
    const from = minute(Math.min(...ends) - 50 * 60_000)
    const to = minute(Math.max(...ends) + 60_000)
    const tracks = (await api<{ units: Array<{ points: Array<{ lon: number; lat: number }> }> }>(`/api/live/tracks?units=${codes.join(',')}&from=${new Date(`${from}:00+08:00`).toISOString()}&to=${new Date(`${to}:00+08:00`).toISOString()}`)).body.units
    const pts = tracks.flatMap((tr) => tr.points)
    expect(tracks.filter((tr) => tr.points.length > 0).length).toBeGreaterThan(1)
    const box = [Math.min(...pts.map((q) => q.lon)), Math.min(...pts.map((q) => q.lat)), Math.max(...pts.map((q) => q.lon)), Math.max(...pts.map((q) => q.lat))]
    // Opened far from them, zoomed in.
    const { page, errors } = await open(DESKTOP, `#map=16.00/42.80000/125.30000&layers=admin-areas&lang=zh&live=1`)
    await page.click('.live-tabs [data-tab="playback"]')
    for (const code of codes) {
      await page.fill('.live-playback input[type="search"]', code)
      await page.check(`.live-unit-option input[value="${code}"]`)
    }
    await page.fill('.live-playback input[name="from"]', from)
    await page.fill('.live-playback input[name="to"]', to)
    await page.click('.live-playback [data-action="load"]')
    await page.waitForSelector(`.live-pb-summary li[data-unit="${codes[2]}"]`, { timeout: 15_000 })
    await page.waitForFunction(() => !window.pinganMap!.isMoving(), undefined, { timeout: 15_000 })
    const bounds = await page.evaluate(() => window.pinganMap!.getBounds().toArray().flat())
    expect(bounds[0]).toBeLessThanOrEqual(box[0]!)
    expect(bounds[1]).toBeLessThanOrEqual(box[1]!)
    expect(bounds[2]).toBeGreaterThanOrEqual(box[2]!)
    expect(bounds[3]).toBeGreaterThanOrEqual(box[3]!)
    // …and not the whole city: the tracks fill a good part of the view.
    expect((box[2]! - box[0]!) / (bounds[2]! - bounds[0]!) + (box[3]! - box[1]!) / (bounds[3]! - bounds[1]!)).toBeGreaterThan(0.4)
    await page.screenshot({ path: path.join(SHOTS, 'live-playback-several.png') })
    expect(errors).toEqual([])
    await page.close()
  })

  it('leaves and re-enters live mode with no console error (deck.gl\'s stand-in layers are never reused)', async () => {
    const { page, errors } = await open(DESKTOP, `#map=15.00/${CITY[1]}/${CITY[0]}&layers=admin-areas&lang=zh&live=1`)
    for (let k = 0; k < 3; k++) {
      await page.click('#toggle-live')
      await page.waitForFunction(() => !location.hash.includes('live=1'))
      await waitIdleMap(page)
      await page.click('#toggle-live')
      await page.waitForSelector('.live-conn[data-state="connected"]', { timeout: 30_000 })
      await waitIdleMap(page)
    }
    await page.click('#toggle-live')
    await page.waitForFunction(() => !location.hash.includes('live=1'))
    await waitIdleMap(page)
    expect(errors.filter((e) => /assert/i.test(e))).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })
})
