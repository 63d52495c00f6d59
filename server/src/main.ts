import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { evaluateAlerts } from './alerts/evaluate.ts'
import { createApp } from './app.ts'
import type { LiveHub } from './live/hub.ts'
import { stopFollowingLayerChanges } from './tiles/layer-changes.ts'
import { loadConfigOrExit } from './config.ts'
import { createLogger, defaultLogFormat, errorMessage } from './logger.ts'
import { openDatabase } from './startup.ts'
import { tuneKeepAlive } from './http/keep-alive.ts'
import { SEARCH_KINDS, searchIndexOf } from './search/search-index.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

async function main(): Promise<void> {
  const config = loadConfigOrExit()
  const logger = createLogger(config.LOG_LEVEL, config.LOG_FORMAT ?? defaultLogFormat(config.NODE_ENV))
  const database = await openDatabase(config, logger)
  const app = createApp({
    database,
    logger,
    clientDir: path.join(root, 'dist'),
    basemap: config,
    trustProxy: config.TRUST_PROXY,
    auth: {
      sessionHours: config.SESSION_HOURS,
      secureCookie: config.COOKIE_SECURE ? config.COOKIE_SECURE === 'true' : config.NODE_ENV === 'production',
      writesPerMinute: config.WRITES_PER_MINUTE,
    },
  })
  const server = app.listen(config.PORT, config.HOST, () => {
    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST
    logger.info({ url: `http://${host}:${config.PORT}`, backend: database.backend }, `Ping'an Grid listening on http://${host}:${config.PORT}`)
    if (config.NODE_ENV !== 'production' && config.DEMO_SEED === 'on') logger.info('demo accounts: command / pingan-command (command centre), planner, officer, volunteer, admin: see README.md')
  })
  tuneKeepAlive(server)
  // The search box's names and their pinyin, computed now rather than on the first search.
  searchIndexOf(database.db)
    .refresh(SEARCH_KINDS)
    .catch((err) => logger.warn(`search index: cannot build it now (the first search will): ${errorMessage(err)}`))
  server.on('error', (err) => {
    logger.fatal(`cannot listen on ${config.HOST}:${config.PORT}: ${errorMessage(err)}`)
    void database.close().finally(() => process.exit(1))
  })

  // Alert rules run on a timer in every process; the unique open-alert index makes them agree.
  const alertTimer =
    config.ALERT_INTERVAL_S > 0
      ? setInterval(() => {
          evaluateAlerts(database.db).catch((err) => logger.warn(`alert evaluation failed: ${errorMessage(err)}`))
        }, config.ALERT_INTERVAL_S * 1000)
      : null

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, `shutting down (${signal})`)
    if (alertTimer) clearInterval(alertTimer)
    // No new connections; idle keep-alive ones closed; live streams ended (clients resume on
    // another process with Last-Event-ID); requests in flight finish, for up to 15 s.
    const hub = app.locals.liveHub as LiveHub
    const drained = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    hub.closeAll()
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, 15_000))
    Promise.race([drained, deadline])
      .then(() => {
        server.closeAllConnections()
        return hub.stop()
      })
      .then(() => stopFollowingLayerChanges(database))
      .then(() => database.close())
      .then(() => {
        logger.info('database closed')
        process.exit(0)
      })
      .catch((err) => {
        logger.error(`closing the database failed: ${errorMessage(err)}`)
        process.exit(1)
      })
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((err) => {
  console.error(`Ping'an Grid failed to start: ${errorMessage(err)}`)
  process.exit(1)
})
