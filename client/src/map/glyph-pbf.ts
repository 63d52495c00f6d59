/**
 * A minimal protobuf writer for MapLibre glyph ranges (the `glyphs.proto` of node-fontnik):
 * `glyphs { repeated fontstack stacks = 1 }`,
 * `fontstack { string name = 1; string range = 2; repeated glyph glyphs = 3 }`,
 * `glyph { uint32 id = 1; bytes bitmap = 2; uint32 width = 3; uint32 height = 4; sint32 left = 5; sint32 top = 6; uint32 advance = 7 }`.
 */

export interface PbfGlyph {
  id: number
  /** (width + 6) × (height + 6) SDF alpha values; absent for blank glyphs. */
  bitmap?: Uint8Array | Uint8ClampedArray
  width: number
  height: number
  left: number
  top: number
  advance: number
}

class Writer {
  private bytes: number[] = []

  varint(n: number): this {
    let v = n >>> 0
    while (v > 0x7f) {
      this.bytes.push((v & 0x7f) | 0x80)
      v >>>= 7
    }
    this.bytes.push(v)
    return this
  }

  tag(field: number, wireType: 0 | 2): this {
    return this.varint((field << 3) | wireType)
  }

  uint(field: number, n: number): this {
    return this.tag(field, 0).varint(Math.max(0, Math.round(n)))
  }

  sint(field: number, n: number): this {
    const v = Math.round(n)
    return this.tag(field, 0).varint((v << 1) ^ (v >> 31))
  }

  raw(field: number, data: ArrayLike<number>): this {
    this.tag(field, 2).varint(data.length)
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i]!)
    return this
  }

  string(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s))
  }

  message(field: number, inner: Writer): this {
    return this.raw(field, inner.bytes)
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes)
  }
}

export function encodeGlyphRange(fontstack: string, range: string, glyphs: readonly PbfGlyph[]): Uint8Array {
  const stack = new Writer().string(1, fontstack).string(2, range)
  for (const g of glyphs) {
    const glyph = new Writer().uint(1, g.id)
    if (g.bitmap && g.bitmap.length > 0) glyph.raw(2, g.bitmap)
    glyph.uint(3, g.width).uint(4, g.height).sint(5, g.left).sint(6, g.top).uint(7, g.advance)
    stack.message(3, glyph)
  }
  return new Writer().message(1, stack).finish()
}
