import maplibregl from 'maplibre-gl'
import type { RasterBasemapConfig } from '../api/client.ts'
import { onLangChange, t } from '../i18n.ts'

/**
 * The attribution says which datum the map is in (WGS84) and, when a raster basemap is on,
 * which datum that basemap uses, so two datums are never mixed silently.
 */
export class MapAttribution {
  private control: maplibregl.AttributionControl | null = null
  private basemap: RasterBasemapConfig | null = null

  constructor(private readonly map: maplibregl.Map) {
    this.render()
    onLangChange(() => this.render())
  }

  setBasemap(basemap: RasterBasemapConfig | null): void {
    this.basemap = basemap
    this.render()
  }

  private render(): void {
    if (this.control) this.map.removeControl(this.control)
    const parts = [t('attribution.datum')]
    if (this.basemap) parts.push(t('attribution.basemap', { name: this.basemap.attribution ?? this.basemap.name, datum: this.basemap.datum }))
    parts.push(t('attribution.sources'))
    this.control = new maplibregl.AttributionControl({ compact: true, customAttribution: parts.join(' · ') })
    this.map.addControl(this.control, 'bottom-right')
    // On a phone the sources start folded behind the (i) button instead of covering the map.
    if (window.matchMedia('(max-width: 720px)').matches) {
      this.map.getContainer().querySelector('.maplibregl-ctrl-attrib')?.classList.remove('maplibregl-compact-show')
    }
  }
}
