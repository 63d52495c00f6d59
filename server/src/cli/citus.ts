import { createDb } from '../db/create-db.ts'
import { citusScript, referenceOrder } from '../db/citus.ts'
import { errorMessage } from '../logger.ts'

/** `DATABASE_URL=… npm run -s db:citus > citus.sql`: prints the script that lays a migrated database out on Citus. */
const url = process.env.DATABASE_URL
if (!url) {
  console.error('db:citus: set DATABASE_URL to the migrated database (the Citus coordinator)')
  process.exit(2)
}
const database = await createDb({ databaseUrl: url })
try {
  process.stdout.write(citusScript(await referenceOrder(database.db)))
} catch (err) {
  console.error(`db:citus: ${errorMessage(err)}`)
  process.exitCode = 1
} finally {
  await database.close()
}
