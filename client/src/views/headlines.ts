import type { Stats } from '../api/client.ts'

const KPIS: Array<[string, string]> = [
  ['stations', '派出所'],
  ['branches', '实战化分局'],
  ['community_officers', '社区（包村）民警'],
  ['auxiliary_officers', '专职辅警'],
  ['militia_orgs', '对接民兵组织'],
  ['volunteers', '平安志愿者'],
  ['mediation_rooms', '矛盾纠纷调解室'],
  ['disputes_resolved', '化解矛盾纠纷'],
  ['household_unit_reports', '十户联防信息'],
  ['hazards', '风险隐患信息'],
  ['hazards_eliminated', '隐患已销号'],
  ['river_patrols', '汛期河道巡查'],
  ['patrol_ebikes', '警务电动车'],
  ['volunteers_redeemed', '积分兑换人数'],
]

export function renderHeadlines(el: HTMLElement, stats: Stats): void {
  const fmt = new Intl.NumberFormat('zh-CN')
  el.replaceChildren()
  const h = document.createElement('h2')
  h.textContent = '警地融合 · 工作概况'
  const grid = document.createElement('div')
  grid.className = 'kpis'
  for (const [key, label] of KPIS) {
    const card = document.createElement('div')
    card.className = 'kpi'
    card.dataset.key = key
    const v = document.createElement('div')
    v.className = 'v'
    v.textContent = fmt.format(stats.headlines[key] ?? 0)
    const k = document.createElement('div')
    k.className = 'k'
    k.textContent = label
    card.append(v, k)
    grid.append(card)
  }
  el.append(h, grid)
}
