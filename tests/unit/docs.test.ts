import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { configSchema } from '../../server/src/config.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8')
const DOCS = ['README.md', 'SECURITY.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]

describe('the documentation', () => {
  it('keeps the README short for a newcomer (issue 16: at most 150 lines) with the two commands', () => {
    const readme = read('README.md')
    expect(readme.split('\n').length).toBeLessThanOrEqual(150)
    expect(readme).toContain('npm install && npm start')
    expect(readme).toContain('npm test')
  })
  it('documents every environment variable the server reads', () => {
    const doc = read('docs/configuration.md')
    for (const name of Object.keys(configSchema.shape)) expect(doc, name).toContain(`| \`${name}\` |`)
  })
  it('has no relative link to a file that does not exist', () => {
    for (const file of DOCS) {
      for (const m of read(file).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1]!
        if (/^[a-z]+:/.test(target)) continue
        expect(existsSync(path.join(ROOT, path.dirname(file), target)), `${file} → ${target}`).toBe(true)
      }
    }
  })
})
