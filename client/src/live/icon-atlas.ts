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

/** The sprite of a unit of kind `k` (an index in UNIT_KINDS), fresh or stale. */
export function iconName(k: number, stale: boolean): string {
  return stale ? `${UNIT_KINDS[k]}-stale` : UNIT_KINDS[k]!
}

/** The dark disc under each badge: it keeps the badge readable over any map. */
const BACKDROP = 'rgba(6, 11, 22, 0.84)'

/**
 * The unit badges drawn in code (no image files), in their colours, one per kind and state: a
 * dark disc ringed in the kind's colour, the kind's shape — circle (e-bike), rounded square (car),
 * diamond (foot), star-ish octagon (volunteer)… — with a pointer at the top for the heading, and
 * the kind's character on it. Stale units get the same badge in grey. One sprite per unit, so a
 * unit costs one textured quad per frame (software WebGL on a wall of 2,000 units counts them).
 */
export function drawIconAtlas(): IconAtlas {
  const canvas = document.createElement('canvas')
  canvas.width = SIZE * UNIT_KINDS.length
  canvas.height = SIZE * 2
  const ctx = canvas.getContext('2d')!
  const mapping: IconAtlas['mapping'] = {}
  for (const stale of [false, true]) {
    const y0 = stale ? SIZE : 0
    UNIT_KINDS.forEach((kind, k) => {
      const x0 = k * SIZE
      const cx = x0 + SIZE / 2
      const cy = y0 + SIZE / 2 + 4
      const [r0, g0, b0] = stale ? STALE_COLOUR : KIND_COLOURS[kind]
      const colour = `rgb(${r0}, ${g0}, ${b0})`
      ctx.save()
      if (stale) ctx.globalAlpha = 200 / 255
      ctx.beginPath()
      ctx.arc(cx, cy, 26.5, 0, 2 * Math.PI)
      ctx.fillStyle = BACKDROP
      ctx.fill()
      ctx.lineWidth = 2.4
      ctx.strokeStyle = colour
      ctx.stroke()
      ctx.fillStyle = colour
      // Heading pointer (up = the direction of travel before rotation).
      ctx.beginPath()
      ctx.moveTo(cx, y0 + 2)
      ctx.lineTo(cx + 10, y0 + 16)
      ctx.lineTo(cx - 10, y0 + 16)
      ctx.closePath()
      ctx.fill()
      ctx.beginPath()
      const r = 19
      switch (kind) {
        case 'car':
        case 'traffic':
          ctx.roundRect(cx - r, cy - r, 2 * r, 2 * r, kind === 'car' ? 7 : 2)
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
      ctx.font = `700 22px ${CJK_FONT_FAMILY}`
      ctx.textAlign = 'center'
      ctx.textBaseline = 'middle'
      ctx.fillStyle = '#060b16'
      ctx.fillText(MARK[kind], cx, cy + 1)
      ctx.restore()
      mapping[iconName(k, stale)] = { x: x0, y: y0, width: SIZE, height: SIZE, anchorX: SIZE / 2, anchorY: SIZE / 2 + 4, mask: false }
    })
  }
  return { canvas, mapping }
}
