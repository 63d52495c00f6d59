import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { analysisIdle, apiReader, DESKTOP, e2eSession, PHONE, SHOTS, type ApiGet, type WatchedPage } from './page-helpers.ts'

function clean(w: WatchedPage): void {
  expect(w.errors).toEqual([])
  expect(w.external).toEqual([])
}

/** The four-seasons screen (四季排查) in Chromium, against its API. */
describe('the four-seasons screen in Chromium', () => {
  let apiGet: ApiGet
  const e2e = e2eSession('seasons', {
    env: { ALERT_INTERVAL_S: '0' },
    setup: async (s) => {
      apiGet = await apiReader(s.url)
    },
  })

  it('screens by the four seasons: this season’s focus, the cells to visit first on the map and as a list, per station, in both languages, on a desk and a phone', async () => {
    interface Seasonal {
      parameters: { season: string; focus_category: string }
      screen: Array<{ grid_id: number; name: string }>
      stations: Array<{ station_id: number; station_name: string; flagged: number }>
      cells: Array<{ grid_id: number; focus: { screen: boolean; this_season_open: number; this_season: number } }>
    }
    for (const [size, name] of [[DESKTOP, 'desk'], [PHONE, 'phone']] as const) {
      const w = await e2e.open(size, '#map=10.00/42.90000/125.15000&layers=admin-areas&lang=zh&mode=seasons')
      const { page } = w
      await analysisIdle(page)
      const api = await apiGet<Seasonal>('/api/analysis/seasonal')
      expect(await page.textContent('#analysis-panel .panel-header h2')).toBe('四季排查')
      expect(await page.getAttribute('.an-season-now', 'data-season')).toBe(api.parameters.season)
      expect(await page.getAttribute('.an-season-now', 'data-focus')).toBe(api.parameters.focus_category)
      // The demo city shows the pattern; the list is the API's, in its order, by name.
      expect(api.screen.length).toBeGreaterThan(3)
      expect(await page.textContent('.an-kpi[data-key="flagged"] .v')).toBe(api.screen.length.toLocaleString('zh-CN'))
      const listed = await page.$$eval('.an-visit-list .an-cell', (bs) => bs.map((b) => ({ id: Number((b as HTMLElement).dataset.cellId), name: b.querySelector('.an-cell-name')!.textContent })))
      expect(listed).toEqual(api.screen.slice(0, 15).map((c) => ({ id: c.grid_id, name: c.name })))
      const stations = await page.$$eval('.an-season-stations tr[data-station-id]', (trs) => trs.map((tr) => tr.querySelector('td')!.textContent))
      expect(stations).toEqual(api.stations.map((st) => st.station_name))
      // The map: every flagged cell drawn in its class.
      if (name === 'desk') {
        const drawn = await page.evaluate(() => window.pinganMap!.queryRenderedFeatures({ layers: ['analysis-seasons-fill'] }).map((f) => ({ id: Number(f.properties.id), cls: String(f.properties.class) })))
        const byId = new Map(api.cells.map((c) => [c.grid_id, c]))
        const want = (id: number) => { const c = byId.get(id)!; return c.focus.screen ? (c.focus.this_season_open > 0 ? 'visit' : 'flagged') : c.focus.this_season > 0 ? 'active' : 'none' }
        expect(drawn.length).toBeGreaterThan(50)
        for (const d of drawn) expect(d.cls, `cell ${d.id}`).toBe(want(d.id))
        expect(drawn.some((d) => d.cls === 'visit' || d.cls === 'flagged')).toBe(true)
        // A listed cell: the map goes there and outlines it.
        const first = api.screen[0]!
        await page.click(`.an-visit-list .an-cell[data-cell-id="${first.grid_id}"]`)
        await page.waitForFunction(() => !window.pinganMap!.isMoving())
        expect(await page.evaluate((id) => window.pinganMap!.getFeatureState({ source: 'analysis-seasons', id }).selected, first.grid_id)).toBe(true)
      }
      // Nothing cut off in the panel or the mode switch.
      const cut = await page.$$eval('.mode-switch button, #analysis-panel h2, #analysis-panel h3, #analysis-panel .an-label, #analysis-panel .an-cell-name, #analysis-panel td, #analysis-panel .an-kpi .k', (es) => es.filter((e) => e.scrollWidth > (e as HTMLElement).clientWidth + 1).map((e) => e.textContent))
      expect(cut).toEqual([])
      await page.screenshot({ path: path.join(SHOTS, `analysis-seasons-${name}.png`) })
      await page.click('#lang-toggle')
      expect(await page.textContent('#analysis-panel .panel-header h2')).toBe('Four-seasons screening')
      expect(await page.textContent('.an-season-line')).toMatch(/^This season: /)
      expect(await page.textContent('.an-season-stations th')).toBe('Unit')
      await page.screenshot({ path: path.join(SHOTS, `analysis-seasons-${name}-en.png`) })
      clean(w)
      await page.close()
    }
  }, 600_000)
})
