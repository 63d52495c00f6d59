import { describe, expect, it } from 'vitest'
import { splitStatements } from '../../data/migrations/run-ddl.ts'

describe('splitStatements', () => {
  it('splits at line-ending semicolons', () => {
    expect(splitStatements('CREATE TABLE a (x int);\nCREATE INDEX i ON a (x);\n')).toEqual(['CREATE TABLE a (x int)', 'CREATE INDEX i ON a (x)'])
  })
  it('keeps a dollar-quoted function body whole', () => {
    const block = `CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n  NEW.x := 1;\n  RETURN NEW;\nEND\n$fn$;\nSELECT 1;`
    const parts = splitStatements(block)
    expect(parts).toHaveLength(2)
    expect(parts[0]).toContain('RETURN NEW;')
    expect(parts[1]).toBe('SELECT 1')
  })
  it('leaves a semicolon inside a line alone', () => {
    expect(splitStatements("SELECT ';' AS x;")).toEqual(["SELECT ';' AS x"])
  })
})
