import type maplibregl from 'maplibre-gl'
import type { LayerDef, LayerGroup } from '../../../data/catalog/layers.ts'
import { label, onLangChange, t } from '../i18n.ts'
import { MEASURES, STATE_MEASURES } from '../layers/choropleth.ts'
import { hasRole } from '../auth/session.ts'
import type { LayerController } from '../layers/layer-controller.ts'
import { choroplethLegend, layerSwatch } from './legend.ts'

const GROUPS: readonly LayerGroup[] = ['reference', 'police', 'community', 'patrol', 'safety']

/** A basemap option the panel shows above the catalog layers. */
export interface BasemapOption {
  id: string
  title: () => string
  /** A warning shown under the option (e.g. a different datum). */
  note?: () => string
  visible: boolean
  setVisible(visible: boolean): void
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  if (className) e.className = className
  if (text !== undefined) e.textContent = text
  return e
}

/**
 * Every catalog layer, grouped as the catalog groups them: a toggle, a swatch of its symbology,
 * the zoom it appears from, and an opacity slider; grid cells also get the measure picker and
 * its legend. Rebuilt on language change, kept in sync with the controller.
 */
export class LayerPanel {
  constructor(
    private readonly root: HTMLElement,
    private readonly map: maplibregl.Map,
    private readonly layers: LayerController,
    private readonly basemaps: readonly BasemapOption[],
  ) {
    this.render()
    onLangChange(() => this.render())
    layers.onChange(() => this.sync())
    map.on('zoomend', () => this.syncZoom())
  }

  private render(): void {
    const body = el('div', 'panel-body')
    const base = el('section', 'layer-group')
    base.dataset.group = 'basemap'
    base.append(el('h3', undefined, t('group.basemap')))
    for (const option of this.basemaps) base.append(this.basemapRow(option))
    body.append(base)
    for (const group of GROUPS) {
      const defs = this.layers.defs.filter((d) => d.group === group)
      if (defs.length === 0) continue
      const section = el('section', 'layer-group')
      section.dataset.group = group
      section.append(el('h3', undefined, t(`group.${group}`)))
      for (const def of defs) {
        section.append(this.layerRow(def))
        if (def.id === 'grid-cells') section.append(this.measureControl())
      }
      body.append(section)
    }
    this.root.querySelector('.panel-body')?.remove()
    this.root.append(body)
    this.sync()
    this.syncZoom()
  }

  private basemapRow(option: BasemapOption): HTMLElement {
    const row = el('div', 'layer-row')
    const toggle = el('label', 'layer-toggle')
    const box = el('input')
    box.type = 'checkbox'
    box.checked = option.visible
    box.dataset.basemapToggle = option.id
    box.addEventListener('change', () => {
      option.visible = box.checked
      option.setVisible(box.checked)
    })
    toggle.append(box, el('span', 'layer-title', option.title()))
    row.append(toggle)
    if (option.note) row.append(el('div', 'layer-note', option.note()))
    return row
  }

  private layerRow(def: LayerDef): HTMLElement {
    const row = el('div', 'layer-row')
    row.dataset.layer = def.id
    const toggle = el('label', 'layer-toggle')
    const box = el('input')
    box.type = 'checkbox'
    box.dataset.layerToggle = def.id
    box.setAttribute('aria-label', t('layer.toggle', { title: label(def.title) }))
    box.addEventListener('change', () => this.layers.setVisible(def.id, box.checked))
    const hint = el('span', 'zoom-hint', t('layer.fromZoom', { zoom: def.minzoom }))
    toggle.append(box, layerSwatch(def), el('span', 'layer-title', label(def.title)), hint)
    const slider = el('input', 'opacity')
    slider.type = 'range'
    slider.min = '0'
    slider.max = '100'
    slider.step = '5'
    slider.dataset.layerOpacity = def.id
    slider.setAttribute('aria-label', t('layer.opacity', { title: label(def.title) }))
    slider.addEventListener('input', () => this.layers.setOpacity(def.id, Number(slider.value) / 100))
    row.append(toggle, slider)
    return row
  }

  private measureControl(): HTMLElement {
    const box = el('div', 'measure')
    box.dataset.layer = 'grid-cells'
    const legendTitle = el('div', 'measure-title', t('measure.title'))
    const choices = el('div', 'segmented')
    choices.setAttribute('role', 'radiogroup')
    choices.setAttribute('aria-label', t('measure.title'))
    // Counts per cell (open hazards, disputes) are police figures (GET /api/stats/grid-cells): not offered to a volunteer.
    for (const m of MEASURES.filter((x) => !STATE_MEASURES.has(x) || hasRole('admin', 'command', 'planner', 'officer'))) {
      const b = el('button', undefined, t(`measure.${m}`))
      b.type = 'button'
      b.dataset.measure = m
      b.setAttribute('role', 'radio')
      b.addEventListener('click', () => this.layers.setMeasure(m))
      choices.append(b)
    }
    box.append(legendTitle, choices, el('div', 'measure-legend'))
    return box
  }

  /** Checkbox, slider, measure buttons and legend from the controller's state. */
  private sync(): void {
    for (const def of this.layers.defs) {
      const s = this.layers.stateOf(def.id)
      const box = this.root.querySelector<HTMLInputElement>(`[data-layer-toggle="${def.id}"]`)
      if (box) box.checked = s.visible
      const slider = this.root.querySelector<HTMLInputElement>(`[data-layer-opacity="${def.id}"]`)
      if (slider) slider.value = String(Math.round(s.opacity * 100))
      this.root.querySelector(`.layer-row[data-layer="${def.id}"]`)?.classList.toggle('on', s.visible)
    }
    const measure = this.layers.measure
    for (const b of this.root.querySelectorAll<HTMLButtonElement>('[data-measure]')) {
      b.setAttribute('aria-checked', String(b.dataset.measure === measure))
    }
    const legend = this.root.querySelector('.measure-legend')
    legend?.replaceChildren(...(measure === 'none' ? [] : [choroplethLegend(measure)]))
  }

  /** Dims the layers the current zoom does not show yet. */
  private syncZoom(): void {
    const zoom = this.map.getZoom()
    for (const def of this.layers.defs) {
      this.root.querySelector(`.layer-row[data-layer="${def.id}"]`)?.classList.toggle('out-of-range', zoom < def.minzoom)
    }
  }
}
