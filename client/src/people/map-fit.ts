import type maplibregl from 'maplibre-gl'

type Padding = { top: number; bottom: number; left: number; right: number }

/**
 * Padding for `fitBounds` so what is fitted lands in the part of the map nothing covers: below
 * the top bar, beside the open side panels (a wide screen) or above an open bottom sheet (a
 * phone); never so much that less than a third of the map is left. MapLibre adds the padding a
 * view left on the map (an easeTo with padding keeps it) to the one given, so that is taken off.
 */
export function openMapPadding(map: maplibregl.Map, margin = 24): Padding {
  const want = coveredEdges(margin)
  const kept = map.getPadding()
  return {
    top: Math.max(0, want.top - (kept.top ?? 0)),
    bottom: Math.max(0, want.bottom - (kept.bottom ?? 0)),
    left: Math.max(0, want.left - (kept.left ?? 0)),
    right: Math.max(0, want.right - (kept.right ?? 0)),
  }
}

/**
 * Flies to a point at `zoom` (or the current zoom, if closer), centred in the uncovered part
 * of the map: a fit to the point itself, so no padding stays on the map afterwards.
 */
export function flyToPoint(map: maplibregl.Map, point: [number, number], zoom: number, duration: number): void {
  map.fitBounds([point, point], { padding: openMapPadding(map), maxZoom: Math.max(map.getZoom(), zoom), duration })
}

function coveredEdges(margin: number): Padding {
  const w = window.innerWidth
  const h = window.innerHeight
  let top = Math.max(0, ...[...document.querySelectorAll('.topbar, .mode-switch')].map((e) => e.getBoundingClientRect().bottom)) + margin
  let bottom = margin
  let left = margin
  let right = margin
  for (const panel of document.querySelectorAll<HTMLElement>('.panel[data-open="true"]')) {
    const r = panel.getBoundingClientRect()
    if (r.width === 0 || r.height === 0) continue
    if (r.width > w * 0.6) bottom = Math.max(bottom, h - r.top + margin)
    else if (r.left + r.width / 2 < w / 2) left = Math.max(left, r.right + margin)
    else right = Math.max(right, w - r.left + margin)
  }
  const fit = (a: number, b: number, total: number): [number, number] => {
    const room = total - (a + b)
    if (room >= total / 3) return [a, b]
    const scale = (total * (2 / 3)) / (a + b)
    return [Math.floor(a * scale), Math.floor(b * scale)]
  }
  ;[left, right] = fit(left, right, w)
  ;[top, bottom] = fit(top, bottom, h)
  return { top, bottom, left, right }
}

/** Runs `fn` once the map has stopped moving (or after `ms`, should it not have moved at all). */
export function afterMove(map: maplibregl.Map, ms: number, fn: () => void): void {
  let done = false
  const run = () => {
    if (done) return
    done = true
    clearTimeout(timer)
    map.off('moveend', run)
    fn()
  }
  const timer = setTimeout(run, ms)
  map.once('moveend', run)
}
