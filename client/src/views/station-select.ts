import type { Station } from '../api/stations.ts'

/** Options for a station picker, grouped under their superior unit (the city bureau's branches, each county's stations). */
export function stationGroups(stations: readonly Station[]): Array<{ label: string; stations: Station[] }> {
  const groups = new Map<string, Station[]>()
  for (const s of stations) {
    const label = s.parent_name ?? ''
    groups.set(label, [...(groups.get(label) ?? []), s])
  }
  return [...groups].map(([label, list]) => ({ label, stations: list }))
}

/** A `<select>`'s options for the stations, in optgroups by superior unit (plus any leading options). */
export function stationOptions(stations: readonly Station[], leading: Array<[string, string]> = []): HTMLElement[] {
  const out: HTMLElement[] = leading.map(([value, text]) => Object.assign(document.createElement('option'), { value, textContent: text }))
  for (const g of stationGroups(stations)) {
    const group = document.createElement('optgroup')
    group.label = g.label
    for (const s of g.stations) group.append(Object.assign(document.createElement('option'), { value: String(s.id), textContent: s.name }))
    out.push(group)
  }
  return out
}
