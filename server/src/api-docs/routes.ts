import type { Router } from 'express'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { secureRouter } from '../auth/route-guard.ts'
import { ApiError } from '../http/errors.ts'

const HERE = path.dirname(fileURLToPath(import.meta.url))
/** swagger-ui-dist's folder (its package.json has no `exports`, so this resolves as a plain file). */
const DIST = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))

/**
 * The files `/api/docs/assets/:file` serves, by name: swagger-ui-dist's bundle, styles and icons
 * and our own start-up script, nothing else (not the package's index.html and initializer, which
 * carry the Petstore example and inline script). A name not listed is 404.
 */
const ASSETS: ReadonlyMap<string, string> = new Map([
  ['swagger-ui-bundle.js', path.join(DIST, 'swagger-ui-bundle.js')],
  ['swagger-ui.css', path.join(DIST, 'swagger-ui.css')],
  ['index.css', path.join(DIST, 'index.css')],
  ['favicon-32x32.png', path.join(DIST, 'favicon-32x32.png')],
  ['favicon-16x16.png', path.join(DIST, 'favicon-16x16.png')],
  ['api-docs-init.js', path.join(HERE, 'init.js')],
])

/**
 * Interactive API docs: Swagger UI (swagger-ui-dist, served from node_modules, nothing from a CDN
 * or any other site) showing the document at `/api/openapi.json`. The page and its files are
 * public, as the document is. The page runs under the app's own Content-Security-Policy, unchanged
 * (security-headers.ts): its start-up is a file (init.js), not inline script, and Swagger UI
 * 5.36's styles come from its stylesheet and from style properties set through the DOM, which
 * `style-src 'self'` does not block. tests/e2e/map.test.ts renders the page in Chromium and fails
 * on any CSP violation.
 */
export function apiDocsRoutes(): Router {
  const router = secureRouter('/api')
  const page = readFileSync(path.join(HERE, 'page.html'), 'utf8')

  // `/api/docs` and `/api/docs/`: one route (an optional trailing slash), so one declaration.
  router.get('/docs{/}', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('html').send(page)
  })

  router.get('/docs/assets/:file', (req, res, next) => {
    const file = ASSETS.get(String(req.params.file))
    if (!file) throw new ApiError(404, 'not_found', 'no such API docs asset')
    res.sendFile(file, { maxAge: '1h' }, (err) => {
      if (err && !res.headersSent) next(err)
    })
  })
  return router
}
