import { ROUTE_KINDS } from '../../../data/catalog/layers.ts'
import { el } from '../analysis/dom.ts'
import { formatDateTime, formatNumber, t, valueLabel, type MessageKey } from '../i18n.ts'
import type { Item, Tool } from './drawing.ts'
import type { HistoryEntry, WorkloadPreview, ZoneWorkload } from './planner-api.ts'

export const TOOLS: readonly Tool[] = ['select', 'zone', 'route', 'split', 'merge']

const button = (key: MessageKey, cls = 'pl-btn') => {
  const b = el('button', cls, t(key))
  b.type = 'button'
  return b
}

/** The planner's side panel: its parts, built once; the view fills them. */
export class PlannerPanel {
  readonly root = el('aside', 'panel panel-planner')
  readonly close = el('button', 'panel-close', '×')
  readonly station = el('select', 'an-input')
  readonly status = el('div', 'an-hint pl-status')
  readonly tools = new Map<Tool, HTMLButtonElement>()
  readonly remove = button('plan.tool.delete')
  readonly undo = button('plan.tool.undo')
  readonly redo = button('plan.tool.redo')
  readonly importButton = button('plan.tool.import')
  readonly importFile = el('input')
  readonly snap = el('input')
  readonly hint = el('div', 'an-hint pl-hint')
  readonly selected = el('div', 'pl-selected')
  readonly form = el('div', 'pl-form')
  readonly save = button('plan.save', 'pl-btn pl-primary')
  readonly saveAll = button('plan.save', 'pl-btn')
  readonly message = el('div', 'pl-message')
  readonly from = el('input', 'an-input')
  readonly to = el('input', 'an-input')
  readonly kpis = el('div', 'an-kpis pl-kpis')
  readonly overlaps = el('div', 'an-hint pl-overlaps')
  readonly table = el('div', 'pl-table')
  readonly history = el('div', 'pl-history')

  constructor() {
    this.root.id = 'planner-panel'
    this.root.dataset.open = 'false'
    const header = el('header', 'panel-header')
    const title = el('h2', undefined, t('plan.title'))
    this.close.type = 'button'
    this.close.setAttribute('aria-label', t('panel.collapse'))
    header.append(title, this.close)
    const body = el('div', 'panel-body')

    const top = el('section', 'an-section')
    const stationField = el('label', 'an-field')
    stationField.append(el('span', 'an-label', t('plan.station')), this.station)
    this.station.dataset.plan = 'station'
    top.append(stationField, this.status)

    const toolbar = el('section', 'an-section')
    const tools = el('div', 'segmented pl-tools')
    tools.setAttribute('role', 'radiogroup')
    for (const tool of TOOLS) {
      const b = button(`plan.tool.${tool}` as MessageKey, '')
      b.dataset.tool = tool
      b.setAttribute('role', 'radio')
      this.tools.set(tool, b)
      tools.append(b)
    }
    const actions = el('div', 'pl-actions')
    this.remove.dataset.plan = 'delete'
    this.undo.dataset.plan = 'undo'
    this.redo.dataset.plan = 'redo'
    this.importButton.dataset.plan = 'import'
    this.importFile.type = 'file'
    this.importFile.accept = '.gpx,.geojson,.json,application/gpx+xml,application/geo+json,application/json'
    this.importFile.hidden = true
    this.importFile.dataset.plan = 'import-file'
    actions.append(this.undo, this.redo, this.remove, this.importButton, this.importFile)
    const snapLabel = el('label', 'pl-check')
    this.snap.type = 'checkbox'
    this.snap.checked = true
    this.snap.dataset.plan = 'snap'
    snapLabel.append(this.snap, el('span', undefined, t('plan.tool.snap')))
    toolbar.append(tools, actions, snapLabel, this.hint)

    const edit = el('section', 'an-section')
    this.save.dataset.plan = 'save'
    this.saveAll.dataset.plan = 'save-all'
    this.message.setAttribute('role', 'status')
    this.message.dataset.plan = 'message'
    const saveRow = el('div', 'pl-actions')
    saveRow.append(this.save, this.saveAll)
    edit.append(this.selected, this.form, saveRow, this.message)

    const work = el('section', 'an-section')
    work.append(el('h3', undefined, t('plan.workload.title')))
    const period = el('div', 'an-row')
    for (const [input, key] of [[this.from, 'plan.workload.from'], [this.to, 'plan.workload.to']] as const) {
      input.type = 'date'
      const f = el('label', 'an-field')
      f.append(el('span', 'an-label', `${t('plan.workload.period')} · ${t(key)}`), input)
      period.append(f)
    }
    this.kpis.dataset.plan = 'workload'
    this.overlaps.dataset.plan = 'overlaps'
    work.append(period, this.kpis, this.overlaps)

    const compare = el('section', 'an-section')
    compare.append(el('h3', undefined, t('plan.table.title')), this.table)
    const hist = el('section', 'an-section')
    hist.append(el('h3', undefined, t('plan.history.title')), this.history)
    this.table.dataset.plan = 'table'
    this.history.dataset.plan = 'history'

    body.append(top, toolbar, edit, work, compare, hist)
    this.root.append(header, body)
  }

  setTool(tool: Tool): void {
    for (const [k, b] of this.tools) b.setAttribute('aria-checked', String(k === tool))
    const hints: Record<Tool, MessageKey> = { select: 'plan.hint.select', zone: 'plan.hint.zone', route: 'plan.hint.route', split: 'plan.hint.split', merge: 'plan.hint.merge' }
    this.hint.textContent = t(hints[tool])
  }

  /** The workload period as the API takes it: whole Beijing days, the last one included. */
  period(): { from?: string; to?: string } {
    return {
      ...(this.from.value ? { from: `${this.from.value}T00:00:00+08:00` } : {}),
      ...(this.to.value ? { to: `${this.to.value}T23:59:59+08:00` } : {}),
    }
  }

  /** Says something about the last action; `tone` colours it. */
  say(text: string, tone: 'info' | 'ok' | 'error' = 'info', actions: Array<[string, () => void]> = []): void {
    this.message.replaceChildren(el('span', undefined, text))
    this.message.dataset.tone = tone
    for (const [words, run] of actions) {
      const b = el('button', 'pl-btn', words)
      b.type = 'button'
      b.addEventListener('click', run)
      this.message.append(b)
    }
  }

  /** The selected item's header and its property form (changes go straight into `item.props`). */
  showItem(item: Item | null, zones: Array<[number, string]>, changed: () => void): void {
    this.form.replaceChildren()
    if (!item) {
      this.selected.textContent = t('plan.selected.none')
      this.save.disabled = true
      return
    }
    this.save.disabled = false
    const state = item.serverId ? t('plan.selected.saved', { name: String(item.props.name ?? '').trim() || t('plan.selected.unnamed'), version: item.version ?? '?' }) : t('plan.selected.new')
    this.selected.textContent = `${item.layer === 'patrol-zones' ? '◆' : '━'} ${state}${item.dirty ? ` · ${t('plan.selected.dirty')}` : ''}`
    const input = (name: string, key: MessageKey, type = 'text') => {
      const i = el('input', 'an-input')
      i.type = type
      i.value = item.props[name] === undefined || item.props[name] === null ? '' : String(item.props[name])
      i.dataset.prop = name
      i.addEventListener('input', () => {
        item.props[name] = type === 'number' ? (i.value === '' ? null : Number(i.value)) : i.value
        item.dirty = true
        changed()
      })
      const f = el('label', 'an-field')
      f.append(el('span', 'an-label', t(key)), i)
      return f
    }
    const choice = (name: string, key: MessageKey, options: Array<[string, string]>, asNumber: boolean) => {
      const s = el('select', 'an-input')
      for (const [v, words] of options) {
        const o = el('option', undefined, words)
        o.value = v
        s.append(o)
      }
      s.value = item.props[name] === undefined || item.props[name] === null ? '' : String(item.props[name])
      s.dataset.prop = name
      s.addEventListener('change', () => {
        item.props[name] = asNumber ? (s.value === '' ? null : Number(s.value)) : s.value
        item.dirty = true
        changed()
      })
      const f = el('label', 'an-field')
      f.append(el('span', 'an-label', t(key)), s)
      return f
    }
    const row = el('div', 'an-row')
    if (item.layer === 'patrol-zones') {
      row.append(input('team', 'plan.prop.team'), choice('priority', 'plan.prop.priority', ['1', '2', '3', '4', '5'].map((v) => [v, v]), true))
    } else {
      row.append(input('team', 'plan.prop.team'), choice('kind', 'plan.prop.kind', ROUTE_KINDS.map((k) => [k, valueLabel('patrol-routes', 'kind', k)]), false))
    }
    this.form.append(input('name', 'plan.prop.name'), row)
    if (item.layer === 'patrol-routes') this.form.append(choice('zone_id', 'plan.prop.zone', [['', '—'], ...zones.map(([id, name]): [string, string] => [String(id), name])], true))
  }

  showWorkload(w: WorkloadPreview | null, buffer: number): void {
    if (!w) {
      this.kpis.replaceChildren(el('div', 'an-hint', t('plan.workload.none')))
      this.overlaps.textContent = ''
      return
    }
    const kpi = (key: MessageKey, value: string, name: string, params: Record<string, string | number> = {}) => {
      const box = el('div', 'an-kpi')
      const v = el('div', 'v', value)
      v.dataset.kpi = name
      box.append(v, el('div', 'k', t(key, params)))
      return box
    }
    this.kpis.replaceChildren(
      kpi('plan.workload.households', formatNumber(w.households, 0), 'households'),
      kpi('plan.workload.units', formatNumber(w.household_units, 0), 'household_units'),
      kpi('plan.workload.hazards', formatNumber(w.hazards_open, 0), 'hazards_open'),
      kpi('plan.workload.disputes', formatNumber(w.disputes, 0), 'disputes'),
      kpi('plan.workload.schools', formatNumber(w.schools, 0), 'schools'),
      kpi('plan.workload.posts', formatNumber(w.guard_posts, 0), 'guard_posts'),
      kpi('plan.workload.area', (w.area_m2 / 1e6).toFixed(3), 'area_km2'),
      kpi('plan.workload.routeKm', (w.route_m / 1000).toFixed(2), 'route_km'),
      kpi('plan.workload.coverage', `${(w.covered_share * 100).toFixed(1)}%`, 'covered_share', { buffer }),
    )
    this.overlaps.textContent = w.overlaps.length
      ? t('plan.overlaps', { list: w.overlaps.map((o) => `${o.name} (${formatNumber(o.area_m2 / 1e4, 1)} ha)`).join('、') })
      : t('plan.overlaps.none')
    this.overlaps.dataset.count = String(w.overlaps.length)
  }

  showTable(zones: ZoneWorkload[], current: number | undefined, pick: (id: number) => void): void {
    if (zones.length === 0) {
      this.table.replaceChildren(el('div', 'an-hint', t('plan.table.empty')))
      return
    }
    const table = el('table', 'an-table')
    const head = el('tr')
    for (const [key, num] of [['plan.table.zone', false], ['plan.workload.households', true], ['plan.workload.hazards', true], ['plan.workload.disputes', true], ['plan.workload.schools', true], ['plan.workload.area', true], ['plan.workload.routeKm', true]] as const) {
      head.append(el('th', num ? 'num' : undefined, t(key)))
    }
    table.append(head)
    for (const z of zones) {
      const tr = el('tr', z.id === current ? 'pl-current' : undefined)
      tr.dataset.zone = String(z.id)
      const name = el('td')
      const link = el('button', 'pl-link', z.name)
      link.type = 'button'
      link.title = z.name
      link.addEventListener('click', () => pick(z.id))
      name.append(link)
      tr.append(name)
      for (const v of [formatNumber(z.households, 0), String(z.hazards_open), String(z.disputes), String(z.schools), z.area_km2.toFixed(2), z.route_km.toFixed(1)]) tr.append(el('td', 'num', v))
      table.append(tr)
    }
    this.table.replaceChildren(table)
  }

  showHistory(entries: HistoryEntry[] | null, view: (e: HistoryEntry) => void, restore: (e: HistoryEntry) => void): void {
    if (!entries) {
      this.history.replaceChildren(el('div', 'an-hint', t('plan.history.none')))
      return
    }
    const list = el('ol', 'pl-history-list')
    entries.forEach((e, i) => {
      const li = el('li')
      li.dataset.entry = String(e.id)
      const version = (e.after?.properties as { version?: number } | null)?.version
      const action = t(`plan.action.${e.action}` as MessageKey)
      const what = el('div', 'pl-history-what', `${version ? t('plan.history.version', { version }) : ''} · ${action} · ${e.actor}`)
      const when = el('div', 'an-hint', `${formatDateTime(e.at)}${e.reason ? ` · ${e.reason}` : ''}`)
      li.append(what, when)
      if (e.after) {
        const viewB = el('button', 'pl-btn', t('plan.history.view'))
        viewB.type = 'button'
        viewB.addEventListener('click', () => view(e))
        li.append(viewB)
        // The newest entry is the current version: nothing to restore.
        if (i > 0) {
          const restoreB = el('button', 'pl-btn', t('plan.history.restore'))
          restoreB.type = 'button'
          restoreB.dataset.plan = 'restore'
          restoreB.addEventListener('click', () => restore(e))
          li.append(restoreB)
        }
      }
      list.append(li)
    })
    this.history.replaceChildren(list)
  }
}
