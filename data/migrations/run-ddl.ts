import { sql, type Kysely } from 'kysely'

/**
 * Runs a block of constant DDL one statement at a time: PGlite's extended-protocol `query`
 * (which Kysely uses) takes a single statement. A statement ends with `;` at the end of a line,
 * outside any dollar-quoted body ($fn$ … $fn$). Only for literal migration text, never for
 * request data.
 */
export async function runDdl(db: Kysely<unknown>, block: string): Promise<void> {
  for (const statement of splitStatements(block)) {
    await sql.raw(statement).execute(db)
  }
}

export function splitStatements(block: string): string[] {
  const statements: string[] = []
  let current = ''
  let quoteTag: string | null = null
  for (const line of block.split('\n')) {
    for (const match of line.matchAll(/\$[A-Za-z_]*\$/g)) {
      if (quoteTag === null) quoteTag = match[0]
      else if (match[0] === quoteTag) quoteTag = null
    }
    current += line + '\n'
    if (quoteTag === null && /;\s*$/.test(line)) {
      statements.push(current.trim().replace(/;$/, ''))
      current = ''
    }
  }
  if (current.trim()) statements.push(current.trim())
  return statements.filter((s) => s.length > 0)
}
