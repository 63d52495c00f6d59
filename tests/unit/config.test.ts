import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/src/config.ts'

describe('loadConfig', () => {
  it('gives the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({ PORT: 3000, DATA_DIR: '.data', DEMO_SEED: 'on', LOG_LEVEL: 'info' })
    expect(loadConfig({}).DATABASE_URL).toBeUndefined()
  })

  it('reads valid values', () => {
    expect(loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@h:5432/d', DATA_DIR: '/tmp/x' })).toMatchObject({
      PORT: 8080,
      DATABASE_URL: 'postgres://u@h:5432/d',
      DATA_DIR: '/tmp/x',
    })
  })

  it('names every bad variable in one message', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      const message = (err as Error).message
      expect(message).toMatch(/PORT="eighty"/)
      expect(message).toMatch(/DATABASE_URL="mysql:\/\/x"/)
      expect(message).toMatch(/LOG_LEVEL="loud"/)
    }
  })

  it('rejects out-of-range ports', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(ConfigError)
    expect(() => loadConfig({ PORT: '0' })).toThrow(ConfigError)
  })
})

describe('basemap settings', () => {
  it('accepts none, tianditu with a key, or an XYZ template', () => {
    expect(loadConfig({}).BASEMAP).toBe('none')
    expect(loadConfig({ BASEMAP: 'tianditu', TIANDITU_KEY: '0123456789abcdef0123456789abcdef' }).BASEMAP).toBe('tianditu')
    expect(loadConfig({ BASEMAP: 'https://tiles.example/{z}/{x}/{y}.png', BASEMAP_DATUM: 'GCJ-02' }).BASEMAP_DATUM).toBe('GCJ-02')
  })
  it('refuses tianditu without a key and junk templates', () => {
    expect(() => loadConfig({ BASEMAP: 'tianditu' })).toThrow(/TIANDITU_KEY/)
    expect(() => loadConfig({ BASEMAP: 'ftp://x' })).toThrow(/BASEMAP/)
  })
})
