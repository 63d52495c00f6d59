import { errorText } from '../api/error-text.ts'
import { onLangChange, t } from '../i18n.ts'
import { isAbort } from './analysis-api.ts'
import { el } from './dom.ts'

type State = { kind: 'idle' } | { kind: 'request'; since: number } | { kind: 'draw' } | { kind: 'error'; err: unknown }

/**
 * A progress bar with words while an analysis runs (the server gives no partial progress, so
 * the bar is indeterminate and the words count the seconds), and the error when it fails.
 * `data-state` is idle | running | error.
 */
export class Progress {
  readonly el = el('div', 'an-progress')
  private state: State = { kind: 'idle' }
  private timer: number | null = null
  private readonly text = el('span', 'an-progress-text')

  constructor(private readonly retry: () => void) {
    this.el.setAttribute('role', 'status')
    this.el.setAttribute('aria-live', 'polite')
    const bar = el('div', 'an-progress-bar')
    bar.append(el('span'))
    this.el.append(bar, this.text)
    onLangChange(() => this.render())
    this.render()
  }

  request(): void {
    this.set({ kind: 'request', since: performance.now() })
    this.timer ??= window.setInterval(() => this.render(), 200)
  }

  drawing(): void {
    this.set({ kind: 'draw' })
  }

  done(): void {
    this.set({ kind: 'idle' })
  }

  fail(err: unknown): void {
    console.warn('analysis failed:', err)
    this.set({ kind: 'error', err })
  }

  private set(state: State): void {
    this.state = state
    if (state.kind !== 'request' && this.timer !== null) {
      window.clearInterval(this.timer)
      this.timer = null
    }
    this.render()
  }

  private render(): void {
    const s = this.state
    this.el.dataset.state = s.kind === 'idle' ? 'idle' : s.kind === 'error' ? 'error' : 'running'
    this.el.hidden = s.kind === 'idle'
    if (s.kind === 'request') this.text.textContent = t('analysis.progress.request', { seconds: ((performance.now() - s.since) / 1000).toFixed(1) })
    else if (s.kind === 'draw') this.text.textContent = t('analysis.progress.draw')
    else if (s.kind === 'error') {
      // In the UI's language, re-made on a language change (error-text.ts).
      this.text.textContent = t('analysis.failed', { message: errorText(s.err) })
      const again = el('button', 'an-retry', t('analysis.retry'))
      again.type = 'button'
      again.addEventListener('click', () => this.retry())
      this.text.append(' ', again)
    } else this.text.textContent = ''
  }
}

/**
 * One analysis request at a time: a new run aborts the one in flight (its answer is never
 * drawn), and the progress follows the current run only.
 */
export class Runner {
  private controller: AbortController | null = null

  constructor(private readonly progress: Progress) {}

  async run<T>(work: (signal: AbortSignal) => Promise<T>, draw: (answer: T) => void): Promise<void> {
    this.controller?.abort()
    const controller = new AbortController()
    this.controller = controller
    this.progress.request()
    try {
      const answer = await work(controller.signal)
      if (controller.signal.aborted) return
      this.progress.drawing()
      // Let the words paint before a large answer is turned into layers.
      await new Promise((resolve) => requestAnimationFrame(resolve))
      if (controller.signal.aborted) return
      draw(answer)
      this.progress.done()
    } catch (err) {
      if (controller.signal.aborted || isAbort(err)) return
      this.progress.fail(err)
    } finally {
      if (this.controller === controller) this.controller = null
    }
  }

  cancel(): void {
    this.controller?.abort()
    this.controller = null
    this.progress.done()
  }
}
