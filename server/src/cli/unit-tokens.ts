import { loadConfigOrExit } from '../config.ts'
import { createDb } from '../db/create-db.ts'
import { issueTokens } from '../live/unit-token.ts'
import { errorMessage } from '../logger.ts'

/**
 * `npm run units:tokens [-- EB001 EB002 …]`: gives the listed units (all when none) new device
 * tokens and prints `code,token` once; only their hashes are stored. Old tokens stop working.
 */
const config = loadConfigOrExit()
const database = await createDb(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR })
try {
  const issued = await issueTokens(database.db, process.argv.slice(2))
  console.log('code,token')
  for (const { code, token } of issued) console.log(`${code},${token}`)
} catch (err) {
  console.error(`issuing tokens failed: ${errorMessage(err)}`)
  process.exitCode = 1
} finally {
  await database.close()
}
