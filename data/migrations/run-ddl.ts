import { sql, type Kysely } from 'kysely'

/**
 * Runs a block of constant DDL one statement at a time: PGlite's extended-protocol `query`
 * (which Kysely uses) takes a single statement. Statements end with `;` at the end of a line.
 * Only for literal migration text, never for request data.
 */
export async function runDdl(db: Kysely<unknown>, block: string): Promise<void> {
  const statements = block
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  for (const statement of statements) {
    await sql.raw(statement).execute(db)
  }
}
