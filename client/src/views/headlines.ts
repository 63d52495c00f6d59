import type { Stats } from '../api/client.ts'
import type { FigureKey } from '../../../data/catalog/figures.ts'
import { FIGURES } from '../../../data/catalog/figures.ts'
import { figureLabel, formatNumber } from '../i18n.ts'

/** The story's headline figures, in the order the source story tells them. */
const KPIS = [
  'stations', 'branches', 'community_officers', 'auxiliary_officers', 'militia_orgs', 'volunteers', 'mediation_rooms',
  'disputes_resolved', 'household_unit_disputes', 'hazards', 'hazards_eliminated', 'river_patrols', 'patrol_ebikes', 'volunteers_redeemed',
] as const satisfies readonly FigureKey[]

/** Renders the figures into the panel body; call again after a language change. */
export function renderHeadlines(el: HTMLElement, stats: Stats): void {
  const grid = document.createElement('div')
  grid.className = 'kpis'
  // The server gives each account only the figures within its scope; the others are left out.
  for (const key of KPIS) {
    if (stats.headlines[key] === undefined) continue
    const card = document.createElement('div')
    card.className = 'kpi'
    card.dataset.key = key
    const v = document.createElement('div')
    v.className = 'v'
    v.textContent = formatNumber(stats.headlines[key]!)
    const k = document.createElement('div')
    k.className = 'k'
    k.textContent = figureLabel(key)
    card.title = FIGURES[key].counts
    card.append(v, k)
    grid.append(card)
  }
  el.replaceChildren(grid)
}
