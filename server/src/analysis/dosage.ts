import { sql, type Kysely, type RawBuilder } from 'kysely'
import { findLayer } from '../../../data/catalog/layers.ts'
import { ApiError } from '../http/errors.ts'
import { dbStep } from './hex-db.ts'
import type { AreaSpec } from './hex-area.ts'
import { binPlaces, computeEmerging, LISTED } from './emerging.ts'
import { computeHotspots } from './hotspots.ts'
import { HEX_LAYOUT, hexIndexSql, hexLattice, UTM51N_PROJ4 } from './hex-lattice.ts'
import type { DosageAnswer, DosageBin, DosageDay, StationDosage } from '../contract/analysis.ts'

/**
 * Patrol dosage in hot spots (hot-spot policing; Koper 1995: visits of about 10–15 minutes,
 * spread over the day), from the units' own GPS reports.
 *
 * Presence, the one definition (the "hotspot unvisited" alert counts a stay the same way): a
 * unit is present in a bin from one of its reports inside the bin (the hexagon grown by
 * `buffer` metres) to its last report inside before it reports from outside or falls silent for
 * more than `maxGapS`; that run of reports is one pass, lasting from its first report to its
 * last. A pass of at least a minute is a visit; of at least `visitMin` minutes, a full visit.
 * A single report inside, or reports further apart than `maxGapS`, are no presence at all.
 */
export interface PresenceOptions {
  maxGapS: number
  bufferM: number
}

export interface PresenceRun {
  i: number
  j: number
  unit_id: number
  start: Date
  end: Date
}

/** The passes of every unit through every cell of `cells` (columns i, j, geom in EPSG:4326) between t0 and t1. */
export function presenceRunsSql(cells: RawBuilder<unknown>, t0: string, t1: string, o: PresenceOptions): RawBuilder<PresenceRun> {
  return sql<PresenceRun>`
    WITH cells AS MATERIALIZED (
      SELECT i, j, CASE WHEN ${o.bufferM}::float8 > 0 THEN ST_Transform(ST_Buffer(ST_Transform(geom, 32651), ${o.bufferM}::float8), 4326) ELSE geom END AS geom
      FROM (${cells}) c
    ),
    -- Every unit that reported from inside a cell, then all its reports (inside or not) in time order.
    touched AS (
      SELECT DISTINCT c.i, c.j, p.unit_id FROM cells c JOIN unit_positions p ON p.ts BETWEEN ${t0}::timestamptz AND ${t1}::timestamptz
      WHERE p.geom && c.geom AND ST_Intersects(c.geom, p.geom)
    ),
    seq AS (
      SELECT t.i, t.j, t.unit_id, p.ts, ST_Intersects(c.geom, p.geom) AS inside
      FROM touched t JOIN cells c ON c.i = t.i AND c.j = t.j
      JOIN unit_positions p ON p.unit_id = t.unit_id AND p.ts BETWEEN ${t0}::timestamptz AND ${t1}::timestamptz
    ),
    marked AS (
      SELECT *, CASE WHEN inside AND (lag(inside) OVER w IS NOT TRUE OR ts - lag(ts) OVER w > make_interval(secs => ${o.maxGapS})) THEN 1 ELSE 0 END AS starts
      FROM seq WINDOW w AS (PARTITION BY i, j, unit_id ORDER BY ts)
    ),
    runs AS (
      SELECT *, sum(starts) OVER (PARTITION BY i, j, unit_id ORDER BY ts) AS run FROM marked
    )
    SELECT i, j, unit_id, min(ts) AS start, max(ts) AS "end" FROM runs WHERE inside GROUP BY i, j, unit_id, run`
}

/**
 * The same passes for hexagon bins of one lattice without a buffer, in one pass over the reports:
 * each report gets its bin by lattice arithmetic (hexIndexSql), and a unit's reports are read
 * once in time order (a pass ends when the unit reports from another bin, from outside every hot
 * bin, or after more than `maxGapS` of silence). The geometric form above reads a unit's whole
 * track once per bin it touched; this one stays linear in the reports over weeks of tracks.
 */
export function latticePassesSql(bins: ReadonlyArray<{ i: number; j: number }>, cell: number, t0: string, t1: string, maxGapS: number): RawBuilder<PresenceRun> {
  const lattice = hexLattice(cell)
  const hot = JSON.stringify(bins.map((b) => ({ i: b.i, j: b.j })))
  const keys = bins.map((b) => (BigInt(b.i) * 4294967296n + BigInt(b.j)).toString())
  return sql<PresenceRun>`
    WITH hot AS MATERIALIZED (SELECT DISTINCT i, j FROM jsonb_to_recordset(${hot}::jsonb) AS c(i int, j int)),
    near AS MATERIALIZED (
      SELECT ST_Transform(ST_Envelope(ST_Collect(ST_SetSRID(ST_Hexagon(${cell}::float8, i, j), 32651))), 4326) AS env FROM hot
    ),
    -- Every report of the period, read once (a per-unit index scan read each heap page once per
    -- unit). Only reports within the hot spots' envelope are placed on the lattice; the others
    -- are outside every hot bin and only end a pass (x, y NULL: no bin).
    pts AS MATERIALIZED (
      SELECT p.unit_id, p.ts, ST_X(q) AS x, ST_Y(q) AS y
      FROM unit_positions p CROSS JOIN near
      LEFT JOIN LATERAL (SELECT ST_Transform(p.geom, 32651) AS q WHERE p.geom && near.env) t ON true
      WHERE p.ts BETWEEN ${t0}::timestamptz AND ${t1}::timestamptz
    ),
    idx AS MATERIALIZED (${hexIndexSql(sql`SELECT x, y, unit_id, ts FROM pts`, lattice, ['unit_id', 'ts'])}),
    -- A hot bin by its key in an array (PostgreSQL hashes a long constant array): a join with the
    -- hot bins was planned as a nested loop over every report (24 s for 2.4 M reports).
    flagged AS (
      SELECT x.unit_id, x.ts, x.i, x.j, (x.i::int8 * 4294967296 + x.j) = ANY(${`{${keys.join(',')}}`}::int8[]) AS inside FROM idx x
    ),
    marked AS (
      SELECT *, CASE WHEN inside AND (lag(inside) OVER w IS NOT TRUE OR lag(i) OVER w <> i OR lag(j) OVER w <> j
                                      OR ts - lag(ts) OVER w > make_interval(secs => ${maxGapS})) THEN 1 ELSE 0 END AS starts
      FROM flagged WINDOW w AS (PARTITION BY unit_id ORDER BY ts)
    ),
    runs AS (SELECT *, sum(starts) OVER (PARTITION BY unit_id ORDER BY ts) AS run FROM marked)
    SELECT i, j, unit_id, min(ts) AS start, max(ts) AS "end" FROM runs WHERE inside GROUP BY unit_id, run, i, j`
}

export interface DosageOptions {
  from: string
  to: string
  cell: number
  /** Which bins are the hot spots: Gi* hot spots (95 %+) of the 90 days before `to`, emerging hot spots, or a list. */
  hotspots: 'gi' | 'emerging' | Array<{ i: number; j: number }>
  area: AreaSpec
  presence: PresenceOptions
  visitMin: number
  /** The daily target: this many full visits. */
  targetVisits: number
}

const SHANGHAI_MS = 8 * 3_600_000
const DAY_MS = 86_400_000
/** Most hot spots one request measures (the strongest first). */
export const MAX_BINS = 300

/** The Beijing-time date of an instant, as YYYY-MM-DD. */
const localDate = (ms: number) => new Date(ms + SHANGHAI_MS).toISOString().slice(0, 10)

export async function computeDosage(db: Kysely<any>, o: DosageOptions): Promise<DosageAnswer> {
  const t0 = Date.parse(o.from)
  const t1 = Date.parse(o.to)
  if (!(t1 > t0)) throw new ApiError(400, 'invalid_query', 'to must be after from')
  if (t1 - t0 > 93 * DAY_MS) throw new ApiError(400, 'period_too_long', 'dosage is measured over at most 93 days at a time')
  const hot = await hotBins(db, o)
  const cells = JSON.stringify(hot.map((b) => ({ i: b.i, j: b.j })))
  // Without a buffer the bins are the lattice's own hexagons: one pass over the reports; a buffer
  // makes them overlap, and the geometric form counts a report in every bin it falls in.
  const passes = o.presence.bufferM > 0
    ? presenceRunsSql(sql`SELECT c.i, c.j, ST_Transform(ST_SetSRID(ST_Hexagon(${o.cell}::float8, c.i, c.j), 32651), 4326) AS geom FROM jsonb_to_recordset(${cells}::jsonb) AS c(i int, j int)`, o.from, o.to, o.presence)
    : latticePassesSql(hot, o.cell, o.from, o.to, o.presence.maxGapS)
  const runs = hot.length === 0 ? [] : await dbStep('measuring the patrols\' presence in the hot spots', async () => (await passes.execute(db)).rows)
  const places = await binPlaces(db, o.cell, hot)
  const codes = new Map((await sql<{ id: number; code: string }>`SELECT id, code FROM patrol_units`.execute(db)).rows.map((r) => [r.id, r.code]))

  // Days of the period in Beijing time, first to last.
  const dates: string[] = []
  for (let d = localDate(t0); d <= localDate(t1); d = localDate(Date.parse(`${d}T00:00:00+08:00`) + DAY_MS)) dates.push(d)
  const byBin = new Map<string, PresenceRun[]>()
  for (const r of runs) {
    const k = `${r.i}:${r.j}`
    byBin.set(k, [...(byBin.get(k) ?? []), r])
  }
  const bins = hot.map((b, index): DosageBin => {
    const passes = (byBin.get(`${b.i}:${b.j}`) ?? []).map((r) => ({ unit: r.unit_id, start: new Date(r.start).getTime(), end: new Date(r.end).getTime() }))
    const days = dates.map((date): DosageDay => {
      // A pass belongs to the day it starts on.
      const today = passes.filter((p) => localDate(p.start) === date).sort((x, y) => x.start - y.start)
      const visits = today.filter((p) => p.end - p.start >= 60_000)
      const full = visits.filter((p) => p.end - p.start >= o.visitMin * 60_000)
      let longest: number | null = null
      // Between visits: from the end of what has been covered so far to the next visit's start.
      let covered = -Infinity
      for (const v of visits) {
        if (covered > -Infinity) longest = Math.max(longest ?? 0, Math.max(0, v.start - covered))
        covered = Math.max(covered, v.end)
      }
      const minutes = today.reduce((s, p) => s + (p.end - p.start), 0) / 60_000
      return {
        date,
        minutes: Number(minutes.toFixed(1)),
        visits: visits.length,
        full_visits: full.length,
        longest_gap_min: longest === null ? null : Number((longest / 60_000).toFixed(1)),
        units: [...new Set(visits.map((p) => codes.get(p.unit) ?? String(p.unit)))].sort(),
        met: full.length >= o.targetVisits,
      }
    })
    const minutes = days.reduce((s, d) => s + d.minutes, 0)
    return { i: b.i, j: b.j, source: b.source, place: places[index] ?? null, days, minutes_per_day: Number((minutes / days.length).toFixed(1)), days_met: days.filter((d) => d.met).length }
  })
  // Worst first: fewest days meeting the target, then least presence.
  bins.sort((x, y) => x.days_met - y.days_met || x.minutes_per_day - y.minutes_per_day || x.i - y.i || x.j - y.j)
  const parameters = {
    from: o.from,
    to: o.to,
    cell: o.cell,
    hotspots: Array.isArray(o.hotspots) ? 'list' : o.hotspots,
    hotspot_rule: Array.isArray(o.hotspots) ? 'the bins asked for' : o.hotspots === 'gi' ? 'Gi* hot spots at 95 % or more of the incidents of the 90 days before to (hexagons of this cell)' : 'emerging hot spots (new, consecutive, intensifying, persistent) of the 52 weeks before to',
    presence: `a pass: a unit's reports inside the hexagon${o.presence.bufferM ? ` grown by ${o.presence.bufferM} m` : ''}, none more than ${o.presence.maxGapS} s apart, from the first to the last; a visit lasts at least 1 minute, a full visit at least ${o.visitMin} minutes; a pass belongs to the Beijing day it starts on`,
    max_gap_s: o.presence.maxGapS,
    buffer_m: o.presence.bufferM,
    visit_min: o.visitMin,
    target: `${o.targetVisits} full visits a day`,
    target_visits: o.targetVisits,
    // How the bins' hexagons are placed, for a client that draws them (as in hotspots format=bins).
    lattice: { crs: 'EPSG:32651', proj4: UTM51N_PROJ4, size: o.cell, layout: HEX_LAYOUT },
  }
  const stations = await stationRatios(db, o, hot, runs)
  const cellDays = bins.length * dates.length
  const met = bins.reduce((s, b) => s + b.days_met, 0)
  return { parameters, summary: { hot_spots: bins.length, days: dates.length, bin_days: cellDays, bin_days_met: met, share_met: cellDays ? Number((met / cellDays).toFixed(4)) : null }, bins, stations }
}

/**
 * The stations' dosage ratio: the share of their units' patrol minutes spent in hot spots ÷ the
 * hot spots' share of the station's area. A hot spot counts for the station owning the grid cell
 * at its centre, with its whole hexagon's area; patrol minutes are the time between a unit's
 * consecutive reports no more than max_gap_s apart.
 */
async function stationRatios(db: Kysely<any>, o: DosageOptions, hot: ReadonlyArray<{ i: number; j: number }>, runs: readonly PresenceRun[]): Promise<StationDosage[]> {
  const cells = JSON.stringify(hot.map((b) => ({ i: b.i, j: b.j })))
  const rows = await dbStep('the stations\' patrol minutes and hot-spot area', async () =>
    (
      await sql<{ station_id: number; station_name: string; patrol_s: number; area_m2: number; hot_spots: number; units: number[] }>`
        WITH tracked AS (
          SELECT unit_id, CASE WHEN gap <= ${o.presence.maxGapS} THEN gap ELSE 0 END AS s FROM (
            SELECT unit_id, extract(epoch FROM ts - lag(ts) OVER (PARTITION BY unit_id ORDER BY ts))::float8 AS gap
            FROM unit_positions WHERE ts BETWEEN ${o.from}::timestamptz AND ${o.to}::timestamptz
          ) g WHERE gap IS NOT NULL
        ),
        per_station AS (
          SELECT u.station_id, sum(t.s)::float8 AS patrol_s FROM tracked t JOIN patrol_units u ON u.id = t.unit_id GROUP BY u.station_id
        ),
        hex AS (
          SELECT ST_Transform(ST_Centroid(ST_SetSRID(ST_Hexagon(${o.cell}::float8, c.i, c.j), 32651)), 4326) AS centre
          FROM jsonb_to_recordset(${cells}::jsonb) AS c(i int, j int)
        ),
        hot_owned AS (
          SELECT g.station_id, count(*)::int AS n FROM hex h JOIN grid_cells g ON ST_Intersects(g.geom, h.centre) GROUP BY g.station_id
        ),
        area AS (SELECT station_id, sum(ST_Area(geom::geography))::float8 AS m2 FROM grid_cells GROUP BY station_id)
        SELECT p.id AS station_id, p.name AS station_name, coalesce(ps.patrol_s, 0) AS patrol_s, a.m2 AS area_m2, coalesce(ho.n, 0) AS hot_spots,
               coalesce((SELECT array_agg(id ORDER BY id) FROM patrol_units WHERE station_id = p.id), '{}') AS units
        FROM area a JOIN police_units p ON p.id = a.station_id
        LEFT JOIN per_station ps ON ps.station_id = a.station_id
        LEFT JOIN hot_owned ho ON ho.station_id = a.station_id
        ORDER BY p.id`.execute(db)
    ).rows,
  )
  const hexArea = 1.5 * o.cell * o.cell * 2 * 0.8660254037844387
  const hotSeconds = new Map<number, number>()
  for (const r of runs) hotSeconds.set(r.unit_id, (hotSeconds.get(r.unit_id) ?? 0) + (new Date(r.end).getTime() - new Date(r.start).getTime()) / 1000)
  return rows
    .filter((r) => r.hot_spots > 0 || r.patrol_s > 0)
    .map((r) => {
      const hotS = r.units.reduce((s, u) => s + (hotSeconds.get(u) ?? 0), 0)
      const areaShare = Math.min(1, (r.hot_spots * hexArea) / r.area_m2)
      const timeShare = r.patrol_s > 0 ? hotS / r.patrol_s : 0
      return {
        station_id: r.station_id,
        station_name: r.station_name,
        patrol_minutes: Number((r.patrol_s / 60).toFixed(1)),
        hot_spot_minutes: Number((hotS / 60).toFixed(1)),
        hot_spots: r.hot_spots,
        area_share: Number(areaShare.toFixed(4)),
        dosage_ratio: r.patrol_s > 0 && areaShare > 0 ? Number((timeShare / areaShare).toFixed(3)) : null,
      }
    })
}

/** The hot spots whose dosage is measured, strongest first, at most MAX_BINS. */
async function hotBins(db: Kysely<any>, o: DosageOptions): Promise<Array<{ i: number; j: number; source: string }>> {
  if (Array.isArray(o.hotspots)) return o.hotspots.slice(0, MAX_BINS).map((b) => ({ ...b, source: 'list' }))
  const to = new Date(o.to)
  if (o.hotspots === 'gi') {
    const r = await computeHotspots(db, { filters: { layer: findLayer('incidents')!, from: new Date(to.getTime() - 90 * DAY_MS).toISOString(), to: o.to }, area: o.area, cell: o.cell, fdr: false })
    return r.rows
      .map((b, k) => ({ i: b.i, j: b.j, source: r.classes[k]!, z: r.z[k] ?? 0 }))
      .filter((b) => b.source === 'hot-99' || b.source === 'hot-95')
      .sort((x, y) => y.z - x.z)
      .slice(0, MAX_BINS)
  }
  const r = await computeEmerging(db, { filters: { layer: findLayer('incidents')!, to: o.to }, area: o.area, cell: o.cell, step: 'week', k: 1, alpha: 0.05, now: to })
  return r.bins
    .filter((b) => LISTED.has(b.category))
    .sort((x, y) => y.counts.reduce((s, v) => s + v, 0) - x.counts.reduce((s, v) => s + v, 0))
    .slice(0, MAX_BINS)
    .map((b) => ({ i: b.i, j: b.j, source: b.category }))
}
