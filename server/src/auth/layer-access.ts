import { sql, type RawBuilder } from 'kysely'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { ApiError } from '../http/errors.ts'
import type { Principal, Role } from './principal.ts'

/**
 * Which rows of a layer a principal may see or change:
 * - `all`: every row
 * - `grids`: rows inside the officer's own grid cells
 * - `own`: rows the account itself reported (volunteers)
 * - `none`: nothing (the endpoint answers 403)
 */
export type Scope = 'all' | 'grids' | 'own' | 'none'
export type WriteOp = 'create' | 'update' | 'delete' | 'transition' | 'import'

/** The officer's own work: read and written only inside their grid cells. */
export const GRID_SCOPED_LAYERS = new Set(['hazards', 'disputes', 'household-units', 'patrols', 'river-patrols', 'incidents'])
/** Reference every signed-in account may read (volunteers included). */
const PUBLIC_CONTEXT = new Set(['admin-areas', 'grid-cells', 'police-units', 'rivers', 'schools', 'mediation-rooms'])
/** Volunteers report these and see what they reported. */
const VOLUNTEER_REPORTS = new Set(['hazards', 'disputes'])
/** What officers write in their cells. */
const OFFICER_WRITES = new Set(['hazards', 'disputes', 'household-units', 'patrols', 'river-patrols'])
/** What planners draw. */
const PLANNER_WRITES = new Set(['patrol-zones', 'patrol-routes', 'grid-cells'])

export function readScope(p: Principal, layer: LayerDef): Scope {
  switch (p.role) {
    case 'admin':
    case 'command':
    case 'planner':
      return 'all'
    case 'officer':
      if (layer.id === 'unit-positions') return 'none'
      return GRID_SCOPED_LAYERS.has(layer.id) ? 'grids' : 'all'
    case 'volunteer':
      if (VOLUNTEER_REPORTS.has(layer.id)) return 'own'
      return PUBLIC_CONTEXT.has(layer.id) ? 'all' : 'none'
    default:
      return p.role satisfies never
  }
}

export function writeScope(p: Principal, layer: LayerDef, op: WriteOp): Scope {
  if (!layer.editable) return 'none'
  switch (p.role) {
    case 'admin':
      return 'all'
    case 'command':
      return 'none'
    case 'planner':
      return PLANNER_WRITES.has(layer.id) ? 'all' : 'none'
    case 'officer':
      return OFFICER_WRITES.has(layer.id) && op !== 'delete' && op !== 'import' ? 'grids' : 'none'
    case 'volunteer':
      return VOLUNTEER_REPORTS.has(layer.id) && op === 'create' ? 'own' : 'none'
    default:
      return p.role satisfies never
  }
}

/** The read scope, or 403 when the layer is closed to this role. */
export function requireRead(p: Principal, layer: LayerDef): Scope {
  const scope = readScope(p, layer)
  if (scope === 'none') throw new ApiError(403, 'forbidden', `the ${p.role} role may not read layer ${layer.id}`)
  return scope
}

export function requireWrite(p: Principal, layer: LayerDef, op: WriteOp): Scope {
  if (!layer.editable) throw new ApiError(405, 'not_editable', `layer ${layer.id} is read-only`)
  const scope = writeScope(p, layer, op)
  if (scope === 'none') throw new ApiError(403, 'forbidden', `the ${p.role} role may not ${op} features of layer ${layer.id}`)
  return scope
}

/** An integer array literal for SQL (`'{1,2}'::int[]`); ids are integers by type. */
export function intArray(ids: readonly number[]): RawBuilder<number[]> {
  return sql<number[]>`${'{' + ids.map((n) => String(Math.trunc(n))).join(',') + '}'}::int[]`
}

/**
 * The scope as a condition on the layer's table aliased `alias`, put into the query itself:
 * - points with a grid: `t.grid_id = ANY('{..}'::int[])`
 * - lines (patrols, river patrols): `EXISTS (SELECT 1 FROM grid_cells g WHERE g.id = ANY(..) AND ST_Intersects(g.geom, t.geom))`
 * - own reports: `t.created_by = $user`
 */
export function scopeCondition(scope: Scope, p: Principal | null, layer: LayerDef, alias = 't'): RawBuilder<boolean> {
  const col = (name: string) => sql.ref(`${alias}.${name}`)
  switch (scope) {
    case 'all':
      return sql<boolean>`true`
    case 'none':
      return sql<boolean>`false`
    case 'own':
      return p ? sql<boolean>`${col('created_by')} = ${p.userId}` : sql<boolean>`false`
    case 'grids': {
      const ids = intArray(p?.gridIds ?? [])
      if (layer.properties.some((d) => d.name === 'grid_id')) return sql<boolean>`${col('grid_id')} = ANY(${ids})`
      return sql<boolean>`EXISTS (SELECT 1 FROM grid_cells g WHERE g.id = ANY(${ids}) AND ST_Intersects(g.geom, ${col('geom')}))`
    }
    default:
      return scope satisfies never
  }
}

/** A short key naming what a scope lets through (tile cache keys). */
export function scopeKey(scope: Scope, p: Principal | null): string {
  if (scope === 'grids') return `g:${[...(p?.gridIds ?? [])].sort((a, b) => a - b).join(',')}`
  if (scope === 'own') return `u:${p?.userId ?? 0}`
  return scope
}

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '系统管理员', en: 'Administrator' },
  command: { zh: '指挥中心', en: 'Command centre' },
  planner: { zh: '勤务规划', en: 'Planner' },
  officer: { zh: '社区民警', en: 'Community officer' },
  volunteer: { zh: '平安志愿者', en: 'Volunteer' },
}
