import { onLangChange, t, type MessageKey } from '../i18n.ts'
import { formatAge } from './age.ts'
import type { UnitInfo } from './live-api.ts'
import type { UnitStore } from './unit-store.ts'

export interface UnitDirectory {
  units: Map<string, UnitInfo>
  zones: Map<number, { name: string; team?: string }>
  stations: Map<number, { name: string; team?: string }>
}

/**
 * The card of a clicked unit: call sign, kind, officer/team, zone, station, last report age and
 * speed. The age is re-read from the clock every second, so it never freezes.
 */
export class UnitCard {
  readonly el: HTMLElement
  private code: string | null = null

  constructor(
    parent: HTMLElement,
    private readonly store: UnitStore,
    private readonly directory: () => UnitDirectory | null,
    private readonly now: () => number,
  ) {
    this.el = document.createElement('section')
    this.el.className = 'live-card'
    this.el.hidden = true
    parent.append(this.el)
    onLangChange(() => this.render())
  }

  get shown(): string | null {
    return this.code
  }

  show(code: string): void {
    this.code = code
    this.render()
  }

  hide(): void {
    this.code = null
    this.el.hidden = true
  }

  render(): void {
    const i = this.code === null ? -1 : this.store.indexOf(this.code)
    const u = this.store.unit(i)
    if (!u) {
      this.el.hidden = true
      return
    }
    const dir = this.directory()
    const info = dir?.units.get(u.code)
    const zone = info?.zone_id != null ? dir?.zones.get(info.zone_id) : undefined
    const station = info?.station_id != null ? dir?.stations.get(info.station_id) : undefined
    const unknown = t('live.card.unknown')
    const rows: Array<[MessageKey, string]> = [
      ['live.card.kind', t(`live.kind.${u.kind}` as MessageKey)],
      ['live.card.officer', zone?.team ?? unknown],
      ['live.card.zone', zone?.name ?? unknown],
      ['live.card.station', station?.name ?? unknown],
      ['live.card.lastReport', t('live.card.ago', { age: formatAge(this.now() - u.tsMs) })],
      ['live.card.speed', u.speed === null ? unknown : t('live.card.speedValue', { kmh: (u.speed * 3.6).toFixed(1) })],
    ]
    const head = document.createElement('header')
    const title = document.createElement('h3')
    title.textContent = `${u.callsign} · ${u.code}`
    const close = document.createElement('button')
    close.type = 'button'
    close.className = 'panel-close'
    close.textContent = '×'
    close.setAttribute('aria-label', t('live.card.close'))
    close.addEventListener('click', () => this.hide())
    head.append(title, close)
    const dl = document.createElement('dl')
    for (const [k, v] of rows) {
      const dt = document.createElement('dt')
      dt.textContent = t(k)
      const dd = document.createElement('dd')
      dd.textContent = v
      dl.append(dt, dd)
    }
    const parts: HTMLElement[] = [head, dl]
    if (u.stale) {
      const warn = document.createElement('p')
      warn.className = 'live-card-stale'
      warn.textContent = t('live.card.stale')
      parts.push(warn)
    }
    this.el.dataset.unit = u.code
    this.el.dataset.stale = String(u.stale)
    this.el.replaceChildren(...parts)
    this.el.hidden = false
  }
}
