import { IconLayer, ScatterplotLayer, TextLayer, TripsLayer, type Layer, type PickingInfo } from 'deck.gl'
import { CJK_FONT_FAMILY } from '../map/glyph-protocol.ts'
import { slotEnd } from '../map/slots.ts'
import type { Cluster } from './cluster.ts'
import { drawIconAtlas, iconName } from './icon-atlas.ts'
import type { TrailBuffers, UnitBuffers } from './unit-store.ts'

/** Interleaved with MapLibre: under the labels, over every other layer (deck's own prop, not in the layer types). */
export const ABOVE_POINTS: object = { beforeId: slotEnd('labels') }

export const LIVE_LAYER_IDS = { trails: 'live-trails', units: 'live-units', clusters: 'live-clusters', clusterLabels: 'live-cluster-labels' } as const

/** Seconds a trail point stays visible, fading. */
export const TRAIL_SECONDS = 90

let atlas: ReturnType<typeof drawIconAtlas> | null = null

/**
 * The live units as one deck.gl icon layer over binary attributes: the same typed arrays, handed
 * over as new views when they changed (deck uploads them; no object per unit is built). Each
 * unit is one sprite (its badge, backdrop and ring included), picked by kind and staleness.
 */
export function unitLayer(b: UnitBuffers, iconVersion: number, onClick: (index: number) => void): Layer {
  atlas ??= drawIconAtlas()
  return new IconLayer({
    id: LIVE_LAYER_IDS.units,
    ...ABOVE_POINTS,
    data: { length: b.length, attributes: { getPosition: { value: b.positions, size: 2 }, getAngle: { value: b.angles, size: 1 } } },
    iconAtlas: atlas.canvas as unknown as string,
    iconMapping: atlas.mapping,
    getIcon: (_: unknown, { index }: { index: number }) => iconName(b.kinds[index]!, b.stale[index] === 1),
    sizeUnits: 'pixels',
    getSize: 40,
    billboard: false,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 90],
    onClick: (info: PickingInfo) => onClick(info.index),
    updateTriggers: { getIcon: iconVersion },
  })
}

export function trailLayer(t: TrailBuffers, currentTime: number): Layer {
  return new TripsLayer({
    id: LIVE_LAYER_IDS.trails,
    ...ABOVE_POINTS,
    data: { length: t.length, startIndices: t.startIndices, attributes: { getPath: { value: t.path, size: 2 }, getTimestamps: { value: t.timestamps, size: 1 } } },
    _pathType: 'open',
    getColor: [125, 211, 252],
    opacity: 0.75,
    widthUnits: 'pixels',
    getWidth: 3,
    capRounded: true,
    jointRounded: true,
    fadeTrail: true,
    trailLength: TRAIL_SECONDS,
    currentTime,
  })
}

/** Zoomed out: one bubble per cluster, its count on it; grey share for stale units in the ring. */
export function clusterLayers(clusters: Cluster[], onClick: (c: Cluster) => void): Layer[] {
  return [
    new ScatterplotLayer<Cluster>({
      id: LIVE_LAYER_IDS.clusters,
      ...ABOVE_POINTS,
      data: clusters,
      getPosition: (c) => [c.lon, c.lat],
      radiusUnits: 'pixels',
      getRadius: (c) => (c.count > 1 ? Math.min(26, 9 + 3 * Math.log2(c.count)) : 7),
      getFillColor: (c) => (c.stale === c.count ? [120, 128, 140, 220] : [14, 116, 144, 225]),
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      getLineColor: (c) => (c.stale > 0 ? [148, 163, 184, 255] : [125, 211, 252, 255]),
      pickable: true,
      onClick: (info: PickingInfo<Cluster>) => info.object && onClick(info.object),
    }),
    new TextLayer<Cluster>({
      id: LIVE_LAYER_IDS.clusterLabels,
      ...ABOVE_POINTS,
      data: clusters.filter((c) => c.count > 1),
      getPosition: (c) => [c.lon, c.lat],
      getText: (c) => String(c.count),
      getSize: 12,
      getColor: [255, 255, 255, 255],
      fontFamily: CJK_FONT_FAMILY,
      fontWeight: 700,
      characterSet: '0123456789',
      outlineWidth: 2,
      outlineColor: [6, 11, 22, 255],
      fontSettings: { sdf: true },
    }),
  ]
}
