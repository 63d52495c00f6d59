import type { LayerDef } from '../../../data/catalog/layers.ts'
import { adminAreasLayer } from './admin-areas-layer.ts'
import type { CatalogLayer, LayerContext } from './catalog-layer.ts'
import { circleLayer } from './circle-layer.ts'
import { deckPointsLayer } from './deck-points-layer.ts'
import { gridCellsLayer } from './grid-cells-layer.ts'
import { lineLayer } from './line-layer.ts'
import { polygonLayer } from './polygon-layer.ts'

/**
 * Which module draws a catalog record: two layers with their own cartography, deck.gl for the
 * dense (clustered) point layers, otherwise by the catalog style's kind.
 */
export function buildCatalogLayer(def: LayerDef, ctx: LayerContext, onDeckViewportLoad: (id: string) => void): CatalogLayer {
  if (def.id === 'admin-areas') return adminAreasLayer(def, ctx)
  if (def.id === 'grid-cells') return gridCellsLayer(def, ctx)
  if (def.cluster && def.geometry === 'Point') return deckPointsLayer(def, ctx, onDeckViewportLoad)
  const kind = def.style.kind
  switch (kind) {
    case 'fill':
      return polygonLayer(def, ctx)
    case 'line':
      return lineLayer(def, ctx)
    case 'circle':
      return circleLayer(def, ctx)
    default:
      throw new Error(`layer ${def.id}: no renderer for style kind ${kind satisfies never}`)
  }
}
