import maplibregl from 'maplibre-gl'
import type { Feature } from 'geojson'
import { findLayer, type LayerDef } from '../../../data/catalog/layers.ts'
import { api } from '../api/client.ts'
import { reportError } from '../api/error-text.ts'
import { label, onLangChange, t } from '../i18n.ts'
import type { DeckLayers } from '../layers/deck-layers.ts'
import { pointCount } from '../layers/deck-points-layer.ts'
import type { LayerController } from '../layers/layer-controller.ts'
import { describeReference } from './feature-references.ts'
import { onOpenFeature, onOpenPerson, type OpenFeatureDetail } from '../people/open-events.ts'
import { personKeyOf, personRef } from '../people/person-ref.ts'
import { formatValue, shownProperties } from './feature-format.ts'
import { layerSwatch } from './legend.ts'

/** What a click hit: a catalog layer's feature from a tile (maybe a cluster). */
interface Hit {
  def: LayerDef
  id: number | string | undefined
  properties: Record<string, unknown>
  lngLat: maplibregl.LngLat
  /** For MapLibre features: where to set the `selected` feature state. */
  state?: { source: string; sourceLayer: string; id: number | string }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  if (className) e.className = className
  if (text !== undefined) e.textContent = text
  return e
}

/**
 * Click a feature, read it in plain words: the catalog labels in the current language, values
 * translated, times in Beijing time, referenced stations/grids/schools by name. The popup shows
 * the tile's properties at once and the full feature from the API when it arrives; a cluster
 * offers to zoom in.
 */
export class FeaturePopup {
  private readonly popup = new maplibregl.Popup({ className: 'pingan-popup', maxWidth: '340px', focusAfterOpen: false })
  private hit: Hit | null = null
  private full: Feature | null = null
  private status: string | null = null
  private request: AbortController | null = null
  /** Names arrive after the popup is drawn (references, people) and may make it taller: kept in view then too. */
  private readonly resized = new ResizeObserver(() => requestAnimationFrame(() => this.hit && this.keepInView()))

  constructor(
    private readonly map: maplibregl.Map,
    private readonly layers: LayerController,
    private readonly deck: DeckLayers,
  ) {
    map.on('click', (e) => this.onClick(e))
    // Search results, person cards and lists open a feature's popup without a click on it.
    onOpenFeature((detail) => this.openFeature(detail))
    // A person's card moves the map to their cells: a popup left behind would point at nothing there.
    onOpenPerson(() => this.popup.remove())
    this.popup.on('close', () => this.clear())
    onLangChange(() => this.render())
    this.setupCursor()
  }

  private pick(point: maplibregl.Point, lngLat: maplibregl.LngLat): Hit | null {
    const info = this.deck.overlay.pickObject({ x: point.x, y: point.y, radius: 6 })
    const deckDef = info?.layer ? findLayer(info.layer.id) : undefined
    // The live view's layers open their own unit card.
    if (info?.layer?.id.startsWith('live-')) return null
    if (info?.object && deckDef) {
      const f = info.object as Feature
      return { def: deckDef, id: f.id, properties: { ...f.properties }, lngLat: info.coordinate ? new maplibregl.LngLat(info.coordinate[0]!, info.coordinate[1]!) : lngLat }
    }
    const layers = this.layers.clickableLayerIds()
    if (layers.length === 0) return null
    const box: [maplibregl.PointLike, maplibregl.PointLike] = [[point.x - 4, point.y - 4], [point.x + 4, point.y + 4]]
    const f = this.map.queryRenderedFeatures(box, { layers })[0]
    const def = f ? findLayer(f.source) : undefined
    if (!f || !def) return null
    return {
      def,
      id: f.id,
      properties: { ...f.properties },
      lngLat,
      ...(f.id !== undefined && f.sourceLayer ? { state: { source: f.source, sourceLayer: f.sourceLayer, id: f.id } } : {}),
    }
  }

  private onClick(e: maplibregl.MapMouseEvent): void {
    // Another view used this click (the officer's location picker).
    if (e.defaultPrevented) return
    const hit = this.pick(e.point, e.lngLat)
    if (!hit) {
      this.popup.remove()
      return
    }
    this.show(hit)
  }

  /** The popup of a feature named by layer and id (a search result, a cell on a person's card), read from the API. */
  openFeature(detail: OpenFeatureDetail): void {
    const def = findLayer(detail.layer)
    if (!def) return
    const properties: Record<string, unknown> = def.nameColumn && detail.name ? { [def.nameColumn]: detail.name } : {}
    this.show({ def, id: detail.id, properties, lngLat: new maplibregl.LngLat(detail.lngLat[0], detail.lngLat[1]) })
  }

  private show(hit: Hit): void {
    // An open popup closes first: its 'close' (which clears) must not land after the new hit is set.
    this.popup.remove()
    this.clear()
    this.hit = hit
    if (hit.state) this.map.setFeatureState(hit.state, { selected: true })
    this.popup.setLngLat(hit.lngLat).setDOMContent(el('div')).addTo(this.map)
    this.render()
    this.keepInView()
    if (pointCount({ properties: hit.properties }) > 1 || hit.id === undefined) return
    this.status = t('popup.loading')
    this.request = new AbortController()
    const ask = this.request
    api
      .feature(hit.def.id, hit.id, ask.signal)
      .then((f) => {
        if (this.hit !== hit) return
        this.full = f
        this.status = null
        this.render()
        this.keepInView()
      })
      .catch((err: unknown) => {
        if (this.hit !== hit || ask.signal.aborted) return
        this.status = t('popup.failed', { message: reportError(`popup ${hit.def.id}/${String(hit.id)}`, err) })
        this.render()
      })
    this.render()
  }

  /**
   * Pans the map so the popup is not under the top bar or an open panel (side panels on a wide
   * screen, bottom sheets on a phone): MapLibre only keeps it inside the map's own box.
   */
  private keepInView(): void {
    const box = this.popup.getElement()?.getBoundingClientRect()
    if (!box) return
    const margin = 8
    // The top bar, and the analysis mode switch hanging below it on narrower screens.
    let top = Math.max(0, ...[...document.querySelectorAll('.topbar, .mode-switch')].map((e) => e.getBoundingClientRect().bottom)) + margin
    let bottom = window.innerHeight - margin
    let left = margin
    let right = window.innerWidth - margin
    for (const panel of document.querySelectorAll<HTMLElement>('.panel[data-open="true"]')) {
      const r = panel.getBoundingClientRect()
      if (r.width > window.innerWidth * 0.6) bottom = Math.min(bottom, r.top - margin)
      else if (r.left + r.width / 2 < window.innerWidth / 2) left = Math.max(left, r.right + margin)
      else right = Math.min(right, r.left - margin)
    }
    top = Math.min(top, bottom)
    const dx = box.left < left ? box.left - left : box.right > right ? Math.min(box.right - right, box.left - left) : 0
    const dy = box.top < top ? box.top - top : box.bottom > bottom ? Math.min(box.bottom - bottom, box.top - top) : 0
    if (dx || dy) this.map.panBy([dx, dy], { duration: 300 })
  }

  private clear(): void {
    this.request?.abort()
    this.request = null
    if (this.hit?.state) this.map.setFeatureState(this.hit.state, { selected: false })
    this.hit = null
    this.full = null
    this.status = null
  }

  private render(): void {
    const hit = this.hit
    if (!hit) return
    const props = (this.full?.properties as Record<string, unknown> | null) ?? hit.properties
    const root = el('div', 'feature-popup')
    root.dataset.layer = hit.def.id
    if (hit.id !== undefined) root.dataset.featureId = String(hit.id)
    const head = el('div', 'fp-head')
    const titles = el('div')
    const count = pointCount({ properties: hit.properties })
    const name = hit.def.nameColumn ? props[hit.def.nameColumn] : undefined
    titles.append(el('div', 'fp-layer', label(hit.def.title)), el('div', 'fp-name', count > 1 ? t('popup.cluster', { count, title: label(hit.def.title) }) : String(name ?? `#${hit.id ?? ''}`)))
    head.append(layerSwatch(hit.def), titles)
    root.append(head)
    if (count > 1) {
      root.classList.add('cluster')
      const zoom = el('button', 'fp-zoom', t('popup.zoomIn'))
      zoom.type = 'button'
      zoom.addEventListener('click', () => {
        this.popup.remove()
        this.map.easeTo({ center: hit.lngLat, zoom: Math.max(this.map.getZoom() + 2, 13) })
      })
      root.append(zoom)
    } else {
      root.append(this.propertyList(hit.def, props))
    }
    if (this.status) root.append(el('div', 'fp-status', this.status))
    this.popup.setDOMContent(root)
    this.resized.disconnect()
    this.resized.observe(root)
  }

  private propertyList(def: LayerDef, props: Record<string, unknown>): HTMLElement {
    const list = el('dl', 'fp-props')
    for (const prop of shownProperties(def)) {
      if (prop.name === def.nameColumn || !(prop.name in props)) continue
      const row = el('div', 'fp-row')
      row.dataset.property = prop.name
      const value = props[prop.name]
      const dd = el('dd', undefined, formatValue(def, prop, value))
      const person = personKeyOf(prop.name, value)
      const ref = person ? undefined : describeReference(def.id, prop.name, value)
      if (person) dd.replaceChildren(personRef(person))
      else if (typeof ref === 'string') dd.textContent = ref
      else if (ref) void ref.then((words) => words && (dd.textContent = words))
      row.append(el('dt', undefined, label(prop.label)), dd)
      list.append(row)
    }
    return list
  }

  /** A pointer over clickable points and lines, MapLibre's or deck.gl's (areas cover everything, so not them). */
  private setupCursor(): void {
    let frame = 0
    this.map.on('mousemove', (e) => {
      cancelAnimationFrame(frame)
      frame = requestAnimationFrame(() => {
        const layers = this.layers.clickableLayerIds().filter((id) => !id.endsWith('-fill'))
        const overMapLibre = layers.length > 0 && this.map.queryRenderedFeatures(e.point, { layers }).length > 0
        const overDeck = !overMapLibre && this.deck.overlay.pickObject({ x: e.point.x, y: e.point.y, radius: 4 })
        this.map.getCanvas().style.cursor = overMapLibre || overDeck ? 'pointer' : ''
      })
    })
  }
}
