import { CJK_FONT_FAMILY } from '../map/glyph-protocol.ts'

/** Unit kinds drawn on the live map; anything else is drawn as `ebike`'s neighbour `other`. */
export const UNIT_KINDS = ['ebike', 'car', 'foot', 'volunteer', 'traffic', 'boat', 'other'] as const
export type UnitKind = (typeof UNIT_KINDS)[number]

export function unitKind(k: unknown): UnitKind {
  return (UNIT_KINDS as readonly unknown[]).includes(k) ? (k as UnitKind) : 'other'
}

/** Fresh colour per kind; a stale unit is drawn grey whatever its kind. */
export const KIND_COLOURS: Record<UnitKind, [number, number, number]> = {
  ebike: [56, 189, 248],
  car: [96, 165, 250],
  foot: [74, 222, 128],
  volunteer: [251, 191, 36],
  traffic: [244, 114, 182],
  boat: [45, 212, 191],
  other: [203, 213, 225],
}
export const STALE_COLOUR: [number, number, number] = [120, 128, 140]

/** One character on each badge (the shape tells the kind too). */
const MARK: Record<UnitKind, string> = { ebike: '电', car: '车', foot: '步', volunteer: '志', traffic: '交', boat: '船', other: '?' }

const SIZE = 64

export interface IconAtlas {
  canvas: HTMLCanvasElement
  mapping: Record<string, { x: number; y: number; width: number; height: number; anchorX: number; anchorY: number; mask: boolean }>
}

/**
 * The unit icons drawn in code (no image files): a badge per kind — circle (e-bike), rounded
 * square (car), diamond (foot), star-ish octagon (volunteer)… — with a pointer at the top for
 * the heading and the kind's character cut out of it. Drawn white: a mask the layer tints.
 */
export function drawIconAtlas(): IconAtlas {
  const canvas = document.createElement('canvas')
  canvas.width = SIZE * UNIT_KINDS.length
  canvas.height = SIZE
  const ctx = canvas.getContext('2d')!
  const mapping: IconAtlas['mapping'] = {}
  UNIT_KINDS.forEach((kind, k) => {
    const x0 = k * SIZE
    const cx = x0 + SIZE / 2
    const cy = SIZE / 2 + 4
    ctx.save()
    ctx.fillStyle = '#fff'
    // Heading pointer (up = the direction of travel before rotation).
    ctx.beginPath()
    ctx.moveTo(cx, 2)
    ctx.lineTo(cx + 10, 16)
    ctx.lineTo(cx - 10, 16)
    ctx.closePath()
    ctx.fill()
    ctx.beginPath()
    const r = 21
    switch (kind) {
      case 'car':
      case 'traffic':
        ctx.roundRect(cx - r, cy - r, 2 * r, 2 * r, kind === 'car' ? 8 : 2)
        break
      case 'foot':
        ctx.moveTo(cx, cy - r - 3)
        ctx.lineTo(cx + r + 3, cy)
        ctx.lineTo(cx, cy + r + 3)
        ctx.lineTo(cx - r - 3, cy)
        ctx.closePath()
        break
      case 'volunteer':
      case 'boat':
        for (let v = 0; v < 8; v++) {
          const a = (Math.PI / 4) * v + Math.PI / 8
          const rr = kind === 'volunteer' && v % 2 ? r - 3 : r + 1
          if (v === 0) ctx.moveTo(cx + rr * Math.cos(a), cy + rr * Math.sin(a))
          else ctx.lineTo(cx + rr * Math.cos(a), cy + rr * Math.sin(a))
        }
        ctx.closePath()
        break
      default:
        ctx.arc(cx, cy, r, 0, 2 * Math.PI)
    }
    ctx.fill()
    // The character is cut out, so it shows the map's dark halo beneath.
    ctx.globalCompositeOperation = 'destination-out'
    ctx.font = `700 24px ${CJK_FONT_FAMILY}`
    ctx.textAlign = 'center'
    ctx.textBaseline = 'middle'
    ctx.fillText(MARK[kind], cx, cy + 1)
    ctx.restore()
    mapping[kind] = { x: x0, y: 0, width: SIZE, height: SIZE, anchorX: SIZE / 2, anchorY: SIZE / 2 + 4, mask: true }
  })
  return { canvas, mapping }
}
