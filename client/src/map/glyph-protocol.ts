import TinySDF from '@mapbox/tiny-sdf'
import maplibregl from 'maplibre-gl'
import { encodeGlyphRange, type PbfGlyph } from './glyph-pbf.ts'

/**
 * Glyphs without the internet: the style's `glyphs` URL points at this protocol, which draws
 * each requested 256-codepoint range from the fonts installed on the device with TinySDF and
 * answers with the same PBF a glyph server would send. MapLibre draws CJK ideographs itself
 * (also with TinySDF, at double resolution) from the same font stacks.
 */
export const GLYPH_PROTOCOL = 'pingan-glyphs'
export const GLYPHS_URL = `${GLYPH_PROTOCOL}://{fontstack}/{range}`

const CJK_FAMILIES = ['Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei']
/** Font stacks for `text-font`; the first name only carries the weight (MapLibre sniffs it from there). */
export const FONT_REGULAR = ['Noto Sans CJK SC Regular', ...CJK_FAMILIES]
export const FONT_BOLD = ['Noto Sans CJK SC Bold', ...CJK_FAMILIES]
/** For `localIdeographFontFamily` and the UI. */
export const CJK_FONT_FAMILY = [...CJK_FAMILIES.map((f) => `"${f}"`), 'sans-serif'].join(', ')

// The glyph PBF convention (node-fontnik): 24 px em, 3 px buffer, SDF radius 8.
const FONT_SIZE = 24
const BUFFER = 3
const RADIUS = 8
/** Server glyphs measure `top` from above the em box; MapLibre uses the same shift for its local glyphs. */
const TOP_ADJUSTMENT = 27.5

function weightOf(name: string): string {
  if (/\b(bold|heavy|black)\b/i.test(name)) return '700'
  if (/\bmedium\b/i.test(name)) return '500'
  if (/\blight\b/i.test(name)) return '300'
  return '400'
}

const sdfByStack = new Map<string, TinySDF>()

function sdfFor(fontstack: string): TinySDF {
  let sdf = sdfByStack.get(fontstack)
  if (!sdf) {
    const names = fontstack.split(',').map((s) => s.trim()).filter(Boolean)
    sdf = new TinySDF({
      fontSize: FONT_SIZE,
      buffer: BUFFER,
      radius: RADIUS,
      cutoff: 0.25,
      fontFamily: [...names.map((n) => `"${n.replace(/"/g, '')}"`), 'sans-serif'].join(', '),
      fontWeight: weightOf(names[0] ?? ''),
    })
    sdfByStack.set(fontstack, sdf)
  }
  return sdf
}

/** Draws one 256-codepoint range (`range` is "start-end") as a glyph PBF. */
export function renderGlyphRange(fontstack: string, range: string): Uint8Array {
  const match = /^(\d+)-(\d+)$/.exec(range)
  if (!match) throw new Error(`glyph range "${range}" is not start-end`)
  const start = Number(match[1])
  const end = Number(match[2])
  if (end < start || end - start > 255 || end > 0x10ffff) throw new Error(`glyph range "${range}" is not one 256-codepoint block`)
  const sdf = sdfFor(fontstack)
  const glyphs: PbfGlyph[] = []
  for (let id = start; id <= end; id++) {
    // Surrogate halves and control characters have no glyph.
    if ((id >= 0xd800 && id <= 0xdfff) || id < 0x20 || (id >= 0x7f && id < 0xa0)) continue
    const g = sdf.draw(String.fromCodePoint(id))
    const blank = g.glyphWidth === 0 || g.glyphHeight === 0
    glyphs.push({
      id,
      ...(blank ? {} : { bitmap: g.data }),
      width: blank ? 0 : g.glyphWidth,
      height: blank ? 0 : g.glyphHeight,
      left: g.glyphLeft,
      top: Math.round(g.glyphTop - TOP_ADJUSTMENT),
      advance: Math.round(g.glyphAdvance),
    })
  }
  return encodeGlyphRange(fontstack, range, glyphs)
}

let registered = false

/** Registers the glyph protocol once (MapLibre's protocols are global). */
export function registerGlyphProtocol(): void {
  if (registered) return
  registered = true
  maplibregl.addProtocol(GLYPH_PROTOCOL, async (params) => {
    const m = new RegExp(`^${GLYPH_PROTOCOL}://([^/]+)/(\\d+-\\d+)(?:\\.pbf)?$`).exec(params.url)
    if (!m) throw new Error(`not a glyph URL: ${params.url}`)
    const bytes = renderGlyphRange(decodeURIComponent(m[1]!), m[2]!)
    return { data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }
  })
}
