import { request } from 'node:http'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMMAND, e2eSession, OFFICER, SHOTS, signInOnPage, VOLUNTEER } from './page-helpers.ts'

describe('the map page in Chromium', () => {
  const e2e = e2eSession('map', { port: 3950 })

  for (const [name, viewport] of [['wall', { width: 1920, height: 1080 }], ['phone', { width: 390, height: 844 }]] as const) {
    it(`shows Liaoyuan's districts and the story's figures (${name} screen), fetching nothing from outside`, async () => {
      const page = await e2e.browser.newPage({ viewport })
      const errors: string[] = []
      const external: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      page.on('request', (r) => {
        if (!r.url().startsWith(e2e.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) external.push(r.url())
      })
      await page.goto(e2e.url)
      await signInOnPage(page, COMMAND)
      await page.waitForSelector('body[data-map-ready="true"]', { timeout: 60_000 })
      await page.waitForSelector('.kpi[data-key="stations"]')
      expect(await page.textContent('.kpi[data-key="stations"] .v')).toBe('27')
      expect(await page.textContent('.kpi[data-key="mediation_rooms"] .v')).toBe('600')
      expect(await page.textContent('#db-status')).toContain('PostGIS')
      // The four real districts are drawn on the map (rendered features, not just loaded data).
      const drawn = await page.evaluate(() => {
        const map = (window as unknown as { pinganMap: { queryRenderedFeatures(o: object): Array<{ properties: { name: string } }> } }).pinganMap
        return [...new Set(map.queryRenderedFeatures({ layers: ['districts-fill'] }).map((f) => f.properties.name))].sort()
      })
      expect(drawn).toEqual(['东丰县', '东辽县', '西安区', '龙山区'].sort())
      await page.screenshot({ path: path.join(SHOTS, `map-${name}.png`) })
      expect(errors).toEqual([])
      expect(external).toEqual([])
      await page.close()
    })
  }

  it('sends the built client precompressed (brotli made at build time): the page loads a fraction of its bytes', async () => {
    const html = await (await fetch(e2e.url)).text()
    const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!)
    expect(scripts.length).toBeGreaterThan(0)
    let plain = 0
    let wire = 0
    for (const asset of scripts) {
      const raw = await fetch(e2e.url + asset, { headers: { 'accept-encoding': 'identity' } })
      const size = (await raw.arrayBuffer()).byteLength
      plain += size
      // Node's fetch would decode: read the length the server declares for the file it sent.
      const res = await new Promise<{ encoding?: string; length: number }>((resolve, reject) => {
        const req = request(e2e.url + asset, { headers: { 'accept-encoding': 'br, gzip' } }, (r) => {
          let n = 0
          r.on('data', (c: Buffer) => (n += c.length))
          r.on('end', () => resolve({ encoding: r.headers['content-encoding'], length: n }))
        })
        req.on('error', reject)
        req.end()
      })
      if (size > 1024) expect(res.encoding, asset).toBe('br')
      wire += res.length
    }
    console.log(`client entry assets: ${(plain / 1e6).toFixed(2)} MB plain, ${(wire / 1e6).toFixed(2)} MB with brotli`)
    expect(wire).toBeLessThan(plain * 0.4)
  })

  it('serves the interactive API docs (Swagger UI) from the server itself, under the app CSP: the operations render, no console error or CSP violation, nothing from outside', async () => {
    const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 800 } })
    const errors: string[] = []
    const external: string[] = []
    const failed: string[] = []
    // A violation is a console error in Chromium too; the event says which directive.
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)))
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('request', (r) => {
      if (!r.url().startsWith(e2e.url) && !r.url().startsWith('data:')) external.push(r.url())
    })
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.url()}: ${r.status()}`)
    })
    const res = await page.goto(`${e2e.url}/api/docs`)
    expect(res?.status()).toBe(200)
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'; style-src 'self';")
    // Swagger UI draws only the operations near the viewport: scroll down until one deep in the document is drawn.
    await page.waitForFunction(
      () => {
        if (document.querySelector('.opblock-summary-path[data-path="/api/analysis/coverage"]')) return true
        if (document.querySelector('.opblock')) window.scrollBy(0, window.innerHeight / 2)
        return false
      },
      null,
      { polling: 100, timeout: 60_000 },
    )
    // Opened, it shows the operation's parameters from the document.
    await page.click('.opblock-summary-path[data-path="/api/analysis/coverage"]')
    await page.waitForSelector('.opblock.is-open .parameters [data-param-name="grid"]')
    await page.screenshot({ path: path.join(SHOTS, 'api-docs.png') })
    expect(errors).toEqual([])
    expect(external).toEqual([])
    expect(failed).toEqual([])
    await page.close()
  })

  it('asks for a password first, says so when it is wrong, and shows each role only its layers', async () => {
    const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 800 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      // The wrong password's 401 is the answer under test, not a page error.
      if (m.type() === 'error' && !/401/.test(m.text())) errors.push(m.text())
    })
    await page.goto(e2e.url)
    await page.waitForSelector('#login-username')
    // Nothing of the data was asked for before signing in.
    expect(await page.evaluate(() => document.body.dataset.mapReady)).toBeUndefined()
    expect(await page.textContent('.login-submit')).toBe('登录')
    await page.fill('#login-username', 'officer')
    await page.fill('#login-password', 'not-the-password')
    await page.click('.login-submit')
    await page.waitForFunction(() => (document.querySelector('.login-error')?.textContent ?? '') !== '')
    expect(await page.textContent('.login-error')).toBe('用户名或密码错误')
    await page.screenshot({ path: path.join(SHOTS, 'login.png') })
    await page.click('[data-login-lang]')
    expect(await page.textContent('.login-submit')).toBe('Sign in')
    await page.click('[data-login-lang]')

    await signInOnPage(page, OFFICER)
    await page.waitForSelector('body[data-map-ready="true"]', { timeout: 60_000 })
    expect(await page.getAttribute('body', 'data-role')).toBe('officer')
    expect(await page.textContent('#account .account-role')).toMatch(/^社区民警 · 责任网格 \d+ 个$/)
    // An officer is not offered the live unit positions (the server would refuse them).
    const officerLayers = await page.evaluate(() => window.pinganLayers!.defs.map((d) => d.id))
    expect(officerLayers).not.toContain('unit-positions')
    expect(officerLayers).toContain('hazards')
    // Officers get the analyses (over their own cells) but not the live unit view; nothing empty shows.
    expect(await page.$('.mode-switch')).not.toBeNull()
    expect(await page.$('#toggle-live')).toBeNull()
    expect(await page.$('#toggle-admin')).toBeNull()
    expect(await page.getAttribute('#analysis-panel', 'data-open')).toBe('false')
    expect(await page.isVisible('#analysis-panel')).toBe(false)
    await page.click('[data-sign-out]')
    await page.waitForSelector('#login-username')

    await signInOnPage(page, VOLUNTEER)
    await page.waitForSelector('body[data-map-ready="true"]', { timeout: 60_000 })
    const volunteerLayers = await page.evaluate(() => window.pinganLayers!.defs.map((d) => d.id))
    expect(volunteerLayers.sort()).toEqual(['admin-areas', 'disputes', 'grid-cells', 'hazards', 'mediation-rooms', 'police-units', 'rivers', 'schools'])
    expect(await page.$('.mode-switch')).toBeNull()
    expect(await page.$('#toggle-live')).toBeNull()
    expect(errors).toEqual([])
    await page.close()
  })

  it('lets an administrator create an account with grid cells, hand over its password once, and disable it', async () => {
    const page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(e2e.url)
    await signInOnPage(page, { username: 'admin', password: 'pingan-admin' })
    await page.waitForSelector('body[data-map-ready="true"]', { timeout: 60_000 })
    await page.click('#toggle-admin')
    await page.waitForSelector('tr[data-user="officer"]')
    await page.fill('.admin-new input[name="username"]', 'e2e-officer')
    await page.fill('.admin-new input[name="displayName"]', '测试民警')
    await page.selectOption('.admin-new select[name="role"]', 'officer')
    // Cells are named by their grid codes in the form (ids mean nothing to an administrator).
    const codes: string[] = []
    for (const id of [1, 2]) {
      const res = await page.evaluate(async (cell) => (await fetch(`/api/layers/grid-cells/features/${cell}`)).json(), id)
      codes.push((res as { properties: { code: string } }).properties.code)
    }
    await page.fill('.admin-new input[name="grids"]', codes.join(','))
    await page.click('.admin-new button[type="submit"]')
    await page.waitForSelector('tr[data-user="e2e-officer"]')
    const shown = (await page.textContent('.admin-status'))!
    const password = /：(\S+)$/.exec(shown)?.[1]
    expect(password).toMatch(/^[A-Za-z0-9]{14}$/)
    expect(await page.inputValue('input[data-grids="e2e-officer"]')).toBe(codes.join(', '))
    await page.screenshot({ path: path.join(SHOTS, 'admin-accounts.png') })

    // The new account signs in with the password handed over, scoped to its two cells.
    const other = await e2e.browser.newPage({ viewport: { width: 1280, height: 800 } })
    await other.goto(e2e.url)
    await signInOnPage(other, { username: 'e2e-officer', password: password! })
    await other.waitForSelector('#account')
    expect(await other.textContent('#account .account-role')).toBe('社区民警 · 责任网格 2 个')
    await other.close()

    await page.click('button[data-toggle="e2e-officer"]')
    await page.waitForSelector('tr[data-user="e2e-officer"].disabled')
    const res = await fetch(`${e2e.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'e2e-officer', password }) })
    expect(res.status).toBe(401)
    expect(errors).toEqual([])
    await page.close()
  })
})
