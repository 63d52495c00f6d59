import path from 'node:path'
import type { Feature, FeatureCollection } from 'geojson'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { LAYERS } from '../../data/catalog/layers.ts'
import { apiReader, deckLayerVisible, DESKTOP, e2eSession, maplibreVisibility, PHONE, pixelStats, SHOTS, waitIdle, WALL, type ApiGet } from './page-helpers.ts'

const DEFAULT_LAYERS = ['admin-areas', 'grid-cells', 'police-units', 'schools', 'hazards']
/** The map's background colour (#060b16). */
const BACKGROUND: [number, number, number] = [6, 11, 22]
const CITY_CENTRE = '#map=13.00/42.90500/125.14000&layers=admin-areas,grid-cells&lang=zh&measure=households'

async function deckOrMapLibreVisible(page: Page, id: string): Promise<boolean> {
  const deck = await deckLayerVisible(page, id)
  if (deck !== null) return deck
  const vis = await maplibreVisibility(page, id)
  return vis.length > 0 && vis.every((v) => v === 'visible')
}

/** Moves an opacity slider as a user would (Playwright cannot fill a range input). */
async function setSlider(page: Page, layer: string, value: number): Promise<void> {
  await page.locator(`[data-layer-opacity="${layer}"]`).evaluate((e, v) => {
    const input = e as HTMLInputElement
    input.value = String(v)
    input.dispatchEvent(new Event('input', { bubbles: true }))
  }, value)
}

function bboxOf(f: Feature): [number, number, number, number] {
  const xs: number[] = []
  const ys: number[] = []
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      xs.push(c[0])
      ys.push(c[1] as number)
    } else if (Array.isArray(c)) c.forEach(visit)
  }
  if (f.geometry && f.geometry.type !== 'GeometryCollection') visit(f.geometry.coordinates)
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
}

/** `YYYY年M月D日` and `HH:mm` of an instant in Beijing time (UTC+8, no daylight saving). */
function beijing(iso: string): { date: string; time: string } {
  const d = new Date(Date.parse(iso) + 8 * 3600_000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return { date: `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`, time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` }
}

describe('the map client in Chromium', () => {
  /** Direct API reads, with the command account's API token. */
  let api: ApiGet
  const e2e = e2eSession('client', {
    port: 3951,
    setup: async (s) => {
      api = await apiReader(s.url)
    },
  })

  it('loads the default layers with CJK labels drawn from local fonts, no console errors and nothing from outside', async () => {
    const { page, errors, external, glyphWarnings } = await e2e.open(DESKTOP)
    expect(await page.evaluate(() => window.pinganLayers!.visibleIds())).toEqual(LAYERS.map((l) => l.id).filter((id) => DEFAULT_LAYERS.includes(id)))
    for (const id of DEFAULT_LAYERS) expect(await deckOrMapLibreVisible(page, id), id).toBe(true)
    // District names are placed, so their glyphs were made (MapLibre draws no label without glyphs).
    const labels = await page.evaluate(() => window.pinganMap!.queryRenderedFeatures({ layers: ['basemap-labels-district'] }).map((f) => String(f.properties.name)))
    expect(new Set(labels)).toEqual(new Set(['东丰县', '东辽县', '西安区', '龙山区']))
    // Latin and digits come from the glyph protocol (MapLibre draws ideographs itself): label a
    // test point with the app's own font stack and check range 0–255 arrived as a PBF.
    await page.evaluate(() => {
      const map = window.pinganMap!
      map.addSource('glyph-test', { type: 'geojson', data: { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [125.14, 42.905] } } })
      map.addLayer({ id: 'glyph-test', type: 'symbol', source: 'glyph-test', layout: { 'text-field': 'Grid 220402-01 网格', 'text-font': map.getLayoutProperty('basemap-labels-village', 'text-font') as string[], 'text-allow-overlap': true } })
    })
    await waitIdle(page)
    const glyphs = await page.evaluate(() => {
      const map = window.pinganMap!
      const entries = (map as unknown as { style: { glyphManager: { entries: Record<string, { ranges: Record<number, boolean> }> } } }).style.glyphManager.entries
      return { latinRange: Object.values(entries).some((e) => e.ranges[0] === true), placed: map.queryRenderedFeatures({ layers: ['glyph-test'] }).length }
    })
    expect(glyphs).toEqual({ latinRange: true, placed: 1 })
    expect(glyphWarnings).toEqual([])
    expect(errors).toEqual([])
    expect(external).toEqual([])
    await page.close()
  })

  it('toggles every catalog layer from the panel and changes its opacity', async () => {
    const { page, errors, external } = await e2e.open(DESKTOP)
    for (const def of LAYERS) {
      const before = await deckOrMapLibreVisible(page, def.id)
      expect(before, def.id).toBe(DEFAULT_LAYERS.includes(def.id))
      await page.click(`[data-layer-toggle="${def.id}"]`)
      await expect.poll(() => deckOrMapLibreVisible(page, def.id), { message: def.id }).toBe(!before)
      expect(await page.isChecked(`[data-layer-toggle="${def.id}"]`)).toBe(!before)
    }
    // Now everything is on except the defaults; turn the defaults back on and look at all of it.
    for (const id of DEFAULT_LAYERS) await page.click(`[data-layer-toggle="${id}"]`)
    for (const def of LAYERS) expect(await deckOrMapLibreVisible(page, def.id), def.id).toBe(true)
    await page.evaluate(() => void window.pinganMap!.jumpTo({ center: [125.14, 42.905], zoom: 13.5 }))
    await waitIdle(page)
    await page.screenshot({ path: path.join(SHOTS, 'client-all-layers.png') })

    await setSlider(page, 'grid-cells', 40)
    await expect.poll(() => page.evaluate(() => window.pinganMap!.getPaintProperty('grid-cells-line', 'line-opacity'))).toBeCloseTo(0.6 * 0.4, 5)
    await setSlider(page, 'hazards', 50)
    await expect
      .poll(() => page.evaluate(() => (window.pinganDeck as unknown as { _deck: { layerManager: { getLayers(): Array<{ id: string; props: { opacity: number } }> } } })._deck.layerManager.getLayers().find((l) => l.id === 'hazards')?.props.opacity))
      .toBeCloseTo(0.5, 5)
    expect(errors).toEqual([])
    expect(external).toEqual([])
    await page.close()
  })

  it('opens a popup on a grid cell with the catalog labels in Chinese, and in English after switching', async () => {
    const cell = (await api<FeatureCollection>('/api/layers/grid-cells/features?limit=1')).features[0]!
    const [minX, minY, maxX, maxY] = bboxOf(cell)
    const hash = `#map=15.00/${((minY + maxY) / 2).toFixed(5)}/${((minX + maxX) / 2).toFixed(5)}&layers=admin-areas,grid-cells&lang=zh&measure=none`
    const { page, errors, external, glyphWarnings } = await e2e.open(DESKTOP, hash)
    const hit = await page.evaluate(() => {
      const map = window.pinganMap!
      const c = map.getCanvas()
      return map.queryRenderedFeatures([c.clientWidth / 2, c.clientHeight / 2], { layers: ['grid-cells-fill'] })[0]?.id ?? null
    })
    expect(hit).not.toBeNull()
    await page.mouse.click(DESKTOP.width / 2, DESKTOP.height / 2)
    const popup = page.locator('.feature-popup[data-layer="grid-cells"]')
    await popup.waitFor()
    expect(await popup.getAttribute('data-feature-id')).toBe(String(hit))
    await expect.poll(() => popup.locator('.fp-status').count()).toBe(0)
    const terms = async () => popup.locator('dt').allTextContents()
    expect(await terms()).toEqual(expect.arrayContaining(['网格编码', '户数', '人口', '社区民警', '派出所/分局', '社区/村代码', '更新时间']))
    const full = await api<Feature>(`/api/layers/grid-cells/features/${hit}`)
    const props = full.properties as { households: number; code: string; updated_at: string }
    expect(await popup.locator('[data-property="households"] dd').textContent()).toBe(new Intl.NumberFormat('zh-CN').format(props.households))
    expect(await popup.locator('.fp-name').textContent()).toBe(String(full.properties?.name))
    // References read as names: the station by name (no id), the community by its name and code, people by name (issue 15).
    await expect.poll(() => popup.locator('[data-property="station_id"] dd').textContent()).toMatch(/(派出所|分局|公安局)$/)
    await expect.poll(() => popup.locator('[data-property="officer_id"] dd .person-ref').textContent()).toMatch(/^[\u4e00-\u9fff]{2,4}$/)
    await expect.poll(() => popup.locator('[data-property="community_code"] dd').textContent()).toMatch(/(社区|村).*（\d{12}）$/)
    expect(await popup.locator('[data-property="updated_at"] dd').textContent()).toContain(beijing(props.updated_at).date)

    await page.click('#lang-toggle')
    await expect.poll(terms).toEqual(expect.arrayContaining(['Code', 'Households', 'Population', 'Community officer', 'Station', 'Updated']))
    expect(await popup.locator('.fp-layer').textContent()).toBe('Grid cells')
    expect(await page.textContent('#layer-panel .panel-header h2')).toBe('Layers')
    expect(await page.textContent('[data-layer="grid-cells"] .layer-title')).toBe('Grid cells')
    expect(await page.getAttribute('#search-input', 'placeholder')).toBe('Search places, cells, units, schools, people')
    expect(await page.textContent('.kpi[data-key="stations"] .k')).toBe('Police stations')
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    expect(await page.evaluate(() => window.location.hash)).toContain('lang=en')
    expect(await page.textContent('.maplibregl-ctrl-attrib')).toContain('Datum: WGS84')
    await page.screenshot({ path: path.join(SHOTS, 'client-popup-en.png') })

    await page.click('#lang-toggle')
    await expect.poll(terms).toEqual(expect.arrayContaining(['户数', '人口']))
    expect(await page.textContent('.maplibregl-ctrl-attrib')).toContain('坐标系：WGS84')
    expect(glyphWarnings).toEqual([])
    expect(errors).toEqual([])
    expect(external).toEqual([])
    await page.close()
  })

  it('picks deck.gl points: a hazard in plain words with Beijing time, and a cluster with its count', async () => {
    const hazard = (await api<FeatureCollection>('/api/layers/hazards/features?limit=1&status=reported')).features[0]!
    if (hazard.geometry?.type !== 'Point') throw new Error(`a hazard is a Point, given ${hazard.geometry?.type}`)
    const [lng, lat] = hazard.geometry.coordinates as [number, number]
    const { page, errors } = await e2e.open(DESKTOP, `#map=17.00/${lat.toFixed(6)}/${lng.toFixed(6)}&layers=hazards&lang=zh&measure=none`)
    await page.mouse.click(DESKTOP.width / 2, DESKTOP.height / 2)
    const popup = page.locator('.feature-popup[data-layer="hazards"]')
    await popup.waitFor()
    await expect.poll(() => popup.locator('.fp-status').count()).toBe(0)
    expect(await popup.getAttribute('data-feature-id')).toBe(String(hazard.id))
    expect(await popup.locator('[data-property="status"] dd').textContent()).toBe('已上报')
    expect(await popup.locator('[data-property="source"] dt').textContent()).toBe('来源')
    const reported = beijing(String(hazard.properties?.reported_at))
    const when = await popup.locator('[data-property="reported_at"] dd').textContent()
    expect(when).toContain(reported.date)
    expect(when).toContain(reported.time)
    await popup.page().click('.pingan-popup .maplibregl-popup-close-button')
    await expect.poll(() => page.locator('.pingan-popup').count()).toBe(0)

    // Zoomed out, hazards come as clusters with counts; a cluster's popup offers to zoom in.
    await page.evaluate(() => void window.pinganMap!.jumpTo({ center: [125.14, 42.905], zoom: 11 }))
    await waitIdle(page)
    // deck.gl loads its tiles on its own schedule (MapLibre's idle does not wait for them).
    const findCluster = () =>
      page.evaluate(() => {
        const picks = window.pinganDeck!.pickObjects({ x: 400, y: 100, width: 1100, height: 880, layerIds: ['hazards'] })
        const c = picks.map((p) => p.object as Feature).find((f) => Number(f.properties?.count) > 1 && f.geometry?.type === 'Point')
        if (!c || c.geometry.type !== 'Point') return null
        // pickObjects reports the query box, not where the object is: project its position.
        const at = window.pinganMap!.project(c.geometry.coordinates as [number, number])
        return { x: at.x, y: at.y, count: Number(c.properties?.count) }
      })
    await expect.poll(findCluster, { timeout: 30_000 }).not.toBeNull()
    const cluster = await findCluster()
    expect(cluster).not.toBeNull()
    await page.mouse.click(cluster!.x, cluster!.y)
    const bubble = page.locator('.feature-popup.cluster[data-layer="hazards"]')
    await bubble.waitFor()
    expect(await bubble.locator('.fp-name').textContent()).toBe(`此处共 ${cluster!.count} 条风险隐患`)
    const zoom = await page.evaluate(() => window.pinganMap!.getZoom())
    await bubble.locator('.fp-zoom').click()
    await expect.poll(() => page.evaluate(() => window.pinganMap!.getZoom()), { timeout: 10_000 }).toBeGreaterThanOrEqual(Math.max(zoom + 2, 13) - 0.01)
    expect(errors).toEqual([])
    await page.close()
  })

  it('keeps the view in the URL hash: a copied link reopens the same view', async () => {
    const { page, errors } = await e2e.open(DESKTOP)
    await page.click('[data-measure="population"]')
    await page.click('[data-layer-toggle="rivers"]')
    await page.click('[data-layer-toggle="schools"]')
    await page.click('#lang-toggle')
    await page.evaluate(() => void window.pinganMap!.jumpTo({ center: [125.2, 42.88], zoom: 11.5 }))
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(
      '#map=11.50/42.88000/125.20000&layers=admin-areas,police-units,grid-cells,rivers,hazards&lang=en&measure=population',
    )
    const hash = await page.evaluate(() => window.location.hash)
    await page.close()

    const again = await e2e.open(DESKTOP, hash)
    const view = await again.page.evaluate(() => {
      const map = window.pinganMap!
      return { centre: map.getCenter().toArray(), zoom: map.getZoom(), layers: window.pinganLayers!.visibleIds(), measure: window.pinganLayers!.measure }
    })
    expect(view.zoom).toBeCloseTo(11.5, 5)
    expect(view.centre[0]).toBeCloseTo(125.2, 4)
    expect(view.centre[1]).toBeCloseTo(42.88, 4)
    expect(view.layers).toEqual(['admin-areas', 'police-units', 'grid-cells', 'rivers', 'hazards'])
    expect(view.measure).toBe('population')
    expect(await again.page.getAttribute('html', 'lang')).toBe('en')
    expect(await again.page.getAttribute('[data-measure="population"]', 'aria-checked')).toBe('true')
    expect(await maplibreVisibility(again.page, 'rivers')).toEqual(['visible', 'visible'])
    expect(await maplibreVisibility(again.page, 'schools')).toEqual(['none', 'none'])
    expect(JSON.stringify(await again.page.evaluate(() => window.pinganMap!.getPaintProperty('grid-cells-fill', 'fill-color')))).toContain('population')

    // A hash edited by hand applies too.
    await again.page.evaluate(() => (window.location.hash = '#map=10.00/42.90000/125.10000&layers=grid-cells&lang=zh&measure=none'))
    await expect.poll(() => again.page.evaluate(() => window.pinganLayers!.visibleIds())).toEqual(['grid-cells'])
    expect(await again.page.getAttribute('html', 'lang')).toBe('zh-CN')
    expect(await again.page.evaluate(() => window.pinganMap!.getZoom())).toBeCloseTo(10, 5)
    expect(errors).toEqual([])
    expect(again.errors).toEqual([])
    await again.page.close()
  })

  it('draws the city centre with its grid cells (screenshot; the grid-cell area is not blank)', async () => {
    const { page, errors } = await e2e.open(WALL, CITY_CENTRE)
    await page.screenshot({ path: path.join(SHOTS, 'city-centre-grid-cells.png') })
    // Between the two panels, below the top bar: only map.
    const clip = { x: 420, y: 120, width: 1060, height: 860 }
    const cells = await page.evaluate(
      (c) => new Set(window.pinganMap!.queryRenderedFeatures([[c.x, c.y], [c.x + c.width, c.y + c.height]], { layers: ['grid-cells-fill'] }).map((f) => f.id)).size,
      clip,
    )
    expect(cells).toBeGreaterThan(20)
    const stats = await pixelStats(page, await page.screenshot({ clip }), BACKGROUND)
    expect(stats.stdDev).toBeGreaterThan(15)
    expect(stats.nonBackground).toBeGreaterThan(0.9)
    expect(stats.distinctColours).toBeGreaterThan(50)
    expect(errors).toEqual([])
    await page.close()
  })

  it('finds place names, villages and grid codes and flies there', async () => {
    const { page, errors } = await e2e.open(DESKTOP)
    const centreIn = async (f: Feature) => {
      const [minX, minY, maxX, maxY] = bboxOf(f)
      const [x, y] = await page.evaluate(() => window.pinganMap!.getCenter().toArray())
      return x! >= minX && x! <= maxX && y! >= minY && y! <= maxY
    }
    const search = async (q: string, layer: string) => {
      await page.fill('#search-input', q)
      await page.locator(`#search-results li[role="option"][data-layer="${layer}"]`).first().waitFor()
    }

    const district = (await api<FeatureCollection>(`/api/layers/admin-areas/features?q=${encodeURIComponent('龙山区')}`)).features[0]!
    await search('龙山区', 'admin-areas')
    expect(await page.textContent('#search-results li[role="option"] .sr-name')).toBe('龙山区')
    await page.press('#search-input', 'Enter')
    await expect.poll(() => centreIn(district), { timeout: 10_000 }).toBe(true)
    // The outline comes with the area's own request, which may answer after the map has moved (at once, without a GPU).
    const outlined = () => page.evaluate(() => (window.pinganMap!.getSource('search-highlight') as unknown as { serialize(): { data: FeatureCollection } }).serialize().data.features.map((f) => f.id))
    await expect.poll(outlined, { timeout: 10_000 }).toEqual([district.id])

    const name = String((await api<FeatureCollection>(`/api/layers/admin-areas/features?level=village&limit=1&q=${encodeURIComponent('村')}`)).features[0]!.properties?.name)
    await search(name, 'admin-areas')
    const first = page.locator('#search-results li[role="option"]').first()
    expect(await first.locator('.sr-name').textContent()).toBe(name)
    const village = await api<Feature>(`/api/layers/admin-areas/features/${await first.getAttribute('data-id')}`)
    expect(village.properties?.level).toBe('village')
    await first.click()
    await expect.poll(() => centreIn(village), { timeout: 10_000 }).toBe(true)

    const cell = (await api<FeatureCollection>('/api/layers/grid-cells/features?limit=1&sort=-households')).features[0]!
    await search(String(cell.properties?.code), 'grid-cells')
    await page.click(`#search-results li[data-layer="grid-cells"][data-id="${cell.id}"]`)
    await expect.poll(() => centreIn(cell), { timeout: 10_000 }).toBe(true)
    await expect.poll(() => page.evaluate(() => window.pinganMap!.getZoom())).toBeGreaterThan(12)

    // On PGlite one connection serves tiles and search alike: let the flight's tiles finish first.
    await waitIdle(page)
    await page.fill('#search-input', '不存在的地名')
    await expect.poll(() => page.textContent('#search-results .search-message'), { timeout: 15_000 }).toBe('没有找到“不存在的地名”')
    expect(errors).toEqual([])
    await page.close()
  })

  // The basemap setting reaches the page through GET /api/config (BASEMAP, TIANDITU_KEY; the
  // endpoint is tested in tests/api/server.test.ts). Here page.route answers it, so one server
  // can show both a WGS84-compatible and a GCJ-02 basemap.
  it('puts a configured raster basemap under the city layers and names its datum; a GCJ-02 one starts off', async () => {
    const tile = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')
    const withBasemap = (datum: string) => async (page: Page) => {
      await page.route('**/api/config', (route) =>
        route.fulfill({ json: { basemap: { name: '测试底图', attribution: '测试底图', datum, tiles: [`${e2e.url}/test-raster/{z}/{x}/{y}.png`], tileSize: 256 } } }),
      )
      await page.route('**/test-raster/**', (route) => route.fulfill({ body: tile, contentType: 'image/png' }))
    }
    const { page, errors, external } = await e2e.open(DESKTOP, '', withBasemap('CGCS2000'))
    const raster = () => page.evaluate(() => ({ layer: window.pinganMap!.getLayoutProperty('basemap-raster', 'visibility'), land: window.pinganMap!.getPaintProperty('basemap-land', 'fill-opacity') }))
    expect(await raster()).toEqual({ layer: 'visible', land: 0 })
    expect(await page.isChecked('[data-basemap-toggle="raster"]')).toBe(true)
    expect(await page.textContent('.maplibregl-ctrl-attrib')).toContain('底图：测试底图（CGCS2000）')
    await page.click('[data-basemap-toggle="raster"]')
    expect(await raster()).toEqual({ layer: 'none', land: 1 })
    // MapLibre drops a hidden source's attribution once the next frame has been drawn without it.
    await expect.poll(() => page.textContent('.maplibregl-ctrl-attrib'), { timeout: 10_000 }).not.toContain('测试底图')
    expect(errors).toEqual([])
    expect(external).toEqual([])
    await page.close()

    const gcj = await e2e.open(DESKTOP, '', withBasemap('GCJ-02'))
    expect(await gcj.page.evaluate(() => window.pinganMap!.getLayoutProperty('basemap-raster', 'visibility'))).toBe('none')
    expect(await gcj.page.isChecked('[data-basemap-toggle="raster"]')).toBe(false)
    expect(await gcj.page.textContent('[data-group="basemap"] .layer-note')).toBe('坐标系为 GCJ-02，与本图 WGS84 数据有偏移')
    expect(gcj.errors).toEqual([])
    await gcj.page.close()
  })

  for (const [name, viewport] of [['phone', PHONE], ['wall', WALL]] as const) {
    it(`fits its words on a ${name} screen in both languages, with collapsible panels`, async () => {
      const { page, errors, external } = await e2e.open(viewport)
      const overflowing = () =>
        page.evaluate(() => {
          const bad: string[] = []
          if (document.documentElement.scrollWidth > window.innerWidth) bad.push('page')
          const top = document.querySelector('.topbar')!
          if (top.scrollWidth > top.clientWidth + 1) bad.push('topbar')
          for (const e of document.querySelectorAll<HTMLElement>('.layer-title, .kpi .k, .panel-header h2, .tb-btn')) {
            if (e.offsetParent && e.scrollWidth > e.clientWidth + 1) bad.push(e.textContent ?? '')
          }
          return bad
        })
      const layersOpen = () => page.getAttribute('#layer-panel', 'data-open')
      expect(await layersOpen()).toBe(name === 'phone' ? 'false' : 'true')
      if (name === 'phone') await page.click('#toggle-layers')
      expect(await page.isVisible('[data-layer-toggle="incidents"]')).toBe(true)
      expect(await overflowing()).toEqual([])
      await page.click('#lang-toggle')
      expect(await overflowing()).toEqual([])
      await page.screenshot({ path: path.join(SHOTS, `client-${name}-layers-en.png`) })
      await page.click('#lang-toggle')
      await page.click('[data-layer-toggle="incidents"]')
      await expect.poll(() => deckLayerVisible(page, 'incidents')).toBe(true)
      await page.click('#layer-panel .panel-close')
      expect(await layersOpen()).toBe('false')
      expect(await page.isVisible('[data-layer-toggle="incidents"]')).toBe(false)
      expect(await page.getAttribute('#toggle-layers', 'aria-expanded')).toBe('false')
      await page.click('#toggle-headlines')
      expect(await page.getAttribute('#headlines', 'data-open')).toBe('false')
      await waitIdle(page)
      await page.screenshot({ path: path.join(SHOTS, `client-${name}-map.png`) })
      expect(errors).toEqual([])
      expect(external).toEqual([])
      await page.close()
    })
  }
})
