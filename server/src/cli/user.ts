import { loadConfigOrExit } from '../config.ts'
import { createDb } from '../db/create-db.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { errorMessage } from '../logger.ts'
import { ApiError } from '../http/errors.ts'
import { generatePassword } from '../auth/passwords.ts'
import { createApiToken, createUser, findUserId, isRole, listUsers, updateUser } from '../auth/users.ts'

/**
 * Accounts from the command line, on the configured database (DATABASE_URL or DATA_DIR; with
 * PGlite, stop the server first: one process owns the data folder).
 *
 *   npm run user -- add USERNAME --role ROLE [--password PASS] [--grids ID,ID] [--name NAME]
 *   npm run user -- token USERNAME [--name LABEL]
 *   npm run user -- passwd USERNAME [--password PASS]
 *   npm run user -- disable USERNAME | enable USERNAME
 *   npm run user -- grids USERNAME ID,ID
 *   npm run user -- volunteer USERNAME VOLUNTEER_ID|none
 *   npm run user -- list
 *
 * A password not given is generated and printed once.
 */
const USAGE = `usage:
  npm run user -- add USERNAME --role admin|command|planner|officer|volunteer [--password PASS] [--grids ID,ID] [--name NAME]
  npm run user -- token USERNAME [--name LABEL]
  npm run user -- passwd USERNAME [--password PASS]
  npm run user -- disable USERNAME | enable USERNAME
  npm run user -- grids USERNAME ID,ID
  npm run user -- volunteer USERNAME VOLUNTEER_ID|none
  npm run user -- list`

const args = process.argv.slice(2)
const option = (name: string): string | undefined => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const gridList = (s: string | undefined): number[] | undefined => (s === undefined ? undefined : s.split(',').filter(Boolean).map(Number))
const [command, username] = args
const ACTOR = 'cli'

class UsageError extends Error {}

// Usage mistakes are told before the database is opened.
const COMMANDS = ['add', 'token', 'passwd', 'disable', 'enable', 'grids', 'volunteer', 'list']
const usageProblem =
  !command || !COMMANDS.includes(command)
    ? command ? `unknown command ${command}` : 'give a command'
    : command !== 'list' && !username
      ? 'give a USERNAME'
      : command === 'add' && !isRole(option('--role'))
        ? 'give --role admin|command|planner|officer|volunteer'
        : null
if (usageProblem) {
  console.error(`${usageProblem}\n${USAGE}`)
  process.exit(2)
}

const config = loadConfigOrExit()
const database = await createDb(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR })
const db = database.db

async function userIdOf(name: string | undefined): Promise<number> {
  if (!name) throw new UsageError('give a USERNAME')
  const id = await findUserId(db, name)
  if (id === null) throw new ApiError(404, 'unknown_user', `no user ${name}`)
  return id
}

try {
  await migrateToLatest(db)
  switch (command) {
    case 'add': {
      if (!username) throw new UsageError('give a USERNAME')
      const role = option('--role')
      if (!isRole(role)) throw new UsageError('give --role admin|command|planner|officer|volunteer')
      const given = option('--password')
      const password = given ?? generatePassword()
      const gridIds = gridList(option('--grids'))
      const name = option('--name')
      const user = await db.transaction().execute((trx) =>
        createUser(trx, { username, role, password, ...(gridIds ? { gridIds } : {}), ...(name ? { displayName: name } : {}) }, ACTOR),
      )
      console.log(`created ${user.username} (${user.role}, id ${user.id}${user.grid_ids.length ? `, grid cells ${user.grid_ids.join(',')}` : ''})`)
      if (!given) console.log(`password (shown once): ${password}`)
      break
    }
    case 'token': {
      const id = await userIdOf(username)
      const { token } = await db.transaction().execute((trx) => createApiToken(trx, id, option('--name') ?? 'cli', ACTOR))
      // The token alone on stdout, for scripts: TOKEN=$(npm run -s user -- token NAME)
      console.log(token)
      break
    }
    case 'passwd': {
      const id = await userIdOf(username)
      const given = option('--password')
      const password = given ?? generatePassword()
      await db.transaction().execute((trx) => updateUser(trx, id, { password }, ACTOR))
      console.log(given ? `password of ${username} changed` : `new password of ${username} (shown once): ${password}`)
      console.log(`${username}: sessions ended, API tokens revoked`)
      break
    }
    case 'disable':
    case 'enable': {
      const id = await userIdOf(username)
      await db.transaction().execute((trx) => updateUser(trx, id, { disabled: command === 'disable' }, ACTOR))
      console.log(command === 'disable' ? `${username} disabled: sessions ended, API tokens revoked` : `${username} enabled (revoked API tokens stay revoked: issue new ones)`)
      break
    }
    case 'grids': {
      const id = await userIdOf(username)
      const gridIds = gridList(args[2])
      if (!gridIds) throw new UsageError('give the grid ids: ID,ID')
      const user = await db.transaction().execute((trx) => updateUser(trx, id, { gridIds }, ACTOR))
      console.log(`${username}: grid cells ${user.grid_ids.join(',') || 'none'}`)
      break
    }
    case 'volunteer': {
      // A volunteer account's volunteer record (its points and organisation); `none` unlinks.
      const id = await userIdOf(username)
      const raw = args[2]
      const volunteerId = raw === 'none' ? null : /^[1-9]\d{0,9}$/.test(raw ?? '') ? Number(raw) : undefined
      if (volunteerId === undefined) throw new UsageError('give the volunteer id (a number) or none')
      const user = await db.transaction().execute((trx) => updateUser(trx, id, { volunteerId }, ACTOR))
      console.log(`${username}: ${user.volunteer_id === null ? 'linked to no volunteer' : `volunteer ${user.volunteer_id}`}`)
      break
    }
    case 'list': {
      for (const u of await listUsers(db)) {
        console.log([u.id, u.username, u.role, u.disabled ? 'disabled' : 'active', u.grid_ids.join(',') || '-', u.display_name].join('\t'))
      }
      break
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'give a command')
  }
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n${USAGE}`)
    process.exitCode = 2
  } else {
    console.error(`user ${command ?? ''} failed: ${errorMessage(err)}`)
    process.exitCode = 1
  }
} finally {
  await database.close()
}
