import { sql, type RawBuilder } from 'kysely'
import { z } from 'zod'
import { findLayer, SEASONS, type LayerDef } from '../../../data/catalog/layers.ts'
import { invalidQuery } from '../features/query-schema.ts'
import { ApiError } from '../http/errors.ts'

/** Point layers the hotspot and density analyses accept. */
export const ANALYSIS_LAYERS = ['incidents', 'disputes', 'hazards'] as const
export type Season = (typeof SEASONS)[number]

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/

/** Field ranges Date.parse lets through (it reads 2026-02-30 as 2 March and 24:00 as the next day). */
function calendarValid(m: RegExpExecArray): boolean {
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate()
  const offsetOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59)
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days && h <= 23 && mi <= 59 && sec <= 60 && offsetOk
}

/** An RFC 3339 date-time with its offset (`2026-03-01T00:00:00+08:00`), as an ISO instant. */
export const instantSchema = z.string().transform((s, ctx) => {
  const m = RFC3339.exec(s)
  const t = Date.parse(s)
  if (!m || !calendarValid(m) || Number.isNaN(t)) {
    ctx.addIssue({ code: 'custom', message: `"${s.slice(0, 40)}" is not an RFC 3339 date-time such as 2026-03-01T00:00:00+08:00` })
    return z.NEVER
  }
  return new Date(t).toISOString()
})

/** A finite number in metres within [min, max] (min exclusive when `positive`). */
export function metres(name: string, { max, min = 0, positive = true }: { max: number; min?: number; positive?: boolean }) {
  return z.string().transform((s, ctx) => {
    const v = Number(s)
    if (s.trim() === '' || !Number.isFinite(v)) ctx.addIssue({ code: 'custom', message: `${name} must be a number of metres` })
    else if (positive ? v <= min : v < min) ctx.addIssue({ code: 'custom', message: `${name} must be ${positive ? 'greater than' : 'at least'} ${min} m` })
    else if (v > max) ctx.addIssue({ code: 'custom', message: `${name} must be at most ${max} m` })
    else return v
    return z.NEVER
  })
}

export const booleanParam = z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1')

/** The parameters shared by hotspots and density: which points, and over what area. */
export const pointFilterShape = {
  layer: z.enum(ANALYSIS_LAYERS, { error: `layer must be one of ${ANALYSIS_LAYERS.join(', ')}` }),
  category: z.string().optional(),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  season: z.enum(SEASONS, { error: `season must be one of ${SEASONS.join(', ')}` }).optional(),
  area: z.string().optional(),
}

type SharedParams = z.output<z.ZodObject<typeof pointFilterShape>>

export interface PointFilters {
  layer: LayerDef
  categories?: string[]
  from?: string
  to?: string
  season?: Season
  /** The caller's access scope as a condition on `p` (an officer counts only their cells' points). */
  scope?: RawBuilder<boolean>
}

/** Parses a query with `schema` (unknown parameters are 400) and checks the shared filters. */
export function parseAnalysisQuery<S extends z.ZodType<SharedParams>>(schema: S, query: unknown): { params: z.output<S>; filters: PointFilters } {
  const r = schema.safeParse(query)
  if (!r.success) throw invalidQuery(r.error.issues)
  const params = r.data
  const layer = findLayer(params.layer)!
  let categories: string[] | undefined
  if (params.category !== undefined) {
    const allowed = layer.properties.find((p) => p.name === 'category')?.values ?? []
    categories = [...new Set(params.category.split(',').map((c) => c.trim()))]
    const bad = categories.filter((c) => !allowed.includes(c))
    if (bad.length || categories.length === 0) throw new ApiError(400, 'invalid_query', `category: ${layer.id} categories are ${allowed.join(', ')} (comma-separated), given "${params.category.slice(0, 60)}"`)
  }
  if (params.from && params.to && params.from > params.to) throw new ApiError(400, 'invalid_query', `from (${params.from}) is after to (${params.to})`)
  return {
    params,
    filters: {
      layer,
      ...(categories ? { categories } : {}),
      ...(params.from ? { from: params.from } : {}),
      ...(params.to ? { to: params.to } : {}),
      ...(params.season ? { season: params.season } : {}),
    },
  }
}

/**
 * The filter on the layer's rows (alias `p`): categories, reported time inclusive at both ends,
 * season by the reported time in Asia/Shanghai (`season_of`, migration 0010).
 */
export function pointFilterSql(f: PointFilters): RawBuilder<boolean> {
  const time = sql.ref(`p.${f.layer.timeColumn!}`)
  const parts: RawBuilder<boolean>[] = [sql<boolean>`true`]
  if (f.categories) parts.push(sql<boolean>`p.category IN (${sql.join(f.categories)})`)
  if (f.from) parts.push(sql<boolean>`${time} >= ${f.from}::timestamptz`)
  if (f.to) parts.push(sql<boolean>`${time} <= ${f.to}::timestamptz`)
  if (f.season) parts.push(sql<boolean>`season_of(${time}) = ${f.season}`)
  if (f.scope) parts.push(f.scope)
  return sql<boolean>`(${sql.join(parts, sql` AND `)})`
}

/** The filters as the response echoes them. */
export function filterEcho(f: PointFilters) {
  return {
    layer: f.layer.id,
    category: f.categories ?? null,
    from: f.from ?? null,
    to: f.to ?? null,
    season: f.season ?? null,
    time_rule: `${f.layer.timeColumn} between from and to inclusive; season by ${f.layer.timeColumn} in Asia/Shanghai (spring Mar–May, summer Jun–Aug, autumn Sep–Nov, winter Dec–Feb)`,
  }
}
