import express, { type Express } from 'express'
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { DbHandle } from './db/create-db.ts'
import { featureReadRoutes } from './features/routes.ts'
import { healthRoutes } from './health/routes.ts'
import { errorHandler, notFound } from './http/errors.ts'
import type { Logger } from './logger.ts'
import { statsRoutes } from './stats/routes.ts'

export interface AppOptions {
  database: DbHandle
  logger: Logger
  /** Built client (vite build output); served at / when present. */
  clientDir?: string
  /** Largest accepted JSON body. */
  bodyLimit?: string
}

/** The whole HTTP app, not listening: main.ts listens, tests mount it. */
export function createApp({ database, logger, clientDir, bodyLimit = '2mb' }: AppOptions): Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('query parser', 'simple')
  app.use(express.json({ limit: bodyLimit }))

  const api = express.Router()
  api.use(healthRoutes(database, logger))
  api.use(statsRoutes(database))
  api.use(featureReadRoutes(database))
  api.use(notFound)
  app.use('/api', api)

  if (clientDir && existsSync(path.join(clientDir, 'index.html'))) {
    app.use(express.static(clientDir, { index: 'index.html', maxAge: '1h' }))
    app.get(/^\/(?!api\/|ogc\/|tiles\/).*/, (_req, res) => res.sendFile(path.join(clientDir, 'index.html')))
  }
  app.use(notFound)
  app.use(errorHandler(logger))
  return app
}
