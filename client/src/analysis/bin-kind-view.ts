import type { CategoryHexLayers } from './emerging-layers.ts'
import type { Params } from './mode.ts'
import { Progress, Runner } from './progress.ts'
import type { ViewContext } from './view.ts'

/**
 * What the hotspot mode's bin kinds (emerging trends, patrol dosage) share: a request per set of
 * parameters (kept for a return to the same ones), the bins on the map as categories, a selected
 * bin (clicked on the map or in the panel, fitted into view), and the panel drawn by `render`.
 */
export abstract class BinKindView<A> {
  protected readonly progress = new Progress(() => this.compute())
  private readonly runner = new Runner(this.progress)
  protected body: HTMLElement | null = null
  protected params: Params = {}
  private answer: { key: string; value: A } | null = null
  protected selected: string | null = null

  constructor(
    protected readonly ctx: ViewContext,
    protected readonly layers: CategoryHexLayers,
    /** The hotspot mode's switch between its kinds, shown at the top of the panel. */
    protected readonly header: () => HTMLElement,
    protected readonly change: (p: Params) => void,
  ) {
    ctx.map.on('click', layers.fillId, (e) => {
      const key = e.features?.[0]?.properties?.key
      if (this.body && key) this.pick(String(key), false)
    })
  }

  /** The endpoint's parameters for the view's (hash) parameters. */
  protected abstract query(params: Params): Params
  protected abstract fetch(query: Params, signal: AbortSignal): Promise<A>
  /** Puts the answer's bins on the map. */
  protected abstract draw(answer: A): void
  /** The lon/lat ring of the answer's bin `key` (i:j), if it has one. */
  protected abstract ringOf(answer: A, key: string): Array<[number, number]> | null
  abstract render(): void

  activate(body: HTMLElement, params: Params): void {
    this.body = body
    this.params = params
    const key = JSON.stringify(this.query(params))
    if (this.answer?.key === key) this.draw(this.answer.value)
    this.render()
    if (this.answer?.key !== key) this.compute()
  }

  deactivate(): void {
    this.body = null
    this.runner.cancel()
    this.layers.setVisible(false)
  }

  private compute(): void {
    const query = this.query(this.params)
    const key = JSON.stringify(query)
    void this.runner.run(
      (signal) => this.fetch(query, signal),
      (value) => {
        this.answer = { key, value }
        this.selected = null
        if (this.body) this.draw(value)
        this.render()
      },
    )
  }

  /** The answer for the current parameters, if it has arrived. */
  protected current(): A | null {
    return this.answer?.key === JSON.stringify(this.query(this.params)) ? this.answer.value : null
  }

  /** Selects a bin: outlined on the map, its details in the panel; `fly` also brings it into view. */
  protected pick(key: string, fly: boolean): void {
    this.selected = key
    this.layers.select(key)
    const a = this.current()
    const ring = a ? this.ringOf(a, key) : null
    if (fly && ring) {
      const xs = ring.map((p) => p[0])
      const ys = ring.map((p) => p[1])
      this.ctx.map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: this.ctx.padding(), maxZoom: 14, duration: 800 })
    }
    this.render()
  }
}
