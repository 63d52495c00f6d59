/** Least time between two redraws of the live layers (many reports, one upload). */
export const MIN_SPACING_MS = 250
/** Most: a report is drawn within this long of its arrival, however slow the frames are. */
export const MAX_SPACING_MS = 800
/** Of the page's time, what the live redraws may take; the rest stays for the map and the user's hands. */
const SHARE = 0.5

/**
 * When the live layers may be redrawn next. Each redraw repaints the whole map (deck.gl draws
 * interleaved with MapLibre), which on a wall screen without a GPU takes hundreds of
 * milliseconds: redrawing on every batch of reports would keep the page busy drawing and make
 * panning stutter. So the redraws are spaced by twice what the recent frames cost, between
 * MIN_SPACING_MS and MAX_SPACING_MS: several a second with a GPU, about one a second without.
 */
export class RedrawPacer {
  #frameMs = 0
  #lastAt = -Infinity

  /** Milliseconds between redraws now. */
  get spacing(): number {
    return Math.min(MAX_SPACING_MS, Math.max(MIN_SPACING_MS, this.#frameMs / SHARE))
  }

  /** How long from `now` until the next redraw may run. */
  wait(now: number): number {
    return Math.max(0, this.#lastAt + this.spacing - now)
  }

  /** A redraw ran at `now`. */
  drew(now: number): void {
    this.#lastAt = now
  }

  /** The frame that showed a redraw took `ms` (smoothed over the last few). */
  frame(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return
    this.#frameMs = this.#frameMs === 0 ? ms : 0.7 * this.#frameMs + 0.3 * ms
  }
}
