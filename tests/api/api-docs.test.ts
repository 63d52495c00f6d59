import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { createLogger } from '../../server/src/logger.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { getTestDb } from '../helpers/test-db.ts'

/**
 * The interactive API docs (Swagger UI from swagger-ui-dist, server/src/api-docs/routes.ts): a
 * public page and its files, all from this server, under the app's unchanged CSP. That Swagger UI
 * renders in a browser under that CSP is checked in tests/e2e/map.test.ts.
 */
describe('GET /api/docs', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await listen(createApp({ database: await getTestDb(), logger: createLogger('silent') }))
  })
  afterAll(() => server?.close())

  /** The page's script and stylesheet URLs, in order. */
  const assetsOf = (html: string) => [...html.matchAll(/<(?:script src|link rel="stylesheet" href)="([^"]+)"/g)].map((m) => m[1]!)

  it('answers an HTML page, anonymous, at /api/docs and /api/docs/, loading only its own files', async () => {
    for (const p of ['/api/docs', '/api/docs/']) {
      const res = await fetch(server.url + p)
      expect(res.status, p).toBe(200)
      expect(res.headers.get('content-type'), p).toMatch(/^text\/html/)
      const html = await res.text()
      expect(html).toContain('<div id="swagger-ui">')
      expect(assetsOf(html)).toEqual(['/api/docs/assets/swagger-ui.css', '/api/docs/assets/index.css', '/api/docs/assets/swagger-ui-bundle.js', '/api/docs/assets/api-docs-init.js'])
      // No inline script or style, nothing from another site.
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
      expect(html).not.toMatch(/<style|\sstyle=/)
      expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//)
    }
  })

  it('keeps the app Content-Security-Policy on the page: script-src and style-src only the server itself', async () => {
    const res = await fetch(server.url + '/api/docs')
    const csp = res.headers.get('content-security-policy') ?? ''
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]))
    expect(directives.get('script-src')).toEqual(["'self'"])
    expect(directives.get('style-src')).toEqual(["'self'"])
    expect(directives.get('default-src')).toEqual(["'self'"])
    expect(csp).not.toContain('unsafe')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('serves the assets with JS and CSS content types, the initializer pointing at /api/openapi.json', async () => {
    const types: Record<string, RegExp> = {
      'swagger-ui.css': /^text\/css/,
      'index.css': /^text\/css/,
      'swagger-ui-bundle.js': /^(text|application)\/javascript/,
      'api-docs-init.js': /^(text|application)\/javascript/,
      'favicon-32x32.png': /^image\/png/,
    }
    for (const [file, type] of Object.entries(types)) {
      const res = await fetch(`${server.url}/api/docs/assets/${file}`)
      expect(res.status, file).toBe(200)
      expect(res.headers.get('content-type'), file).toMatch(type)
      const body = await res.text()
      expect(body.length, file).toBeGreaterThan(100)
      if (file === 'swagger-ui-bundle.js') expect(body).toContain('SwaggerUIBundle')
      if (file === 'api-docs-init.js') {
        expect(body).toContain("url: '/api/openapi.json'")
        expect(body).toContain('validatorUrl: null')
      }
    }
    // The document the page shows answers too, anonymous.
    expect((await fetch(server.url + '/api/openapi.json')).status).toBe(200)
  })

  it('serves only the listed files: not the package index.html or initializer, no path out of the folder', async () => {
    for (const file of ['index.html', 'swagger-initializer.js', 'package.json', 'swagger-ui-bundle.js.map', '..%2Fpackage.json', '..%2F..%2Fpackage.json', 'init.js', 'page.html']) {
      const res = await fetch(`${server.url}/api/docs/assets/${file}`)
      expect(res.status, file).toBe(404)
      expect(await res.json(), file).toMatchObject({ error: { code: 'not_found' } })
    }
    for (const p of ['/api/docs/assets', '/api/docs/assets/', '/api/docs//', '/api/DOCS', '/api/docs/index.html', '/api/docs/assets/x/swagger-ui.css']) {
      expect((await fetch(server.url + p)).status, p).toBe(404)
    }
  })
})
