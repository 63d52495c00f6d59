import type { Page } from 'playwright-core'

/** The four screens every view must hold up on (issue 15). */
export const SIZES = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '1366x768', width: 1366, height: 768 },
  { name: '1920x1080', width: 1920, height: 1080 },
  { name: 'phone-390x844', width: 390, height: 844 },
] as const

export interface Overflow {
  text: string
  /** The element holding the text, as a short CSS path. */
  where: string
  why: string
}

/**
 * Every visible text node that does not fit its place: cut off by an ancestor that hides
 * overflow (an ellipsis included), spilling out of its own box, or running off the side of the
 * screen where nothing scrolls it into view. Runs in the page.
 */
export async function findOverflows(page: Page): Promise<Overflow[]> {
  return page.evaluate(() => {
    const out: Array<{ text: string; where: string; why: string }> = []
    const pathOf = (el: Element): string => {
      const parts: string[] = []
      for (let e: Element | null = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
        parts.unshift(e.id ? `#${e.id}` : `${e.tagName.toLowerCase()}${e.classList.length ? '.' + [...e.classList].slice(0, 2).join('.') : ''}`)
        if (e.id) break
      }
      return parts.join(' > ')
    }
    const shown = (el: Element): boolean => {
      for (let e: Element | null = el; e; e = e.parentElement) {
        const cs = getComputedStyle(e)
        if (cs.display === 'none' || cs.visibility === 'hidden' || Number(cs.opacity) === 0) return false
      }
      const r = el.getBoundingClientRect()
      // A 1-px box is text for screen readers only (the visually-hidden pattern), not cut-off text.
      return r.width > 1 && r.height > 1
    }
    const scrolls = (v: string) => v === 'auto' || v === 'scroll'
    const seen = new Set<Element>()
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    while (walker.nextNode()) {
      const node = walker.currentNode as Text
      const text = (node.textContent ?? '').trim()
      const el = node.parentElement
      if (!text || !el || seen.has(el) || el.closest('script, style, noscript, .maplibregl-ctrl-attrib-inner, [data-layout-exempt]')) continue
      if (!shown(el)) continue
      const range = document.createRange()
      range.selectNodeContents(node)
      const r = range.getBoundingClientRect()
      if (r.width === 0 || r.height === 0) continue
      const own = getComputedStyle(el)
      if (own.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) {
        seen.add(el)
        out.push({ text, where: pathOf(el), why: `cut off with an ellipsis (${el.scrollWidth}px in ${el.clientWidth}px)` })
        continue
      }
      // Clipped by an ancestor that hides what overflows it. Inside a scrolling ancestor the text
      // is reachable: clipping above that ancestor (in that direction) does not count.
      let horizontallyScrolled = false
      let verticallyScrolled = false
      for (let a: Element | null = el; a && a !== document.documentElement; a = a.parentElement) {
        const cs = getComputedStyle(a)
        const ar = a.getBoundingClientRect()
        const clipX = !horizontallyScrolled && (cs.overflowX === 'hidden' || cs.overflowX === 'clip')
        const clipY = !verticallyScrolled && (cs.overflowY === 'hidden' || cs.overflowY === 'clip')
        if ((clipX && (r.right > ar.right + 1 || r.left < ar.left - 1)) || (clipY && (r.bottom > ar.bottom + 1 || r.top < ar.top - 1))) {
          seen.add(el)
          out.push({ text, where: pathOf(el), why: `cut off by ${pathOf(a)} (text ${Math.round(r.left)}–${Math.round(r.right)} × ${Math.round(r.top)}–${Math.round(r.bottom)}, box ${Math.round(ar.left)}–${Math.round(ar.right)} × ${Math.round(ar.top)}–${Math.round(ar.bottom)})` })
          break
        }
        if (scrolls(cs.overflowX)) horizontallyScrolled = true
        if (scrolls(cs.overflowY)) verticallyScrolled = true
      }
      if (seen.has(el)) continue
      if (!horizontallyScrolled && (r.right > window.innerWidth + 1 || r.left < -1)) {
        seen.add(el)
        out.push({ text, where: pathOf(el), why: `runs off the screen (${Math.round(r.left)}–${Math.round(r.right)} of ${window.innerWidth}px)` })
        continue
      }
      // Spilling out of its own box sideways (a word too long for a fixed width).
      const box = el.getBoundingClientRect()
      if (own.overflowX === 'visible' && own.display !== 'inline' && (r.right > box.right + 2 || r.left < box.left - 2)) {
        seen.add(el)
        out.push({ text, where: pathOf(el), why: `spills out of its box (${Math.round(r.left)}–${Math.round(r.right)} in ${Math.round(box.left)}–${Math.round(box.right)})` })
      }
    }
    return out.slice(0, 50)
  })
}
