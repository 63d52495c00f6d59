import { sql } from 'kysely'
import type { DbHandle } from '../../server/src/db/create-db.ts'
import { authHeader, type TestAccount } from './accounts.ts'

export interface JsonResponse<T = any> {
  status: number
  body: T
}

/**
 * Small JSON client for the API tests, signed in with a test account's API token (the
 * administrator unless told otherwise; `null` for anonymous).
 */
export function apiClient(base: string, who: TestAccount | null = 'admin') {
  const auth: Record<string, string> = who ? authHeader(who) : {}
  const call = async <T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<JsonResponse<T>> => {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? auth : { ...auth, 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      // CSV and other text bodies stay text
    }
    return { status: res.status, body: parsed as T }
  }
  return {
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body: unknown, contentType?: string) => call<T>('POST', path, body, contentType),
    patch: <T = any>(path: string, body: unknown) => call<T>('PATCH', path, body),
    del: <T = any>(path: string) => call<T>('DELETE', path),
    raw: call,
  }
}

/** Row count of a table, straight from SQL. */
export async function tableCount(db: DbHandle['db'], table: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db)
  return r.rows[0]!.n
}
