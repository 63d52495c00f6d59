import path from 'node:path'
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import type maplibregl from 'maplibre-gl'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { SHARE_BREAKS, SHARE_COLORS } from '../../client/src/analysis/coverage-layers.ts'
import { CLASS_COLORS as GI_COLORS } from '../../client/src/analysis/hotspot-layers.ts'
import { CLASS_COLORS as MEASURE_COLORS } from '../../client/src/layers/choropleth.ts'
import { analysisIdle, analysisRun, apiReader, type ApiGet, DESKTOP, e2eSession, OFFICER, PHONE, setLang, SHOTS, waitIdle, WALL, type DemoAccount, type WatchedPage } from './page-helpers.ts'

const PORT = 3952
type RGB = [number, number, number]

const rgbOf = (hex: string): RGB => {
  const n = Number.parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}
/** `colour` at `alpha` over `under`, as the GPU blends a translucent fill. */
const blend = (colour: RGB, alpha: number, under: RGB): RGB => colour.map((c, k) => alpha * c + (1 - alpha) * under[k]!) as RGB
const distance = (a: RGB, b: RGB) => Math.max(...a.map((x, k) => Math.abs(x - b[k]!)))

interface CoverageCell {
  id: number
  name: string
  code: string
  covered_share: number
  households_total: number
}

/** The RGB of one screen pixel (CSS px), read from a screenshot with the browser's own PNG decoder. */
async function pixelAt(page: Page, x: number, y: number): Promise<RGB> {
  const png = await page.screenshot({ clip: { x: Math.round(x) - 1, y: Math.round(y) - 1, width: 3, height: 3 } })
  return page.evaluate(async (b64) => {
    const img = new Image()
    img.src = `data:image/png;base64,${b64}`
    await img.decode()
    const canvas = document.createElement('canvas')
    canvas.width = img.width
    canvas.height = img.height
    const ctx = canvas.getContext('2d')!
    ctx.drawImage(img, 0, 0)
    const d = ctx.getImageData(Math.floor(img.width / 2), Math.floor(img.height / 2), 1, 1).data
    return [d[0]!, d[1]!, d[2]!] as [number, number, number]
  }, png.toString('base64'))
}

/** The pixel with and without one MapLibre layer drawn: what the layer adds over what is under it. */
async function withAndWithout(page: Page, layerId: string, x: number, y: number): Promise<{ on: RGB; under: RGB }> {
  const on = await pixelAt(page, x, y)
  await page.evaluate((id) => void window.pinganMap!.setLayoutProperty(id, 'visibility', 'none'), layerId)
  await waitIdle(page)
  const under = await pixelAt(page, x, y)
  await page.evaluate((id) => void window.pinganMap!.setLayoutProperty(id, 'visibility', 'visible'), layerId)
  await waitIdle(page)
  return { on, under }
}

/**
 * A screen point (inside the map, clear of the side panels) where, within 6 px, nothing is drawn
 * but fills: the target feature of `layer` (by feature id or by properties) and the areas under
 * it; no line, label, point or `forbidden` fill that would change the pixel.
 */
async function clearSpot(page: Page, layer: string, match: { id?: number; props?: Record<string, unknown> }, forbidden: string[] = []): Promise<{ x: number; y: number } | null> {
  return page.evaluate(
    ({ layer, match, forbidden }) => {
      const map = window.pinganMap!
      const c = map.getCanvas()
      const isTarget = (f: maplibregl.MapGeoJSONFeature) =>
        f.layer.id === layer && (match.id === undefined || f.id === match.id) && Object.entries(match.props ?? {}).every(([k, v]) => f.properties[k] === v)
      // The callers centre the feature: look from the middle of the free area outwards, so the
      // first clear spot is found after a few queries instead of a sweep of the whole screen.
      const spots: Array<{ x: number; y: number; d: number }> = []
      const [cx, cy] = [(340 + c.clientWidth - 420) / 2, c.clientHeight / 2]
      for (let y = 100; y < c.clientHeight - 100; y += 7) for (let x = 340; x < c.clientWidth - 420; x += 7) spots.push({ x, y, d: Math.hypot(x - cx, y - cy) })
      spots.sort((a, b) => a.d - b.d)
      for (const { x, y } of spots) {
        const hits = map.queryRenderedFeatures([[x - 6, y - 6], [x + 6, y + 6]])
        if (hits.some(isTarget) && hits.every((h) => isTarget(h) || (h.layer.type === 'fill' && h.layer.id !== layer && !forbidden.includes(h.layer.id)))) return { x, y }
      }
      return null
    },
    { layer, match, forbidden },
  )
}

function bbox(g: Polygon | MultiPolygon): [number, number, number, number] {
  const pts = (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()).flat()
  const xs = pts.map((p) => p[0]!)
  const ys = pts.map((p) => p[1]!)
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
}

function clean(w: WatchedPage): void {
  expect(w.errors).toEqual([])
  expect(w.external).toEqual([])
}

describe('analysis modes in Chromium', () => {
  /** Every direct API call of this test, with the command account's API token. */
  let apiGet: ApiGet
  const e2e = e2eSession('analysis', {
    port: PORT,
    env: { ALERT_INTERVAL_S: '0' },
    setup: async (s) => {
      apiGet = await apiReader(s.url)
    },
  })
  /** The worst cells by the rule the panel states: lowest covered share, then more households, then id. */
  const worstByApi = async (query: string): Promise<CoverageCell[]> => {
    const fc = await apiGet<FeatureCollection<Polygon, CoverageCell>>(`/api/analysis/coverage?${query}`)
    return fc.features
      .map((f) => f.properties)
      .sort((a, b) => a.covered_share - b.covered_share || b.households_total - a.households_total || a.id - b.id)
      .slice(0, 10)
  }

  it('on one desk page: grid cells by open hazards, then coverage mode, then hotspot mode with heat map and chart, then English', async () => {
    const w = await e2e.open(DESKTOP, '#map=10.00/42.90000/125.15000&layers=admin-areas,grid-cells&lang=zh&measure=none')
    const { page } = w

    // Issue 4: the measure switch colours cells by counts the tiles do not carry.
    {
    await page.click('[data-measure="open_hazards"]')
    const stats = (await apiGet<{ cells: Array<{ id: number; open_hazards: number }> }>('/api/stats/grid-cells')).cells
    await expect
      .poll(() => page.evaluate((ids) => ids.map((id) => window.pinganMap!.getFeatureState({ source: 'grid-cells', sourceLayer: 'grid-cells', id }).open_hazards ?? null), stats.map((s) => s.id)), { timeout: 30_000 })
      .toEqual(stats.map((s) => s.open_hazards))
    expect(await page.evaluate(() => window.location.hash)).toContain('measure=open_hazards')
    expect(await page.textContent('.choropleth-legend .legend-title')).toBe('在册隐患（每网格）')

    // A cell with many open hazards, at a point inside it: the class colour for its count.
    const busiest = [...stats].sort((a, b) => b.open_hazards - a.open_hazards)
    let checked = 0
    for (const cell of busiest.slice(0, 8)) {
      const f = await apiGet<Feature<Polygon | MultiPolygon>>(`/api/layers/grid-cells/features/${cell.id}`)
      const [x0, y0, x1, y1] = bbox(f.geometry!)
      await page.evaluate((b) => void window.pinganMap!.fitBounds(b as [number, number, number, number], { padding: 350, duration: 0 }), [x0, y0, x1, y1])
      await waitIdle(page)
      const spot = await clearSpot(page, 'grid-cells-fill', { id: cell.id })
      if (!spot) continue
      const { on, under } = await withAndWithout(page, 'grid-cells-fill', spot.x, spot.y)
      const breaks = [1, 2, 3, 5, 8]
      const cls = breaks.filter((b) => cell.open_hazards >= b).length
      expect(cell.open_hazards).toBeGreaterThan(2)
      expect(distance(on, blend(rgbOf(MEASURE_COLORS[cls]!), 0.62, under)), `cell ${cell.id} (${cell.open_hazards}): pixel ${on}`).toBeLessThan(14)
      checked++
      if (checked === 2) break
    }
    expect(checked).toBe(2)
    }
    await page.click('[data-measure="none"]')
    await page.click('[data-layer-toggle="grid-cells"]')

    // Coverage mode from the top bar.
    {
    await page.click('.mode-switch [data-mode="coverage"]')
    await page.waitForSelector('#analysis-panel[data-open="true"]')
    await analysisIdle(page)
    expect(await page.evaluate(() => window.location.hash)).toContain('mode=coverage')
    expect(await page.textContent('#analysis-panel .panel-header h2')).toBe('巡逻覆盖分析')

    // The list: the API's ten worst cells, in its order, with their shares.
    const expected = await worstByApi('buffer=200')
    const listed = await page.$$eval('.an-worst-list .an-cell', (bs) => bs.map((b) => ({ id: Number((b as HTMLElement).dataset.cellId), name: b.querySelector('.an-cell-name')!.textContent, share: b.querySelector('.an-cell-share')!.textContent })))
    expect(listed).toEqual(expected.map((c) => ({ id: c.id, name: c.name, share: `${(c.covered_share * 100).toFixed(1)}%` })))
    const city = (await apiGet<{ totals: { city: { covered_share: number; household_units_covered: number; household_units_total: number } } }>('/api/analysis/coverage')).totals.city
    expect(await page.textContent('.an-kpi[data-key="share"] .v')).toBe(`${(city.covered_share * 100).toFixed(1)}%`)
    expect(await page.textContent('.an-kpi[data-key="units"] .s')).toBe(`${city.household_units_covered.toLocaleString('zh-CN')} / ${city.household_units_total.toLocaleString('zh-CN')}`)
    expect(await page.locator('.an-stations tr[data-station-id]').count()).toBeGreaterThan(10)
    // Every station and branch by its name (the 分局 were "单位 #2"…), as the police-units layer names them.
    const stationRows = await page.$$eval('.an-stations tr[data-station-id]', (trs) => trs.map((tr) => ({ id: Number((tr as HTMLElement).dataset.stationId), name: tr.querySelector('td')!.textContent })))
    const units = new Map((await apiGet<{ features: Array<{ id: number; properties: { name: string; kind: string } }> }>('/api/layers/police-units/features?limit=1000')).features.map((f) => [Number(f.id), f.properties]))
    for (const r of stationRows) expect(r.name, `station ${r.id}`).toBe(units.get(r.id)!.name)
    expect(stationRows.filter((r) => units.get(r.id)!.kind === 'branch')).toHaveLength(8)

    // Colour: a well-covered cell, at a point of it that is not hatched, shows its class colour.
    const all = await apiGet<FeatureCollection<Polygon | MultiPolygon, CoverageCell>>('/api/analysis/coverage')
    const good = all.features.filter((f) => f.properties.covered_share > 0.9).sort((a, b) => bbox(b.geometry)[2] - bbox(b.geometry)[0] - (bbox(a.geometry)[2] - bbox(a.geometry)[0]))[0]!
    const [x0, y0, x1, y1] = bbox(good.geometry)
    await page.evaluate((b) => void window.pinganMap!.fitBounds(b as [number, number, number, number], { padding: 300, duration: 0 }), [x0, y0, x1, y1])
    await waitIdle(page)
    const spot = await clearSpot(page, 'analysis-coverage-fill', { id: good.properties.id }, ['analysis-uncovered-hatch'])
    expect(spot, `an unhatched point of cell ${good.properties.id}`).not.toBeNull()
    const { on, under } = await withAndWithout(page, 'analysis-coverage-fill', spot!.x, spot!.y)
    const share = good.properties.covered_share
    const cls = SHARE_BREAKS.filter((b) => share >= b).length
    const want = blend(rgbOf(SHARE_COLORS[cls]!), 0.72, under)
    expect(distance(on, want), `pixel ${on} vs ${want.map(Math.round)}`).toBeLessThan(14)
    // …and not the colour of a neighbouring class.
    for (const other of SHARE_COLORS.filter((_, k) => k !== cls)) expect(distance(on, blend(rgbOf(other), 0.72, under))).toBeGreaterThan(14)

    // Click a listed cell: the map flies to it and outlines it.
    const first = expected[0]!
    await page.click(`.an-cell[data-cell-id="${first.id}"]`)
    await page.waitForFunction(() => !window.pinganMap!.isMoving())
    const cellGeom = all.features.find((f) => f.properties.id === first.id)!.geometry
    const [cx0, cy0, cx1, cy1] = bbox(cellGeom)
    const centre = await page.evaluate(() => window.pinganMap!.getCenter().toArray())
    expect(centre[0]).toBeGreaterThan(cx0 - 0.05)
    expect(centre[0]).toBeLessThan(cx1 + 0.05)
    expect(centre[1]).toBeGreaterThan(cy0 - 0.05)
    expect(centre[1]).toBeLessThan(cy1 + 0.05)
    expect(await page.evaluate((id) => window.pinganMap!.getFeatureState({ source: 'analysis-coverage', id }).selected, first.id)).toBe(true)
    }
    {
    await page.fill('[data-param="buffer"]', '500')
    await page.locator('[data-param="buffer"]').dispatchEvent('change')
    const seen = await analysisRun(page, () => page.click('.an-chip:has([data-kind="foot"])'))
    expect(seen.join(' ')).toMatch(/服务器计算中/)
    const hash = await page.evaluate(() => window.location.hash)
    expect(hash).toContain('aq=buffer:500;kinds:foot')
    const expected = await worstByApi('buffer=500&kinds=foot')
    expect(await page.$$eval('.an-worst-list .an-cell', (bs) => bs.map((b) => Number((b as HTMLElement).dataset.cellId)))).toEqual(expected.map((c) => c.id))
    await page.evaluate(() => void window.pinganMap!.jumpTo({ center: [125.14, 42.905], zoom: 11.5 }))
    await waitIdle(page)
    await page.screenshot({ path: path.join(SHOTS, 'analysis-coverage-wall.png') })
    }
    // Hotspot mode: one request for 1000 m hexagons.
    // Hotspot mode starts a run at 500 m; choosing 1000 m replaces it (one drawn answer).
    await analysisRun(page, async () => {
      await page.click('.mode-switch [data-mode="hotspots"]')
      await page.selectOption('[data-param="cell"]', '1000')
    })
    await page.evaluate(() => void window.pinganMap!.jumpTo({ center: [125.15, 42.9], zoom: 11 }))
    await waitIdle(page)
    {
    const hot = await apiGet<FeatureCollection<Polygon, { i: number; j: number; class: string; count: number }> & { summary: { classes: Record<string, number> } }>('/api/analysis/hotspots?layer=incidents&cell=1000')
    const classOf = new Map(hot.features.map((f) => [`${f.properties.i}:${f.properties.j}`, f.properties.class]))
    const drawn = await page.evaluate(() => window.pinganMap!.queryRenderedFeatures({ layers: ['analysis-hotspots-fill'] }).map((f) => ({ key: `${f.properties.i}:${f.properties.j}`, cls: String(f.properties.class) })))
    expect(drawn.length).toBeGreaterThan(50)
    expect(drawn.filter((d) => d.cls.startsWith('hot')).length).toBeGreaterThan(0)
    for (const d of drawn) expect(d.cls, d.key).toBe(classOf.get(d.key))
    for (const [cls, n] of Object.entries(hot.summary.classes)) expect(await page.textContent(`.an-classes li[data-class="${cls}"] .an-class-count`)).toBe(n.toLocaleString('zh-CN'))

    // A point of a hot-99 bin clear of lines and labels is that class's colour over what lies under it.
    const hottest = hot.features.filter((f) => f.properties.class === 'hot-99').sort((a, b) => b.properties.count - a.properties.count)
    let spot: { x: number; y: number } | null = null
    for (const f of hottest.slice(0, 5)) {
      const ring = f.geometry.coordinates[0]!.slice(0, -1)
      await page.evaluate((c) => void window.pinganMap!.jumpTo({ center: c as [number, number], zoom: 12 }), [ring.reduce((s, p) => s + p[0]!, 0) / ring.length, ring.reduce((s, p) => s + p[1]!, 0) / ring.length])
      await waitIdle(page)
      spot = await clearSpot(page, 'analysis-hotspots-fill', { props: { i: f.properties.i, j: f.properties.j } })
      if (spot) break
    }
    expect(spot).not.toBeNull()
    const { on, under } = await withAndWithout(page, 'analysis-hotspots-fill', spot!.x, spot!.y)
    const [r, g, b, a] = GI_COLORS['hot-99']
    expect(distance(on, blend([r, g, b], a / 255, under)), `pixel ${on}`).toBeLessThan(14)

    // The chart: one bar per month with the API's counts.
    const monthly = await apiGet<{ months: Array<{ month: string; count: number }> }>('/api/stats/monthly?layer=incidents')
    const bars = async () => page.$$eval('.an-chart-svg rect.bar', (rs) => rs.map((r) => ({ month: r.getAttribute('data-month'), count: Number(r.getAttribute('data-count')) })))
    expect(await bars()).toEqual(monthly.months)

    // Two quick changes: the first request is aborted, only the second is drawn.
    const aborted: string[] = []
    page.on('requestfailed', (r) => {
      if (r.url().includes('/api/analysis/hotspots')) aborted.push(r.url())
    })
    // The first answer is held back 3 s, so the second change surely finds it in flight.
    const first = (u: URL) => u.pathname === '/api/analysis/hotspots' && u.searchParams.get('cell') === '2000' && !u.searchParams.has('category')
    await page.route(first, async (route) => {
      await new Promise((r) => setTimeout(r, 3000))
      await route.continue().catch(() => undefined)
    })
    await page.selectOption('[data-param="cell"]', '2000')
    await analysisRun(page, () => page.selectOption('[data-param="category"]', 'theft'))
    expect(aborted.some((u) => first(new URL(u)))).toBe(true)
    await page.unroute(first)
    expect(await page.evaluate(() => window.location.hash)).toContain('cell:2000;category:theft')
    const theft = await apiGet<{ months: Array<{ month: string; count: number }> }>('/api/stats/monthly?layer=incidents&category=theft')
    expect(await bars()).toEqual(theft.months)
    const theftHot = await apiGet<{ summary: { classes: Record<string, number> } }>('/api/analysis/hotspots?layer=incidents&category=theft&cell=2000')
    expect(await page.textContent('.an-classes li[data-class="not-significant"] .an-class-count')).toBe(theftHot.summary.classes['not-significant']!.toLocaleString('zh-CN'))
    }
    // Back to all categories for the heat map.
    await page.selectOption('[data-param="category"]', '')
    await analysisRun(page, () => page.selectOption('[data-param="cell"]', '1000'))
    await page.evaluate(() => void window.pinganMap!.jumpTo({ center: [125.15, 42.9], zoom: 10.5 }))
    await waitIdle(page)
    {
    expect(await page.evaluate(() => window.pinganMap!.getLayer('analysis-density')?.visibility ?? 'absent')).not.toBe('visible')
    await page.click('.an-heat')
    // The density answer (1000 m grid) can come back within a frame: wait for its layer, not for the bar.
    await expect.poll(() => page.evaluate(() => window.pinganMap!.getLayer('analysis-density')?.visibility), { timeout: 60_000 }).toBe('visible')
    await analysisIdle(page)
    expect(await page.evaluate(() => window.location.hash)).toContain('heat:1')
    const density = await apiGet<{ summary: { max_density: number }; parameters: { bandwidth: number } }>('/api/analysis/density?layer=incidents&cell=1000')
    expect(await page.textContent('.an-heat-scale span:last-child')).toBe(Math.round(density.summary.max_density).toLocaleString('zh-CN'))
    // Where the density peaks the heat map adds colour over the (unfilled, not significant) background.
    await page.screenshot({ path: path.join(SHOTS, 'analysis-heat-wall.png') })
    await page.click('.an-heat')
    // Off: the raster is taken off the map (removed or hidden).
    await expect.poll(() => page.evaluate(() => window.pinganMap!.getLayer('analysis-density')?.visibility ?? 'none')).toBe('none')
    }
    await page.click('#lang-toggle')
    expect(await page.$$eval('.mode-switch button', (bs) => bs.map((b) => b.textContent))).toEqual(['Map', 'Coverage', 'Hotspots', 'Seasons'])
    expect(await page.textContent('#analysis-panel .panel-header h2')).toBe('Hotspots (Gi*)')
    expect(await page.textContent('.an-classes li[data-class="hot-99"] .an-class-name')).toBe('Hot spot 99%')
    expect(await page.textContent('.an-chart figcaption')).toBe('Records per month')
    // Nothing Chinese is left in the hotspot panel (it shows no place names).
    expect(await page.innerText('#analysis-panel')).not.toMatch(/[\u4e00-\u9fff]/)
    await page.click('.mode-switch [data-mode="coverage"]')
    await analysisIdle(page)
    expect(await page.textContent('#analysis-panel .panel-header h2')).toBe('Patrol coverage')
    expect(await page.textContent('.an-worst h3')).toBe('Least covered cells')
    expect(await page.textContent('.an-kpi[data-key="share"] .k')).toBe('Area covered')
    expect(await page.textContent('[data-measure="open_hazards"]')).toBe('Open hazards')
    expect(await page.textContent('[data-measure="disputes"]')).toBe('Disputes')
    await page.screenshot({ path: path.join(SHOTS, 'analysis-coverage-wall-en.png') })
    clean(w)
    await page.close()
  }, 900_000)

  it('opens a shared coverage link on a phone, then lays out the hotspot view without overlap or cut-off words', async () => {
    const hash = '#layers=admin-areas&lang=zh&measure=none&mode=coverage&aq=buffer:500;kinds:foot'
    const w = await e2e.open(PHONE, hash)
    const { page } = w
    await analysisIdle(page)
    expect(await page.inputValue('[data-param="buffer"]')).toBe('500')
    expect(await page.isChecked('[data-kind="foot"]')).toBe(true)
    const expected = await worstByApi('buffer=500&kinds=foot')
    expect(await page.$$eval('.an-worst-list .an-cell', (bs) => bs.map((b) => Number((b as HTMLElement).dataset.cellId)))).toEqual(expected.map((c) => c.id))
    await page.screenshot({ path: path.join(SHOTS, 'analysis-coverage-phone.png') })
    // Hotspot mode starts a run at 500 m; choosing 2000 m replaces it (one drawn answer).
    await analysisRun(page, async () => {
      await page.click('.mode-switch [data-mode="hotspots"]')
      await page.selectOption('[data-param="cell"]', '2000')
    })
    const name = 'phone'
    const boxes = await page.evaluate(() => {
      const r = (s: string) => {
        const e = document.querySelector(s)
        if (!e) return null
        const b = e.getBoundingClientRect()
        return { top: b.top, bottom: b.bottom, left: b.left, right: b.right }
      }
      const cut = [...document.querySelectorAll<HTMLElement>('.mode-switch button, #analysis-panel h2, #analysis-panel .an-label, #analysis-panel .segmented button')].filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent)
      return { topbar: r('.topbar'), modes: r('.mode-switch'), panel: r('#analysis-panel'), headlines: r('#headlines'), cut, width: window.innerWidth, height: window.innerHeight }
    })
    expect(boxes.cut).toEqual([])
    const overlap = (a: typeof boxes.panel, b: typeof boxes.panel) => !!a && !!b && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom
    expect(overlap(boxes.panel, boxes.modes)).toBe(false)
    expect(overlap(boxes.panel, boxes.topbar)).toBe(false)
    expect(boxes.panel!.right).toBeLessThanOrEqual(boxes.width)
    expect(boxes.panel!.bottom).toBeLessThanOrEqual(boxes.height)
    expect(boxes.modes!.right).toBeLessThanOrEqual(boxes.width)
    // The figures panel gives way to the analysis panel.
    expect(boxes.headlines === null || boxes.headlines.bottom - boxes.headlines.top === 0).toBe(true)
    await page.screenshot({ path: path.join(SHOTS, `analysis-hotspots-${name}.png`) })
    clean(w)
    await page.close()
  }, 600_000)
  it('walks hotspots and coverage as an officer and as a planner: each role\'s own figures, no error, in both languages', async () => {
    const PLANNER: DemoAccount = { username: 'planner', password: 'pingan-planner' }
    for (const [account, who] of [[OFFICER, 'officer'], [PLANNER, 'planner']] as const) {
      const asRole = await apiReader(e2e.url, account)
      const w = await e2e.open(DESKTOP, '#map=12.00/42.90000/125.15000&layers=admin-areas,grid-cells&lang=zh&mode=hotspots&aq=cell:1000', undefined, account)
      const { page } = w
      await analysisIdle(page)
      await page.waitForSelector('.an-chart-svg, .an-chart .an-hint, .an-chart-failed', { timeout: 60_000 })
      // No failure, and the side call (the months chart) is this role's: an officer's own cells.
      expect(await page.locator('.an-progress[data-state="error"], .an-chart-failed').count()).toBe(0)
      const monthly = await asRole<{ total: number; months: Array<{ month: string; count: number }> }>('/api/stats/monthly?layer=incidents')
      const bars = await page.$$eval('.an-chart-svg rect.bar', (rs) => rs.map((r) => ({ month: r.getAttribute('data-month'), count: Number(r.getAttribute('data-count')) })))
      expect(bars).toEqual(monthly.months)
      const hot = await asRole<{ summary: { points: number } }>('/api/analysis/hotspots?layer=incidents&cell=1000')
      expect(monthly.total).toBe(hot.summary.points)
      expect(await page.textContent('.an-summary')).toContain(hot.summary.points.toLocaleString('zh-CN'))
      // The analysis panel is the one on the right (an officer's my-grid panel gave way to it).
      expect(await page.getAttribute('#analysis-panel', 'data-open')).toBe('true')
      if (who === 'officer') expect(await page.getAttribute('#officer-panel', 'data-open')).not.toBe('true')
      await page.screenshot({ path: path.join(SHOTS, `analysis-hotspots-${who}.png`) })
      await page.click('.mode-switch [data-mode="coverage"]')
      await analysisIdle(page)
      expect(await page.locator('.an-progress[data-state="error"]').count()).toBe(0)
      expect(await page.locator('.an-worst-list .an-cell').count()).toBeGreaterThan(0)
      if (who === 'officer') expect(await page.locator('.an-worst-list .an-own').count()).toBeGreaterThan(0)
      await page.click('#lang-toggle')
      await page.click('.mode-switch [data-mode="hotspots"]')
      await analysisIdle(page)
      expect(await page.locator('.an-progress[data-state="error"], .an-chart-failed').count()).toBe(0)
      expect(await page.textContent('.an-chart figcaption')).toBe('Records per month')
      await page.screenshot({ path: path.join(SHOTS, `analysis-hotspots-${who}-en.png`) })
      clean(w)
      await page.close()
    }
  }, 600_000)

  it('holds the top bar in both languages at 1280×800, 1366×768, 1920×1080 and on a phone: the search keeps its width, its results read as a list', async () => {
    const ADMIN: DemoAccount = { username: 'admin', password: 'pingan-admin' }
    const w = await e2e.open(DESKTOP, '#map=12.00/42.90000/125.15000&layers=admin-areas&lang=en', undefined, ADMIN)
    const { page } = w
    for (const lang of ['en', 'zh'] as const) {
      await setLang(page, lang)
      for (const size of [DESKTOP, { width: 1366, height: 768 }, WALL, PHONE]) {
        await page.setViewportSize(size)
        await page.fill('#search-input', '')
        await page.waitForTimeout(300)
        const bar = await page.evaluate(() => {
          const box = (e: Element | null) => {
            if (!e) return null
            const b = e.getBoundingClientRect()
            return { left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width }
          }
          const top = document.querySelector('.topbar')!
          const parts = [...top.children].filter((e) => getComputedStyle(e).position !== 'absolute' && getComputedStyle(e).display !== 'none').map((e) => ({ cls: e.className, ...box(e)! }))
          const cut = [...top.querySelectorAll<HTMLElement>('.brand, .tb-btn, .mode-switch button')].filter((e) => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent)
          return { bar: box(top)!, parts, brand: box(top.querySelector('.brand')), search: box(document.querySelector('#search-input')), cut, overflow: top.scrollWidth > top.clientWidth + 1 }
        })
        const where = `${lang} ${size.width}×${size.height}`
        expect(bar.overflow, where).toBe(false)
        expect(bar.cut, where).toEqual([])
        // The name is whole, inside the bar.
        expect(bar.brand!.top, where).toBeGreaterThanOrEqual(0)
        expect(bar.brand!.bottom, where).toBeLessThanOrEqual(bar.bar.bottom)
        expect(bar.search!.width, where).toBeGreaterThanOrEqual(size.width <= 720 ? 300 : 160)
        // On one row, nothing overlaps.
        if (size.width > 720) {
          for (const [i, a] of bar.parts.entries()) for (const b of bar.parts.slice(i + 1)) expect(a.right <= b.left + 0.5 || b.right <= a.left + 0.5, `${where}: ${a.cls} / ${b.cls}`).toBe(true)
        }
        await page.fill('#search-input', '东吉')
        await page.waitForSelector('#search-results li', { timeout: 15_000 })
        const results = await page.evaluate(() => document.querySelector('#search-results')!.getBoundingClientRect().width)
        expect(results, where).toBeGreaterThanOrEqual(Math.min(300, size.width - 20))
        if (size.width === 1366) await page.screenshot({ path: path.join(SHOTS, `topbar-${lang}-${size.width}.png`) })
      }
    }
    await page.fill('#search-input', '')
    clean(w)
    await page.close()
  }, 300_000)
})
