import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { findOverflows } from './layout-check.ts'
import { analysisIdle, apiReader, e2eSession, PHONE, setLang, SHOTS, type ApiGet } from './page-helpers.ts'

/** The smaller common laptop screen (issue 15's sizes). */
const LAPTOP = { width: 1366, height: 768 } as const

interface Emerging {
  summary: { bins: number; categories: Record<string, number> }
  features: Array<{ properties: { i: number; j: number; category: string; place: string | null; total: number; counts: number[] } }>
}

const WATCH = ['new-hot', 'intensifying-hot', 'consecutive-hot', 'persistent-hot']

/** Issue 18: emerging hot spots on the map for the command centre, against the API. */
describe('emerging hot spots in Chromium', () => {
  let apiGet: ApiGet
  const e2e = e2eSession('emerging', {
    env: { ALERT_INTERVAL_S: '0' },
    setup: async (s) => {
      apiGet = await apiReader(s.url)
    },
  })

  it('switches the hotspot mode to emerging trends: bins by category as the API says, the new and intensifying ones by place, a bin\'s series on click, both languages, desk and phone', async () => {
    for (const [size, name] of [[LAPTOP, 'desk'], [PHONE, 'phone']] as const) {
      const w = await e2e.open(size, '#map=10.00/42.90000/125.15000&lang=zh&mode=hotspots&aq=kind:emerging;step:month')
      const { page } = w
      await analysisIdle(page)
      await page.waitForSelector('.an-emerging-legend', { timeout: 60_000 })
      const api = await apiGet<Emerging>('/api/analysis/emerging-hotspots?layer=incidents&cell=500&step=month')
      expect(await page.getAttribute('.an-kind [data-kind="emerging"]', 'aria-checked')).toBe('true')
      expect(await page.textContent('#analysis-panel .panel-header h2')).toBe('新兴时空热点')
      // The legend: every category present, with the API's count.
      const legend = await page.$$eval('.an-emerging-legend li', (lis) => lis.map((li) => [(li as HTMLElement).dataset.category!, li.querySelector('.an-class-count')!.textContent!.replace(/,/g, '')]))
      const present = Object.entries(api.summary.categories).filter(([c, n]) => n > 0 || c === 'no-pattern').map(([c, n]) => [c, String(n)])
      expect(legend.sort()).toEqual(present.sort())
      // The demo city has hot spots getting worse or persisting; the list is the API's, worst first.
      const watched = api.features.map((f) => f.properties).filter((p) => WATCH.includes(p.category))
      expect(watched.length).toBeGreaterThan(0)
      const wantOrder = [...watched].sort((a, b) => WATCH.indexOf(a.category) - WATCH.indexOf(b.category) || b.total - a.total).slice(0, 12)
      const listed = await page.$$eval('.an-watch-list .an-cell', (bs) => bs.map((b) => ({ bin: (b as HTMLElement).dataset.bin, category: (b as HTMLElement).dataset.category, name: b.querySelector('.an-cell-name')!.textContent })))
      expect(listed.map((l) => l.category)).toEqual(wantOrder.map((p) => p.category))
      expect(listed.map((l) => l.name)).toEqual(wantOrder.map((p) => p.place ?? '（城区外）'))
      if (name === 'desk') {
        // Drawn on the map in their categories.
        const drawn = await page.evaluate(() => window.pinganMap!.queryRenderedFeatures({ layers: ['analysis-emerging-fill'] }).map((f) => [String(f.properties.key), String(f.properties.category)]))
        const byKey = new Map(api.features.map((f) => [`${f.properties.i}:${f.properties.j}`, f.properties.category]))
        expect(drawn.length).toBeGreaterThan(100)
        for (const [key, category] of drawn) expect(category, key).toBe(byKey.get(key!))
      }
      // A listed place: the map goes there, outlines the bin, and the panel shows its series.
      const first = listed[0]!
      await page.click(`.an-watch-list .an-cell[data-bin="${first.bin}"]`)
      await page.waitForSelector(`.an-series[data-bin="${first.bin}"] svg`)
      const bars = await page.$$eval('.an-series .an-series-bar', (rs) => rs.length)
      const series = api.features.find((f) => `${f.properties.i}:${f.properties.j}` === first.bin)!.properties.counts
      expect(bars).toBe(series.length)
      await page.waitForFunction(() => !window.pinganMap!.isMoving())
      expect(await page.evaluate((key) => window.pinganMap!.getFeatureState({ source: "analysis-emerging", id: key }).selected, first.bin!)).toBe(true)
      expect(await findOverflows(page)).toEqual([])
      await page.screenshot({ path: path.join(SHOTS, `analysis-emerging-${name}.png`) })
      await setLang(page, 'en')
      expect(await page.textContent('.an-kind [data-kind="emerging"]')).toBe('Emerging trends')
      expect(await page.textContent('#analysis-panel .panel-header h2')).toBe('Emerging hot spots')
      expect(await page.textContent('.an-emerging-legend .legend-title')).toBe('Emerging hot spots (Esri categories)')
      expect(await findOverflows(page)).toEqual([])
      await page.screenshot({ path: path.join(SHOTS, `analysis-emerging-${name}-en.png`) })
      // Back to the hot spots of now: the Gi* legend returns, the emerging bins leave the map.
      await page.click('.an-kind [data-kind="gi"]')
      await page.waitForSelector('.an-classes li[data-class="hot-99"]')
      expect(await page.textContent('#analysis-panel .panel-header h2')).toMatch(/Gi\*/)
      expect(await page.evaluate(() => window.pinganMap!.getLayoutProperty('analysis-emerging-fill', 'visibility'))).toBe('none')
      expect(w.errors).toEqual([])
      expect(w.external).toEqual([])
      await page.close()
    }
  }, 600_000)

  it('measures patrol dosage in the hot spots: classes on the map and the worst first as the API says, a hot spot\'s days on click, both languages', async () => {
    interface Dosage { bins: Array<{ i: number; j: number; place: string | null; days: Array<{ date: string }>; days_met: number; minutes_per_day: number }> }
    for (const [size, name] of [[LAPTOP, 'desk'], [PHONE, 'phone']] as const) {
    const w = await e2e.open(size, '#map=10.00/42.90000/125.15000&lang=zh&mode=hotspots&aq=kind:dosage')
    const { page } = w
    await analysisIdle(page)
    await page.waitForSelector('.an-dosage-legend', { timeout: 60_000 })
    expect(await page.textContent('#analysis-panel .panel-header h2')).toBe('热点巡防剂量')
    const day = (n: number) => new Date(Date.now() + 8 * 3_600_000 - n * 86_400_000).toISOString().slice(0, 10)
    const api = await apiGet<Dosage>(`/api/analysis/dosage?from=${day(6)}T00:00:00%2B08:00&to=${day(0)}T23:59:59%2B08:00&hotspots=gi&cell=500&target=3`)
    expect(api.bins.length).toBeGreaterThan(0)
    const cls = (b: Dosage['bins'][number]) => (b.days_met === b.days.length ? 'met' : b.days_met > 0 ? 'some' : 'none')
    const listed = await page.$$eval('.an-dosage-worst .an-cell', (bs) => bs.map((b) => [(b as HTMLElement).dataset.bin, (b as HTMLElement).dataset.class]))
    expect(listed).toEqual(api.bins.slice(0, 15).map((b) => [`${b.i}:${b.j}`, cls(b)]))
    const drawn = await page.evaluate(() => window.pinganMap!.querySourceFeatures('analysis-dosage').map((f) => [String(f.properties.key), String(f.properties.category)]))
    const byKey = new Map(api.bins.map((b) => [`${b.i}:${b.j}`, cls(b)]))
    expect(new Set(drawn.map((d) => d[0])).size).toBe(api.bins.length)
    for (const [key, category] of drawn) expect(category, key).toBe(byKey.get(key!))
    await page.click(`.an-dosage-worst .an-cell[data-bin="${listed[0]![0]}"]`)
    await page.waitForSelector(`.an-dosage-days[data-bin="${listed[0]![0]}"] table`)
    expect(await page.$$eval('.an-dosage-days tr[data-met]', (trs) => trs.length)).toBe(api.bins[0]!.days.length)
    // The stations with hot spots, as the API gives them.
    interface St { station_id: number; hot_spots: number }
    const stations = (await apiGet<{ stations: St[] }>(`/api/analysis/dosage?from=${day(6)}T00:00:00%2B08:00&to=${day(0)}T23:59:59%2B08:00&hotspots=gi&cell=500&target=3`)).stations
    const shownStations = await page.$$eval('.an-dosage-stations tr[data-station-id]', (trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.stationId)).sort((x, y) => x - y))
    expect(shownStations).toEqual(stations.filter((st) => st.hot_spots > 0).map((st) => st.station_id).sort((x, y) => x - y))
    expect(await findOverflows(page)).toEqual([])
    await page.screenshot({ path: path.join(SHOTS, `analysis-dosage-${name}.png`) })
    await setLang(page, 'en')
    expect(await page.textContent('#analysis-panel .panel-header h2')).toBe('Patrol dosage in hot spots')
    expect(await findOverflows(page)).toEqual([])
    await page.screenshot({ path: path.join(SHOTS, `analysis-dosage-${name}-en.png`) })
    expect(w.errors).toEqual([])
    await page.close()
    }
  }, 300_000)
})
