import { hasRole } from '../auth/session.ts'
import type maplibregl from 'maplibre-gl'
import { onLangChange, t } from '../i18n.ts'
import { isPhone } from '../views/panels.ts'
import './analysis.css'
import { CoverageView, type CoverageViewOptions } from './coverage-view.ts'
import { el } from './dom.ts'
import { HotspotView } from './hotspot-view.ts'
import { SeasonsView } from './seasons-view.ts'
import { formatParams, ModeState, MODES, parseParams, type AnalysisHashState, type HashExtension, type Mode } from './mode.ts'
import type { AnalysisView } from './view.ts'

declare global {
  interface Window {
    /** The analysis modes, for the browser tests and the console. */
    pinganAnalysis?: Analysis
  }
}

/** The field views' panels (an officer's my grid, a volunteer's day), which sit where the analysis panel does. */
const FIELD_PANELS = '.panel-field'

export interface AnalysisOptions extends CoverageViewOptions {
  map: maplibregl.Map
  initial: AnalysisHashState
}

export interface Analysis extends HashExtension {
  readonly modes: ModeState
  readonly coverage: CoverageView
  readonly hotspots: HotspotView
  readonly seasons: SeasonsView
}

/**
 * The mode switch (map / coverage / hotspots) in the top bar and the analysis panel on the
 * right (a bottom sheet on a phone). The mode and its parameters live in the URL hash.
 */
export function setupAnalysis({ map, initial, ...options }: AnalysisOptions): Analysis {
  const state = new ModeState(initial.mode ?? 'map', parseParams(initial.analysis))
  const panel = el('aside', 'panel panel-analysis')
  panel.id = 'analysis-panel'
  const header = el('header', 'panel-header')
  const title = el('h2')
  const close = el('button', 'panel-close', '×')
  close.type = 'button'
  header.append(title, close)
  const body = el('div', 'panel-body')
  panel.append(header, body)
  // Closed until an analysis mode opens it (an empty panel must not show over the map).
  panel.dataset.open = 'false'
  document.body.append(panel)

  const ctx = {
    map,
    setParams: (p: Record<string, string>) => state.setParams(state.mode, p),
    padding: (): maplibregl.PaddingOptions => {
      const open = panel.dataset.open === 'true'
      if (isPhone()) return { top: 40, left: 30, right: 30, bottom: open ? panel.offsetHeight + 20 : 40 }
      return { top: 80, left: 340, right: open ? panel.offsetWidth + 40 : 40, bottom: 40 }
    },
  }
  const coverage = new CoverageView(ctx, options)
  const hotspots = new HotspotView(ctx)
  const seasons = new SeasonsView(ctx)
  const views: Record<Exclude<Mode, 'map'>, AnalysisView> = { coverage, hotspots, seasons }

  const switcher = el('div', 'segmented mode-switch')
  switcher.setAttribute('role', 'radiogroup')
  for (const m of MODES) {
    const b = el('button')
    b.type = 'button'
    b.dataset.mode = m
    b.setAttribute('role', 'radio')
    b.addEventListener('click', () => {
      // The active analysis's button brings its panel back after it was closed.
      if (m === state.mode && m !== 'map') setOpen(panel.dataset.open !== 'true')
      else state.setMode(m)
    })
    switcher.append(b)
  }
  // The analyses are for police staff; a volunteer's account is not offered them (the API refuses).
  const topbar = document.querySelector('.topbar')
  if (hasRole('admin', 'command', 'planner', 'officer')) topbar?.insertBefore(switcher, topbar.querySelector('.actions'))

  const setOpen = (open: boolean) => {
    panel.dataset.open = String(open)
    close.setAttribute('aria-label', t('panel.collapse'))
    // One panel at a time on the right: an officer's or a volunteer's day gives way (through its own close, so its toggle follows).
    if (open) for (const p of document.querySelectorAll<HTMLElement>(FIELD_PANELS)) if (p.dataset.open === 'true') p.querySelector<HTMLButtonElement>('.panel-close')?.click()
  }
  close.addEventListener('click', () => setOpen(false))
  // …and the analysis panel gives way when one of them is opened (the mode stays; its button brings the panel back).
  new MutationObserver((changes) => {
    const opened = changes.some((c) => c.target instanceof HTMLElement && c.target.matches(FIELD_PANELS) && c.target.dataset.open === 'true')
    if (opened && panel.dataset.open === 'true') setOpen(false)
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-open'] })

  let active: AnalysisView | null = null
  const words = () => {
    switcher.setAttribute('aria-label', t('analysis.mode.label'))
    for (const b of switcher.querySelectorAll<HTMLButtonElement>('button')) {
      b.textContent = t(`analysis.mode.${b.dataset.mode as Mode}`)
      b.setAttribute('aria-checked', String(b.dataset.mode === state.mode))
    }
    if (active) {
      title.textContent = t(active.titleKey)
      panel.setAttribute('aria-label', t(active.titleKey))
    }
  }
  const applyMode = () => {
    const next = state.mode === 'map' ? null : views[state.mode]
    document.body.dataset.analysisMode = state.mode
    if (next !== active) {
      active?.deactivate()
      active = next
      if (next) next.activate(body, state.paramsOf(state.mode))
      setOpen(next !== null)
    }
    words()
  }
  state.onChange(applyMode)
  onLangChange(() => {
    words()
    active?.render()
  })
  applyMode()

  return {
    modes: state,
    coverage,
    hotspots,
    seasons,
    state: () => (state.mode === 'map' ? {} : { mode: state.mode, analysis: formatParams(state.paramsOf(state.mode)) }),
    onChange: (cb) => void state.onChange(cb),
    apply(s) {
      const mode = s.mode ?? 'map'
      const params = parseParams(s.analysis)
      if (mode === 'map') return state.setMode('map')
      if (mode === state.mode && formatParams(params) === formatParams(state.paramsOf(mode))) return
      state.setParams(mode, params)
      if (mode === state.mode && active) {
        active.deactivate()
        active.activate(body, params)
      } else state.setMode(mode)
    },
  }
}
