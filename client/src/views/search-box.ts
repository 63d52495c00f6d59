import type maplibregl from 'maplibre-gl'
import type { Feature, FeatureCollection, Position } from 'geojson'
import { api } from '../api/client.ts'
import { onLangChange, t, valueLabel } from '../i18n.ts'
import type { LayerController } from '../layers/layer-controller.ts'
import { addToSlot } from '../map/slots.ts'

const HIGHLIGHT = 'search-highlight'
const LEVEL_RANK: Record<string, number> = { city: 0, district: 1, town: 2, village: 3 }

interface Result {
  layer: 'admin-areas' | 'grid-cells'
  feature: Feature
}

function bboxOf(feature: Feature): [number, number, number, number] | null {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as Position as [number, number]
      minX = Math.min(minX, x)
      minY = Math.min(minY, y)
      maxX = Math.max(maxX, x)
      maxY = Math.max(maxY, y)
    } else if (Array.isArray(c)) for (const x of c) visit(x)
  }
  const g = feature.geometry
  if (g && g.type !== 'GeometryCollection') visit(g.coordinates)
  return Number.isFinite(minX) ? [minX, minY, maxX, maxY] : null
}

/**
 * Find a place (district, town, village or community by name), a grid cell (by name or exact
 * code) and fly there, outlining what was found.
 */
export class SearchBox {
  private readonly input = document.createElement('input')
  private readonly list = document.createElement('ul')
  private results: Result[] = []
  private active = -1
  private timer = 0
  private request: AbortController | null = null

  constructor(
    root: HTMLElement,
    private readonly map: maplibregl.Map,
    private readonly layers: LayerController,
  ) {
    root.setAttribute('role', 'search')
    this.input.type = 'search'
    this.input.id = 'search-input'
    this.input.autocomplete = 'off'
    this.input.setAttribute('role', 'combobox')
    this.input.setAttribute('aria-expanded', 'false')
    this.input.setAttribute('aria-controls', 'search-results')
    this.input.setAttribute('aria-autocomplete', 'list')
    this.list.id = 'search-results'
    this.list.setAttribute('role', 'listbox')
    this.list.hidden = true
    root.append(this.input, this.list)
    this.words()
    onLangChange(() => {
      this.words()
      if (this.results.length) this.show()
    })
    this.input.addEventListener('input', () => this.schedule())
    this.input.addEventListener('keydown', (e) => this.onKey(e))
    this.input.addEventListener('blur', () => setTimeout(() => (this.list.hidden = true), 150))
    this.input.addEventListener('focus', () => (this.list.hidden = this.list.childElementCount === 0))
    map.addSource(HIGHLIGHT, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
    addToSlot(map, 'points', { id: HIGHLIGHT, type: 'line', source: HIGHLIGHT, paint: { 'line-color': '#fbbf24', 'line-width': 3, 'line-blur': 0.5 } })
  }

  private words(): void {
    this.input.placeholder = t('search.placeholder')
    this.input.setAttribute('aria-label', t('search.label'))
  }

  private schedule(): void {
    clearTimeout(this.timer)
    this.timer = window.setTimeout(() => void this.search(this.input.value.trim()), 250)
  }

  private async search(q: string): Promise<void> {
    this.request?.abort()
    if (!q) {
      this.results = []
      this.list.hidden = true
      return
    }
    const ask = (this.request = new AbortController())
    this.message(t('search.searching'))
    const looksLikeCode = /^\d[\d-]{5,}$/.test(q)
    const queries: Array<Promise<Result[]>> = [
      api.features('admin-areas', { q, limit: '8' }, ask.signal).then((fc) => tag('admin-areas', fc)),
      api.features('grid-cells', { q, limit: '6' }, ask.signal).then((fc) => tag('grid-cells', fc)),
    ]
    if (looksLikeCode) {
      queries.push(api.features('grid-cells', { code: q, limit: '1' }, ask.signal).then((fc) => tag('grid-cells', fc)))
      queries.push(api.features('admin-areas', { code: q, limit: '1' }, ask.signal).then((fc) => tag('admin-areas', fc)))
    }
    try {
      const found = (await Promise.all(queries)).flat()
      if (ask.signal.aborted) return
      const seen = new Set<string>()
      this.results = found
        .filter((r) => {
          const key = `${r.layer}/${r.feature.id}`
          return seen.has(key) ? false : (seen.add(key), true)
        })
        .sort((a, b) => rank(a) - rank(b))
      this.active = this.results.length ? 0 : -1
      if (this.results.length) this.show()
      else this.message(t('search.none', { q }))
    } catch (err) {
      if (!ask.signal.aborted) this.message(t('search.failed', { message: (err as Error).message }))
    }
  }

  private message(text: string): void {
    this.input.setAttribute('aria-expanded', 'true')
    const li = document.createElement('li')
    li.className = 'search-message'
    li.textContent = text
    this.list.replaceChildren(li)
    this.list.hidden = false
  }

  private show(): void {
    this.list.replaceChildren(
      ...this.results.map((r, i) => {
        const li = document.createElement('li')
        li.setAttribute('role', 'option')
        li.setAttribute('aria-selected', String(i === this.active))
        li.dataset.layer = r.layer
        li.dataset.id = String(r.feature.id)
        const p = r.feature.properties ?? {}
        const name = document.createElement('span')
        name.className = 'sr-name'
        name.textContent = String(p.name ?? p.code ?? '')
        const kind = document.createElement('span')
        kind.className = 'sr-kind'
        kind.textContent = r.layer === 'grid-cells' ? `${t('search.kind.grid')} · ${p.code ?? ''}` : `${valueLabel('admin-areas', 'kind', String(p.kind ?? p.level ?? ''))} · ${p.code ?? ''}`
        li.append(name, kind)
        li.addEventListener('mousedown', (e) => {
          e.preventDefault()
          this.pick(r)
        })
        return li
      }),
    )
    this.list.hidden = false
    this.input.setAttribute('aria-expanded', 'true')
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!this.results.length) return
      e.preventDefault()
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : this.results.length - 1)) % this.results.length
      this.show()
    } else if (e.key === 'Enter') {
      clearTimeout(this.timer)
      const r = this.results[Math.max(0, this.active)]
      if (r) this.pick(r)
      else void this.search(this.input.value.trim())
    } else if (e.key === 'Escape') {
      this.list.hidden = true
    }
  }

  /** Flies to the result and outlines it; a grid cell turns the grid layer on. */
  pick(r: Result): void {
    this.list.hidden = true
    this.input.setAttribute('aria-expanded', 'false')
    this.input.value = String(r.feature.properties?.name ?? '')
    if (r.layer === 'grid-cells') this.layers.setVisible('grid-cells', true)
    const source = this.map.getSource(HIGHLIGHT) as maplibregl.GeoJSONSource | undefined
    source?.setData({ type: 'FeatureCollection', features: [r.feature] } satisfies FeatureCollection)
    const bbox = bboxOf(r.feature)
    if (bbox) this.map.fitBounds(bbox, { padding: window.innerWidth < 720 ? 40 : 120, maxZoom: 15, duration: 1400 })
  }
}

const tag = (layer: Result['layer'], fc: FeatureCollection): Result[] => fc.features.map((feature) => ({ layer, feature }))
const rank = (r: Result) => (r.layer === 'grid-cells' ? 10 : (LEVEL_RANK[String(r.feature.properties?.level)] ?? 5))
