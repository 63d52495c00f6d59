import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { along, length } from '@turf/turf'
import type { Feature, FeatureCollection, LineString } from 'geojson'

/**
 * `npm run simulate -- --url http://localhost:3000 --units 99 --duration 300 [--interval 5]
 *  [--tokens DATA_DIR/unit-tokens.csv] [--token API_TOKEN | --user NAME --password PASS]`: drives
 * patrol units along their zone's routes through the real ingest API, each unit with its own
 * device token, so the live map moves. Reading the units and routes needs an account: an API
 * token (or PINGAN_TOKEN), else it signs in (by default as the demo `command` account).
 * Prints what the server accepted.
 */
const args = process.argv.slice(2)
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback
}
const url = opt('url', 'http://localhost:3000').replace(/\/$/, '')
const wanted = Number(opt('units', '99'))
const duration = Number(opt('duration', '60'))
const interval = Number(opt('interval', '5'))
// The demo server writes the units' device tokens to DATA_DIR/unit-tokens.csv (startup.ts).
const tokenFile = opt('tokens', path.join(process.env.DATA_DIR || '.data', 'unit-tokens.csv'))
if (![wanted, duration, interval].every((n) => Number.isFinite(n) && n > 0)) {
  console.error('usage: npm run simulate -- --url URL --units N --duration SECONDS [--interval SECONDS] [--tokens FILE]')
  process.exit(2)
}

interface Unit {
  code: string
  callsign: string
  kind: string
  zone_id: number | null
  lon: number | null
  lat: number | null
}

if (!existsSync(tokenFile)) {
  console.error(
    `the simulator needs the units' device tokens, ${tokenFile}, and it is not there.\n` +
      'A demo server writes it to DATA_DIR/unit-tokens.csv when it seeds the city; give another file with --tokens FILE,\n' +
      'or make one with `npm run units:tokens > FILE` (it prints code,token for every unit).',
  )
  process.exit(2)
}
const tokens = new Map(
  readFileSync(tokenFile, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',') as [string, string]),
)
/** Credentials for the reads: an API token, or a session from signing in. */
async function readCredentials(): Promise<Record<string, string>> {
  const token = opt('token', process.env.PINGAN_TOKEN ?? '')
  if (token) return { authorization: `Bearer ${token}` }
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: opt('user', 'command'), password: opt('password', 'pingan-command') }),
  })
  if (!res.ok) throw new Error(`sign-in as ${opt('user', 'command')} answered ${res.status}: give --token or --user/--password`)
  const cookie = /pingan_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0]
  if (!cookie) throw new Error('sign-in set no session cookie')
  return { cookie }
}
const credentials = await readCredentials()
const getJson = async <T>(path: string): Promise<T> => {
  const r = await fetch(url + path, { headers: credentials })
  if (!r.ok) throw new Error(`${path}: ${r.status}`)
  return (await r.json()) as T
}
const { units } = await getJson<{ units: Unit[] }>('/api/live/units')
const routes = await getJson<FeatureCollection<LineString, { zone_id: number | null; kind: string; team: string }>>('/api/layers/patrol-routes/features?limit=10000')
const speedOf = (kind: string) => (kind === 'ebike' ? 4 : kind === 'foot' ? 1.3 : 9)

const fleet = units
  .filter((u) => tokens.has(u.code))
  .slice(0, wanted)
  .map((u, i) => {
    // A team's own route (traffic teams), else a route of the unit's zone.
    const own = routes.features.filter((r) => r.properties.team === u.callsign || (u.zone_id !== null && r.properties.zone_id === u.zone_id))
    const route: Feature<LineString> = (own.find((r) => r.properties.kind === u.kind) ?? own[0] ?? routes.features[i % routes.features.length])!
    const km = length(route, { units: 'kilometers' })
    return { unit: u, token: tokens.get(u.code)!, route, km, at: (i * 0.137) % 1 }
  })
if (fleet.length < wanted) console.warn(`only ${fleet.length} units have tokens in ${tokenFile}; simulating those`)

let posted = 0
let accepted = 0
let failed = 0
const t0 = Date.now()
while (Date.now() - t0 < duration * 1000) {
  const tick = Date.now()
  await Promise.all(
    fleet.map(async (f) => {
      f.at = (f.at + (speedOf(f.unit.kind) * interval) / 1000 / Math.max(f.km, 0.001)) % 1
      const p = along(f.route, f.at * f.km, { units: 'kilometers' }).geometry.coordinates
      const body = [{ unit: f.unit.code, ts: new Date().toISOString(), lon: p[0], lat: p[1], speed: speedOf(f.unit.kind) }]
      try {
        const r = await fetch(`${url}/api/live/positions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${f.token}` }, body: JSON.stringify(body) })
        const j = (await r.json()) as { accepted?: number }
        posted++
        accepted += j.accepted ?? 0
        if (!r.ok) failed++
      } catch {
        failed++
      }
    }),
  )
  await new Promise((r) => setTimeout(r, Math.max(0, interval * 1000 - (Date.now() - tick))))
}
const secs = (Date.now() - t0) / 1000
console.log(`${fleet.length} units, ${posted} batches posted, ${accepted} positions accepted, ${failed} failed, ${(accepted / secs).toFixed(1)} positions/s`)
