import type maplibregl from 'maplibre-gl'
import type { FeatureCollection } from 'geojson'
import { api } from '../api/client.ts'
import { errorText } from '../api/error-text.ts'
import { onLangChange, t, valueLabel } from '../i18n.ts'
import type { LayerController } from '../layers/layer-controller.ts'
import { addToSlot } from '../map/slots.ts'
import { afterMove, flyToPoint, openMapPadding } from '../people/map-fit.ts'
import { closePerson, openFeature, openPerson } from '../people/open-events.ts'
import { peopleApi, type PersonRole, type SearchResult } from '../people/people-api.ts'
import { roleLabel } from '../people/person-card.ts'

const HIGHLIGHT = 'search-highlight'
/** Areas outlined when found; points get their popup. */
const AREA_LAYERS = new Set(['admin-areas', 'grid-cells'])

/** What a result is, in words: the kind, and the level, kind or role within it. */
function kindWords(r: SearchResult): string {
  switch (r.kind) {
    case 'place':
      return r.type ? valueLabel('admin-areas', 'kind', r.type) : t('search.kind.place')
    case 'grid':
      return t('search.kind.grid')
    case 'unit':
      return r.type ? valueLabel('police-units', 'kind', r.type) : t('search.kind.unit')
    case 'school':
      return r.type ? valueLabel('schools', 'kind', r.type) : t('search.kind.school')
    case 'room':
      return t('search.kind.room')
    case 'person':
      return r.type ? roleLabel(r.type as PersonRole) : t('search.kind.person')
    default:
      return r.kind satisfies never
  }
}

/**
 * The search box: places (districts, towns, villages, communities), grid cells (by name or
 * code), police units, schools, mediation rooms and people, by Chinese, pinyin or initials
 * (`GET /api/search`). A result says what it is, its name and where it sits; choosing one
 * flies there and opens its popup, or the person's card.
 */
export class SearchBox {
  private readonly input = document.createElement('input')
  private readonly list = document.createElement('ul')
  private results: SearchResult[] = []
  private active = -1
  private timer = 0
  private request: AbortController | null = null
  private lastQuery = ''

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
    this.lastQuery = q
    if (!q) {
      this.results = []
      this.list.hidden = true
      return
    }
    const ask = (this.request = new AbortController())
    this.message(t('search.searching'))
    try {
      const answer = await peopleApi.search(q, ask.signal)
      if (ask.signal.aborted) return
      this.results = answer.results
      this.active = this.results.length ? 0 : -1
      if (this.results.length) this.show()
      else this.message(t('search.none', { q }))
    } catch (err) {
      if (ask.signal.aborted) return
      console.warn('search failed:', err)
      this.message(t('search.failed', { message: errorText(err) }))
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
        li.dataset.kind = r.kind
        li.dataset.id = String(r.id)
        if (r.layer) li.dataset.layer = r.layer
        const line = span('sr-line')
        const kind = span('sr-kind', kindWords(r))
        kind.dataset.kind = r.kind
        line.append(kind, span('sr-name', r.name))
        const where = [...r.context]
        if (r.code && r.kind !== 'unit') where.push(r.code)
        li.append(line)
        if (where.length) li.append(span('sr-context', where.join(' · ')))
        li.title = [r.name, ...where].join(' · ')
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
      if (r && this.lastQuery === this.input.value.trim()) this.pick(r)
      else void this.search(this.input.value.trim())
    } else if (e.key === 'Escape') {
      this.list.hidden = true
    }
  }

  /** Flies to the result and opens it: an area outlined with its popup, a point's popup, a person's card. */
  pick(r: SearchResult): void {
    this.list.hidden = true
    this.input.setAttribute('aria-expanded', 'false')
    this.input.value = r.name
    this.highlight({ type: 'FeatureCollection', features: [] })
    if (r.kind === 'person') {
      openPerson(String(r.id))
      return
    }
    closePerson()
    const layer = r.layer!
    if (layer !== 'admin-areas') this.layers.setVisible(layer, true)
    if (r.bbox) this.map.fitBounds([[r.bbox[0], r.bbox[1]], [r.bbox[2], r.bbox[3]]], { padding: openMapPadding(this.map), maxZoom: r.kind === 'grid' ? 16 : 15, duration: 1200 })
    else if (r.point) flyToPoint(this.map, r.point, 15, 1200)
    if (AREA_LAYERS.has(layer)) {
      void api.feature(layer, r.id).then(
        (f) => this.highlight({ type: 'FeatureCollection', features: [f] }),
        (err: unknown) => console.warn('search: cannot outline the result', err),
      )
    }
    const point = r.point
    if (point) afterMove(this.map, 1600, () => openFeature({ layer, id: r.id, lngLat: point, name: r.name }))
  }

  private highlight(data: FeatureCollection): void {
    const source = this.map.getSource(HIGHLIGHT) as maplibregl.GeoJSONSource | undefined
    source?.setData(data)
  }
}

function span(className: string, text?: string): HTMLSpanElement {
  const s = document.createElement('span')
  s.className = className
  if (text !== undefined) s.textContent = text
  return s
}
