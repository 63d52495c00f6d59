import type { Feature, FeatureCollection, Geometry, Position } from 'geojson'
import type maplibregl from 'maplibre-gl'
import { errorText } from '../api/error-text.ts'
import { onLangChange, t, type MessageKey } from '../i18n.ts'
import { addToSlot } from '../map/slots.ts'
import { isPhone } from '../views/panels.ts'
import { afterMove, flyToPoint, openMapPadding } from './map-fit.ts'
import { openFeature } from './open-events.ts'
import { peopleApi, type CellDuty, type PersonCard as Card, type PersonRole } from './people-api.ts'

const SOURCE = 'person-cells'

export const roleLabel = (role: PersonRole) => t(`people.role.${role}` as MessageKey)
export const dutyLabel = (duty: CellDuty) => t(`people.duty.${duty}` as MessageKey)

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  if (className) e.className = className
  if (text !== undefined) e.textContent = text
  return e
}

/** The bounding box of a geometry's coordinates. */
export function geometryBbox(g: Geometry): [number, number, number, number] | null {
  let box: [number, number, number, number] | null = null
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as Position as [number, number]
      box = box ? [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)] : [x, y, x, y]
    } else if (Array.isArray(c)) for (const x of c) visit(x)
  }
  if (g.type !== 'GeometryCollection') visit(g.coordinates)
  return box
}

/**
 * A person's card: name, role, organisation, unit, station with its duty phone (tap to call),
 * their own phone and badge where the account may see them, and their grid cells by name; the
 * cells are outlined on the map and fitted into view (a person without cells: their unit's
 * place). A cell in the list flies there and opens its popup. A side card on a desk, a bottom
 * sheet on a phone.
 */
export class PersonCard {
  readonly panel = el('aside', 'panel panel-person')
  private readonly body = el('div', 'panel-body pc-body')
  private readonly title = el('h2')
  private readonly close = el('button', 'panel-close', '×')
  private key: string | null = null
  private card: Card | null = null
  private failure: unknown = null
  private request: AbortController | null = null

  constructor(private readonly map: maplibregl.Map) {
    this.panel.id = 'person-card'
    this.panel.dataset.open = 'false'
    this.panel.setAttribute('role', 'dialog')
    const header = el('header', 'panel-header')
    this.close.type = 'button'
    this.close.addEventListener('click', () => this.hide())
    header.append(this.title, this.close)
    this.panel.append(header, this.body)
    document.body.append(this.panel)
    this.panel.addEventListener('keydown', (e) => e.key === 'Escape' && this.hide())
    const empty: FeatureCollection = { type: 'FeatureCollection', features: [] }
    const install = () => {
      if (map.getSource(SOURCE)) return
      map.addSource(SOURCE, { type: 'geojson', data: empty })
      addToSlot(map, 'lines', { id: 'person-cells-fill', type: 'fill', source: SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#fbbf24', 'fill-opacity': 0.16 } })
      addToSlot(map, 'lines', { id: 'person-cells-line', type: 'line', source: SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'line-color': '#fbbf24', 'line-width': 2.5 } })
      addToSlot(map, 'points', {
        id: 'person-unit', type: 'circle', source: SOURCE, filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 8, 'circle-color': '#fbbf24', 'circle-stroke-color': '#060b16', 'circle-stroke-width': 2 },
      })
    }
    // Made once the map has loaded (main.ts sets the views up then); earlier, on its load.
    try {
      install()
    } catch {
      map.once('load', install)
    }
    onLangChange(() => this.render())
  }

  get shown(): string | null {
    return this.key
  }

  /** Opens the card of `key` (`officer:125`), reads it, shows their cells on the map. */
  open(key: string): void {
    this.request?.abort()
    this.key = key
    this.card = null
    this.failure = null
    this.panel.dataset.open = 'true'
    this.panel.dataset.person = key
    this.render()
    const ask = (this.request = new AbortController())
    peopleApi
      .card(key, ask.signal)
      .then((card) => {
        if (ask.signal.aborted) return
        this.card = card
        this.render()
        this.showOnMap(card)
      })
      .catch((err: unknown) => {
        if (ask.signal.aborted) return
        console.warn(`person card ${key}:`, err)
        this.failure = err
        this.render()
      })
    this.close.focus({ preventScroll: true })
  }

  hide(): void {
    this.request?.abort()
    this.key = null
    this.card = null
    this.panel.dataset.open = 'false'
    delete this.panel.dataset.person
    this.setMapData({ type: 'FeatureCollection', features: [] })
  }

  private setMapData(data: FeatureCollection): void {
    const source = this.map.getSource(SOURCE) as maplibregl.GeoJSONSource | undefined
    source?.setData(data)
  }

  private showOnMap(card: Card): void {
    const features: Feature[] = [...card.cells_geojson.features]
    if (card.unit_point && card.cells.length === 0) features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: card.unit_point }, properties: { unit: card.unit?.name ?? '' } })
    this.setMapData({ type: 'FeatureCollection', features })
    if (card.bbox) this.map.fitBounds([[card.bbox[0], card.bbox[1]], [card.bbox[2], card.bbox[3]]], { padding: openMapPadding(this.map), maxZoom: 15, duration: 900 })
    else if (card.unit_point) flyToPoint(this.map, card.unit_point, 13, 900)
  }

  private render(): void {
    this.close.setAttribute('aria-label', t('people.card.close'))
    this.panel.setAttribute('aria-label', t('people.card.label'))
    if (!this.key) return
    const card = this.card
    if (!card) {
      this.title.textContent = t('people.card.label')
      this.body.replaceChildren(el('p', 'pc-status', this.failure ? t('people.card.failed', { message: errorText(this.failure) }) : t('people.card.loading')))
      return
    }
    this.title.textContent = card.name
    const head = el('div', 'pc-role')
    head.append(el('span', `pc-chip pc-chip-${card.role}`, roleLabel(card.role)))
    if (card.org) head.append(el('span', 'pc-org', card.org))

    const facts = el('dl', 'pc-facts')
    const fact = (key: MessageKey, value: string | HTMLElement, name: string) => {
      const row = el('div', 'pc-fact')
      row.dataset.fact = name
      const dd = el('dd')
      dd.append(value)
      row.append(el('dt', undefined, t(key)), dd)
      facts.append(row)
    }
    if (card.unit) fact('people.card.unit', card.unit.name, 'unit')
    if (card.station && card.station.id !== card.unit?.id) fact('people.card.station', card.station.name, 'station')
    if (card.station?.phone) fact('people.card.dutyPhone', phoneLink(card.station.phone), 'duty-phone')
    if (card.phone) fact('people.card.phone', phoneLink(card.phone), 'phone')
    if (card.badge) fact('people.card.badge', card.badge, 'badge')

    const parts: HTMLElement[] = [head, facts]
    if (!('phone' in card)) parts.push(el('p', 'pc-note', t('people.card.phoneHidden')))
    const cells = el('section', 'pc-cells')
    cells.append(el('h3', undefined, card.cells.length ? t('people.card.cells', { n: card.cells.length }) : t('people.card.noCells')))
    if (card.cells.length) {
      const list = el('ul')
      const shapes = new Map(card.cells_geojson.features.map((f) => [f.id, f]))
      for (const c of card.cells) {
        const li = el('li')
        const b = el('button', 'pc-cell')
        b.type = 'button'
        b.dataset.grid = String(c.id)
        b.append(el('span', 'pc-cell-name', c.name), el('span', 'pc-cell-duty', `${dutyLabel(c.duty)} · ${c.code}`))
        b.addEventListener('click', () => this.goToCell(c.id, c.name, shapes.get(c.id)))
        li.append(b)
        list.append(li)
      }
      cells.append(list)
    } else if (card.unit_point && card.unit) {
      const b = el('button', 'pc-cell', t('people.card.showUnit'))
      b.type = 'button'
      const point = card.unit_point
      const unitId = card.unit.id
      const unitName = card.unit.name
      b.addEventListener('click', () => {
        flyToPoint(this.map, point, 14, 700)
        openFeature({ layer: 'police-units', id: unitId, lngLat: point, name: unitName })
      })
      cells.append(b)
    }
    parts.push(cells)
    this.body.replaceChildren(...parts)
  }

  private goToCell(id: number, name: string, shape: Feature | undefined): void {
    const box = shape?.geometry ? geometryBbox(shape.geometry) : null
    if (!box) return
    // A phone has no room for both: the sheet gives way to the cell's popup (its names open the card again).
    if (isPhone()) this.hide()
    this.map.fitBounds([[box[0], box[1]], [box[2], box[3]]], { padding: openMapPadding(this.map), maxZoom: 16, duration: 700 })
    afterMove(this.map, 1100, () => openFeature({ layer: 'grid-cells', id, lngLat: [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2], name }))
  }
}

function phoneLink(phone: string): HTMLElement {
  const a = el('a', 'pc-phone', phone)
  a.href = `tel:${phone.replace(/[^0-9+]/g, '')}`
  a.title = t('people.card.call')
  return a
}
