import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createDb } from '../../server/src/db/create-db.ts'
import { backupPglite, backupPostgres, restorePglite, RestoreRefused, tableChecksums } from '../../server/src/ops/backup.ts'
import { runTool } from '../helpers/server-process.ts'
import { createScratchDatabase, getTestDb } from '../helpers/test-db.ts'

/**
 * Backup → restore into an empty database → every table has the same rows (count and an
 * order-independent md5 of its rows), on the backend under test.
 */
describe('backups', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pingan-backup-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it.runIf(!process.env.DATABASE_URL)('round-trips the embedded database through npm run db:restore, and refuses a non-empty folder', async () => {
    const t = await getTestDb()
    const before = await tableChecksums(t.db)
    expect(before.hazards!.rows).toBeGreaterThan(1000)
    const file = path.join(dir, 'pglite.tar.gz')
    await backupPglite(t, file)
    const target = path.join(dir, 'restored')
    const restored = await runTool('server/src/cli/backup.ts', ['restore', file], { DATA_DIR: target, DATABASE_URL: '' })
    expect(restored.output).toMatch(/restored \d+ tables/)
    expect(restored.code).toBe(0)
    const copy = await createDb({ dataDir: target })
    try {
      expect(await tableChecksums(copy.db)).toEqual(before)
    } finally {
      await copy.close()
    }
    await expect(restorePglite(file, target)).rejects.toBeInstanceOf(RestoreRefused)
  })

  it.runIf(Boolean(process.env.DATABASE_URL))('round-trips PostgreSQL through pg_dump and npm run db:restore, and refuses a non-empty database', async () => {
    const t = await getTestDb()
    const before = await tableChecksums(t.db)
    expect(before.hazards!.rows).toBeGreaterThan(1000)
    const file = path.join(dir, 'pg.dump')
    await backupPostgres(process.env.DATABASE_URL!, file)
    const scratch = await createScratchDatabase(`pingan_restore_${process.pid}`)
    try {
      const restored = await runTool('server/src/cli/backup.ts', ['restore', file], { DATABASE_URL: scratch.url })
      expect(restored.output).toMatch(/restored \d+ tables/)
      expect(restored.code).toBe(0)
      const copy = await createDb({ databaseUrl: scratch.url })
      try {
        expect(await tableChecksums(copy.db)).toEqual(before)
      } finally {
        await copy.close()
      }
      const again = await runTool('server/src/cli/backup.ts', ['restore', file], { DATABASE_URL: scratch.url })
      expect(again.code).toBe(1)
      expect(again.output).toMatch(/refused: the target database is not empty/)
    } finally {
      await scratch.drop()
    }
  })
})
