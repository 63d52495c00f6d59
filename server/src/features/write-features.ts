import type { Geometry } from 'geojson'
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { LayerDef } from '../../../data/catalog/layers.ts'
import { ApiError } from '../http/errors.ts'
import { clientErrorFromDb } from '../http/db-errors.ts'
import { readFeature } from './read-features.ts'
import { DISTRICT_KEYED } from '../db/citus.ts'

type Values = Record<string, unknown>

/** A property value as an SQL parameter of its column's type. */
function param(layer: LayerDef, name: string, value: unknown): RawBuilder<unknown> {
  const type = layer.properties.find((p) => p.name === name)?.type
  if (value === null || value === undefined) return sql`NULL`
  if (type === 'json') return sql`${JSON.stringify(value)}::jsonb`
  if (type === 'datetime') return sql`${value}::timestamptz`
  if (type === 'date') return sql`${value}::date`
  return sql`${value}`
}

/**
 * The stored form of an input geometry: SRID 4326, polygon rings counter-clockwise (RFC 7946),
 * promoted to Multi* for multi layers.
 * `ST_Multi(ST_ForcePolygonCCW(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)))`
 */
export function geometryParam(layer: LayerDef, geometry: Geometry): RawBuilder<unknown> {
  const g = sql`ST_ForcePolygonCCW(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}), 4326))`
  return layer.geometry.startsWith('Multi') ? sql`ST_Multi(${g})` : g
}

/** Why a geometry is invalid and where (lon/lat of the spot ST_IsValidDetail names, when it names one). */
export interface GeometryProblem {
  reason: string
  location: [number, number] | null
  message: string
}

/** Each geometry's problem (null when valid), from ST_IsValidDetail, in input order. */
export async function geometryProblemDetails(db: Kysely<any>, geometries: Geometry[]): Promise<Array<GeometryProblem | null>> {
  if (geometries.length === 0) return []
  const r = await sql<{ ord: number; valid: boolean; reason: string | null; location: string | null; lon: number | null; lat: number | null }>`
    SELECT e.ord::int AS ord, (d).valid AS valid, (d).reason AS reason, ST_AsText((d).location) AS location,
           ST_X((d).location) AS lon, ST_Y((d).location) AS lat
    FROM jsonb_array_elements(${JSON.stringify(geometries)}::jsonb) WITH ORDINALITY AS e(value, ord),
    LATERAL (SELECT ST_IsValidDetail(ST_GeomFromGeoJSON(e.value::text)) AS d) v
    ORDER BY e.ord`.execute(db)
  // PGlite can drop rows instead of raising on a GEOS failure: never treat that as "valid".
  if (r.rows.length !== geometries.length) throw new Error(`geometry check returned ${r.rows.length} rows for ${geometries.length} geometries`)
  return r.rows.map((row) => {
    if (row.valid) return null
    const reason = row.reason ?? 'unknown reason'
    const location: [number, number] | null = row.lon !== null && row.lat !== null ? [Number(row.lon), Number(row.lat)] : null
    return { reason, location, message: `invalid geometry: ${reason}${row.location ? ` at ${row.location}` : ''}` }
  })
}

/** Why each geometry is invalid (null when valid), from ST_IsValidDetail, in input order. */
export async function geometryProblems(db: Kysely<any>, geometries: Geometry[]): Promise<Array<string | null>> {
  return (await geometryProblemDetails(db, geometries)).map((p) => p?.message ?? null)
}

/** 422 `invalid_geometry` naming the reason, with `details: {reason, location: [lon, lat]}` so a client can mark the spot. */
export async function assertValidGeometry(db: Kysely<any>, geometry: Geometry, what?: string): Promise<void> {
  const [problem] = await geometryProblemDetails(db, [geometry])
  if (problem) throw new ApiError(422, 'invalid_geometry', what ? `${what}: ${problem.message}` : problem.message, { reason: problem.reason, location: problem.location, ...(what ? { part: what } : {}) })
}

async function audit(
  db: Kysely<any>,
  entry: { actor: string; action: string; layer: string; id: number; before: string | null; after: string | null; reason?: string | null },
): Promise<void> {
  await sql`
    INSERT INTO audit_log (actor, action, layer, feature_id, before, after, reason)
    VALUES (${entry.actor}, ${entry.action}, ${entry.layer}, ${String(entry.id)}, ${entry.before}::jsonb, ${entry.after}::jsonb, ${entry.reason ?? null})`.execute(db)
}

/** Inserts one feature and its audit entry (in the caller's transaction); returns the stored feature. */
export async function insertFeature(
  trx: Kysely<any>,
  layer: LayerDef,
  input: { properties: Values; geometry: Geometry },
  actor: string,
  action: 'create' | 'import' = 'create',
  access: WriteAccess = {},
): Promise<{ id: number; feature: string; replayed: boolean }> {
  const clientRef = input.properties.client_ref
  if (typeof clientRef === 'string') {
    const stored = await storedByClientRef(trx, layer, clientRef, access.scope)
    if (stored) return stored
  }
  const names = Object.keys(input.properties).filter((k) => input.properties[k] !== undefined)
  const columns = [...names.map((n) => sql.ref(n)), sql.ref('geom')]
  const values = [...names.map((n) => param(layer, n, input.properties[n])), geometryParam(layer, input.geometry)]
  if (access.createdBy !== undefined && CREATED_BY_LAYERS.has(layer.id)) {
    columns.push(sql.ref('created_by'))
    values.push(sql`${access.createdBy}`)
  }
  // A concurrent send of the same entry waits on the unique client_ref and then inserts nothing.
  // Where the table is keyed by district (migration 0020), the key leads with it.
  const onConflict = typeof clientRef === 'string' ? sql`ON CONFLICT (${sql.join([...(DISTRICT_KEYED.has(layer.table) ? [sql.ref('district_code')] : []), sql.ref('client_ref')])}) DO NOTHING` : sql``
  let id: number | undefined
  try {
    const r = await sql<{ id: number }>`
      INSERT INTO ${sql.table(layer.table)} (${sql.join(columns)}) VALUES (${sql.join(values)}) ${onConflict} RETURNING id`.execute(trx)
    id = r.rows[0]?.id
  } catch (err) {
    throw clientErrorFromDb(err, `cannot create ${layer.id} feature`)
  }
  if (id === undefined) {
    const stored = typeof clientRef === 'string' ? await storedByClientRef(trx, layer, clientRef, access.scope) : null
    if (!stored) throw new Error(`insert into ${layer.id} returned no row`)
    return stored
  }
  await assertInScope(trx, layer, id, access.scope)
  const feature = (await readFeature(trx, layer, id))!
  await audit(trx, { actor, action, layer: layer.id, id, before: null, after: feature })
  return { id, feature, replayed: false }
}

/**
 * The feature already stored under a client_ref (an entry sent again), or null. One outside the
 * writer's scope is a 409: the reference is taken, and the writer may not read that feature.
 * `SELECT t.id, <scope> AS ok FROM <table> t WHERE t.client_ref = $1`
 */
async function storedByClientRef(
  trx: Kysely<any>,
  layer: LayerDef,
  clientRef: string,
  scope: RawBuilder<boolean> | undefined,
): Promise<{ id: number; feature: string; replayed: true } | null> {
  const r = await sql<{ id: number; ok: boolean }>`
    SELECT t.id, ${scope ?? sql`true`} AS ok FROM ${sql.table(layer.table)} AS t WHERE t.client_ref = ${clientRef}::uuid`.execute(trx)
  const row = r.rows[0]
  if (!row) return null
  if (!row.ok) throw new ApiError(409, 'client_ref_taken', `client_ref ${clientRef} names another ${layer.id} feature`)
  return { id: row.id, feature: (await readFeature(trx, layer, row.id))!, replayed: true }
}

/** Who writes and where they may: the account (hazards and disputes record their reporter) and its scope. */
export interface WriteAccess {
  createdBy?: number
  /** A condition on `t` the feature must meet before and after the write (an officer's cells). */
  scope?: RawBuilder<boolean>
}

/** Layers that record the reporting account. */
const CREATED_BY_LAYERS = new Set(['hazards', 'disputes'])

/**
 * After a write (before commit): the feature must still be inside the writer's scope, so an
 * officer cannot create or move a point into another officer's grid. 403 rolls it all back.
 */
async function assertInScope(trx: Kysely<any>, layer: LayerDef, id: number, scope: RawBuilder<boolean> | undefined): Promise<void> {
  if (!scope) return
  const r = await sql<{ ok: boolean }>`SELECT ${scope} AS ok FROM ${sql.table(layer.table)} AS t WHERE t.id = ${id}`.execute(trx)
  if (r.rows.length !== 1) throw new Error(`scope check of ${layer.id} ${id} returned ${r.rows.length} rows`)
  if (!r.rows[0]!.ok) throw new ApiError(403, 'out_of_scope', `this ${layer.id} feature would lie outside your grid cells`)
}

/**
 * Locks the feature and checks the version the edit was made on (404 unknown or outside the
 * writer's scope, 409 stale).
 */
async function lockAtVersion(trx: Kysely<any>, layer: LayerDef, id: number, version: number, scope: RawBuilder<boolean> = sql`true`): Promise<string> {
  const r = await sql<{ version: number }>`SELECT version FROM ${sql.table(layer.table)} AS t WHERE t.id = ${id} AND ${scope} FOR UPDATE OF t`.execute(trx)
  const current = r.rows[0]?.version
  if (current === undefined) throw new ApiError(404, 'unknown_feature', `layer ${layer.id} has no feature ${id}`)
  if (current !== version) {
    throw new ApiError(409, 'stale_version', `feature ${id} is at version ${current}, the edit was made on version ${version}; reload and retry`, { currentVersion: current })
  }
  return (await readFeature(trx, layer, id))!
}

export async function updateFeature(
  trx: Kysely<any>,
  layer: LayerDef,
  id: number,
  input: { version: number; properties: Values; geometry?: Geometry; set?: Values },
  actor: string,
  action: 'update' | 'transition' = 'update',
  reason?: string,
  access: WriteAccess = {},
): Promise<string> {
  const before = await lockAtVersion(trx, layer, id, input.version, access.scope)
  const all = { ...input.properties, ...input.set }
  const sets = Object.keys(all)
    .filter((k) => all[k] !== undefined)
    .map((k) => sql`${sql.ref(k)} = ${param(layer, k, all[k])}`)
  if (input.geometry) sets.push(sql`geom = ${geometryParam(layer, input.geometry)}`)
  sets.push(sql`version = version + 1`, sql`updated_at = now()`)
  try {
    await sql`UPDATE ${sql.table(layer.table)} SET ${sql.join(sets)} WHERE id = ${id}`.execute(trx)
  } catch (err) {
    throw clientErrorFromDb(err, `cannot update ${layer.id} feature ${id}`)
  }
  await assertInScope(trx, layer, id, access.scope)
  const after = (await readFeature(trx, layer, id))!
  await audit(trx, { actor, action, layer: layer.id, id, before, after, reason: reason ?? null })
  return after
}

export async function deleteFeature(trx: Kysely<any>, layer: LayerDef, id: number, version: number, actor: string, access: WriteAccess = {}): Promise<void> {
  const before = await lockAtVersion(trx, layer, id, version, access.scope)
  try {
    await sql`DELETE FROM ${sql.table(layer.table)} WHERE id = ${id}`.execute(trx)
  } catch (err) {
    throw clientErrorFromDb(err, `cannot delete ${layer.id} feature ${id}`)
  }
  await audit(trx, { actor, action: 'delete', layer: layer.id, id, before, after: null })
}
