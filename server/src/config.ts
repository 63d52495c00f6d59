import { z } from 'zod'

const portSchema = z.coerce.number().int().min(1).max(65535)

export const configSchema = z.object({
  PORT: portSchema.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `text`: one human line per event (development); `json`: one JSON object per line for log collectors (default when NODE_ENV=production). */
  LOG_FORMAT: z.enum(['text', 'json']).optional(),
  DEMO_SEED: z.enum(['on', 'off']).default('on'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** `none` (offline, default), `tianditu` (needs TIANDITU_KEY) or an XYZ raster URL template. */
  BASEMAP: z
    .string()
    .refine((v) => v === 'none' || v === 'tianditu' || /^https?:\/\/.*\{z\}.*/.test(v), 'none, tianditu, or an http(s) XYZ template with {z}/{x}/{y}')
    .default('none'),
  TIANDITU_KEY: z.string().regex(/^[0-9a-f]{32}$/i, 'a 32-character Tianditu key').optional(),
  /** The datum of an XYZ basemap: WGS84/CGCS2000 line up with the data, GCJ-02 does not. */
  BASEMAP_DATUM: z.enum(['WGS84', 'CGCS2000', 'GCJ-02']).default('WGS84'),
  /** Seconds between alert-rule evaluations; 0 turns the evaluator off. */
  ALERT_INTERVAL_S: z.coerce.number().int().min(0).max(3600).default(30),
  /** Queries slower than this many milliseconds are logged with the request they served. */
  SLOW_QUERY_MS: z.coerce.number().int().min(1).max(600_000).default(500),
  /**
   * PostgreSQL: any statement of the server running longer than this many milliseconds is
   * cancelled (the request answers 503 with Retry-After); 0 turns it off. Migrations and seeding
   * at start-up, and the command-line tools, run without it. PGlite ignores it.
   */
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  /** Absolute lifetime of a sign-in session, in hours. */
  SESSION_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  /** Session cookie only over HTTPS; defaults to on in production. */
  COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  /** Writes per account per minute before 429. */
  WRITES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /**
   * Which proxies' X-Forwarded-For to believe for the client's address (the per-address sign-in
   * limit): a hop count (`1`) or a comma-separated list of addresses/subnets (`10.0.0.5,loopback`).
   * Unset: none, the connection's own address counts.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(\d{1,2}|[0-9A-Za-z.:/_-]+(\s*,\s*[0-9A-Za-z.:/_-]+)*)$/, 'a hop count or a comma-separated list of addresses')
    .transform((v): string | number => (/^\d+$/.test(v) ? Number(v) : v))
    .optional(),
  /** The first administrator's password on a fresh install (else generated and printed once). */
  ADMIN_PASSWORD: z.string().min(12, 'at least 12 characters').max(200).optional(),
})

export type Config = z.infer<typeof configSchema>

/** Reads and validates the environment; throws one readable message naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked = Object.fromEntries(
    Object.keys(configSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  )
  const parsed = configSchema
    .refine((c) => c.BASEMAP !== 'tianditu' || c.TIANDITU_KEY, { message: 'BASEMAP=tianditu needs TIANDITU_KEY', path: ['TIANDITU_KEY'] })
    .safeParse(picked)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.')
      return `  ${key}=${JSON.stringify(picked[key] ?? null)}: ${issue.message}`
    })
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** For entry points: a bad configuration prints its message and exits with code 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(2)
    }
    throw err
  }
}
