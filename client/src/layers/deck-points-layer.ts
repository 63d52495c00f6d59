import { parse } from '@loaders.gl/core'
import { MVTLoader } from '@loaders.gl/mvt'
import { MVTLayer } from 'deck.gl'
import type { Feature } from 'geojson'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { CJK_FONT_FAMILY } from '../map/glyph-protocol.ts'
import { CITY_BOUNDS } from '../map/create-map.ts'
import { slotEnd } from '../map/slots.ts'
import type { TileSource } from '../map/tile-source.ts'
import { rgb, type CatalogLayer, type LayerContext } from './catalog-layer.ts'

/** How many points a tile feature stands for: clusters carry `count` (below z13), points 1. */
export function pointCount(f: Pick<Feature, 'properties'>): number {
  const n = Number(f.properties?.count ?? 1)
  return Number.isFinite(n) && n > 0 ? n : 1
}

const abbreviate = (n: number) => (n >= 10000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n))

interface FetchContext {
  signal?: AbortSignal
  loadOptions?: Record<string, unknown> | null
}

/** Tile bytes from the tile source (server or browser), parsed on the main thread: no worker from a CDN. */
async function loadTile(tiles: TileSource, url: string, { signal, loadOptions }: FetchContext): Promise<unknown> {
  const bytes = await tiles.load(url, signal)
  if (!bytes || bytes.byteLength === 0) return null
  const core = (loadOptions?.core ?? {}) as Record<string, unknown>
  return parse(bytes, MVTLoader, { ...loadOptions, core: { ...core, worker: false } })
}

/**
 * A dense point layer (incidents, hazards, places, ten-household units, mediation rooms, unit
 * positions) drawn by deck.gl from the layer's vector tiles: points as dots, clusters as
 * bubbles sized by and labelled with their count.
 */
export function deckPointsLayer(def: LayerDef, ctx: LayerContext, onViewportLoad: (id: string) => void): CatalogLayer {
  let visible = false
  let opacity = 1
  const [r, g, b] = rgb(def.style.color)
  const dot = def.style.radius ?? 4
  // Server clusters sit on a 32×32 grid per tile (16 px apart): small bubbles for small counts.
  const radiusOf = (n: number) => (n > 1 ? Math.min(22, 5 + 2.4 * Math.log2(n)) : dot + 1)

  const make = () =>
    new MVTLayer({
      id: def.id,
      // A hidden TileLayer still fetches tiles as the view moves: no data while hidden.
      data: visible ? ctx.tiles.layerTiles(def.id) : null,
      beforeId: slotEnd('points'),
      visible,
      opacity,
      // Data from the catalog's zoom range, and nothing drawn below it (deck would otherwise
      // stretch minzoom tiles over a zoomed-out view).
      minZoom: def.minzoom,
      maxZoom: Math.min(def.maxzoom, 16),
      visibleMinZoom: def.minzoom,
      extent: CITY_BOUNDS,
      binary: false,
      fetch: (url: string, context: FetchContext) => loadTile(ctx.tiles, url, context),
      loadOptions: { core: { worker: false } },
      onViewportLoad: () => onViewportLoad(def.id),
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 255, 255, 110],
      pointType: 'circle+text',
      stroked: true,
      filled: true,
      pointRadiusUnits: 'pixels',
      lineWidthUnits: 'pixels',
      getPointRadius: (f: Feature) => radiusOf(pointCount(f)),
      getFillColor: (f: Feature) => (pointCount(f) > 1 ? [r, g, b, 190] : [r, g, b, 235]),
      getLineColor: (f: Feature) => (pointCount(f) > 1 ? [255, 255, 255, 120] : [6, 11, 22, 220]),
      getLineWidth: 1,
      getText: (f: Feature) => (pointCount(f) > 1 ? abbreviate(pointCount(f)) : ''),
      getTextColor: [255, 255, 255, 255],
      getTextSize: (f: Feature) => (pointCount(f) >= 100 ? 11 : 10),
      textFontFamily: CJK_FONT_FAMILY,
      textFontWeight: 700,
      textCharacterSet: '0123456789.k',
      textOutlineColor: [6, 11, 22, 255],
      textOutlineWidth: 2,
      textFontSettings: { sdf: true },
    })

  ctx.deck.set(def.id, make)
  return {
    def,
    maplibreLayerIds: [],
    clickableLayerIds: [],
    deckLayerId: def.id,
    setVisible(v) {
      visible = v
      ctx.deck.set(def.id, make)
    },
    setOpacity(o) {
      opacity = o
      ctx.deck.set(def.id, make)
    },
  }
}
