import { sql, type Kysely } from 'kysely'
import { ApiError } from '../http/errors.ts'
import type { NamedUser, UserRecord } from '../contract/admin.ts'

/** An account with its cells by name and code and the officer it is (the contract's row). */
export type { NamedUser } from '../contract/admin.ts'

/** Accounts with the names an administrator reads: their cells and the officer each is. */
export async function namedUsers(db: Kysely<any>, users: readonly UserRecord[]): Promise<NamedUser[]> {
  const r = await sql<{ user_id: number; grids: unknown; officer_name: string | null }>`
    SELECT u.id AS user_id, o.name AS officer_name,
           (SELECT coalesce(json_agg(json_build_object('id', g.id, 'code', g.code, 'name', g.name) ORDER BY g.code), '[]'::json)
            FROM user_grid_cells x JOIN grid_cells g ON g.id = x.grid_id WHERE x.user_id = u.id) AS grids
    FROM users u LEFT JOIN officers o ON o.id = u.officer_id`.execute(db)
  const byUser = new Map(r.rows.map((row) => [row.user_id, row]))
  return users.map((u) => {
    const row = byUser.get(u.id)
    const grids = row ? ((typeof row.grids === 'string' ? JSON.parse(row.grids) : row.grids) as NamedUser['grids']) : []
    return { ...u, grids, officer: u.officer_id !== null && row?.officer_name ? { id: `officer:${u.officer_id}`, name: row.officer_name } : null }
  })
}

/**
 * An account body's cells given by grid code (`gridCodes`, as an administrator reads them) as
 * ids, added to any `gridIds`; 400 naming every code that is no grid cell.
 */
export async function withGridCodes<T extends { gridIds?: number[] | undefined; gridCodes?: string[] | undefined }>(db: Kysely<any>, input: T): Promise<Omit<T, 'gridCodes'>> {
  const { gridCodes, ...rest } = input
  if (!gridCodes) return rest
  const r = gridCodes.length ? await sql<{ id: number; code: string }>`SELECT id, code FROM grid_cells WHERE code = ANY(${gridCodes}::text[])`.execute(db) : { rows: [] }
  const byCode = new Map(r.rows.map((x) => [x.code, x.id]))
  const unknown = gridCodes.filter((c) => !byCode.has(c))
  if (unknown.length) throw new ApiError(400, 'unknown_grids', `no grid cells with the codes ${unknown.slice(0, 10).join(', ')}`)
  return { ...rest, gridIds: [...new Set([...(rest.gridIds ?? []), ...gridCodes.map((c) => byCode.get(c)!)])] } as Omit<T, 'gridCodes'>
}
