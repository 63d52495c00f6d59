import { sql, type Kysely } from 'kysely'
import { SEEDED_TABLES } from './seed-demo.ts'

/**
 * A checksum of the demo city per table, the same on every PostgreSQL + PostGIS that runs the
 * seed: geometry as its vertices in whole micro-degrees (10 cm), floating-point columns to six
 * decimals, everything else as text; rows in id order; wall-clock columns (those defaulting to
 * `now()`) left out. Engines print doubles differently (`42.8606971` vs `42.860697099999996`),
 * so the rows' own text would differ where the numbers do not.
 */
export async function demoChecksum(db: Kysely<any>): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const table of SEEDED_TABLES) {
    const cols = await sql<{ name: string; type: string; dflt: string | null }>`
      SELECT column_name AS name, udt_name AS type, column_default AS dflt FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ${table} ORDER BY ordinal_position`.execute(db)
    const kept = cols.rows.filter((c) => !/now\(\)|CURRENT_TIMESTAMP/i.test(c.dflt ?? ''))
    const value = (c: { name: string; type: string }) => {
      const col = sql.ref(`r.${c.name}`)
      if (c.type === 'geometry') {
        return sql`(SELECT string_agg(round(ST_X(p.geom)::numeric * 1000000)::bigint || ',' || round(ST_Y(p.geom)::numeric * 1000000)::bigint, ';' ORDER BY p.path) FROM ST_DumpPoints(${col}) p)`
      }
      if (c.type === 'float4' || c.type === 'float8') return sql`round(${col}::numeric, 6)::text`
      return sql`${col}::text`
    }
    const row = sql.join(kept.map((c) => sql`coalesce(${value(c)}, '∅')`), sql` || '|' || `)
    const byId = kept.some((c) => c.name === 'id')
    const r = await sql<{ h: string; n: number }>`
      SELECT md5(coalesce(string_agg(x, E'\n' ORDER BY ${byId ? sql`id` : sql`x COLLATE "C"`}), '')) AS h, count(*)::int AS n
      FROM (SELECT ${row} AS x${byId ? sql`, r.id` : sql``} FROM ${sql.table(table)} r) s`.execute(db)
    out[table] = `${r.rows[0]!.n}:${r.rows[0]!.h}`
  }
  return out
}
