import { pino, type Logger } from 'pino'
import pretty from 'pino-pretty'

export type { Logger }

export type LogFormat = 'text' | 'json'

/** The format when LOG_FORMAT is not set: JSON lines in production (for collectors), human lines elsewhere. */
export function defaultLogFormat(nodeEnv: string): LogFormat {
  return nodeEnv === 'production' ? 'json' : 'text'
}

/** The context fields a human line keeps after its message (everything else is in the JSON format only). */
const CONTEXT = ['method', 'path', 'status', 'route', 'ip', 'for'] as const

/** A text line's message: the message, the request it concerns, and for a slow query its time and the start of its SQL. */
export function textLine(log: Record<string, unknown>, messageKey: string): string {
  let msg = String(log[messageKey] ?? '')
  // A served request: "GET /api/stats 200 12 ms command".
  if ((msg === 'request' || msg === 'request failed') && log.method && log.status !== undefined) {
    return `${String(log.method)} ${String(log.path)} ${String(log.status)} ${String(log.ms)} ms${log.user ? ` ${String(log.user)}` : ''}`
  }
  if (typeof log.sql === 'string') msg += ` ${String(log.ms)} ms: ${log.sql.slice(0, 100)}${log.sql.length > 100 ? '…' : ''}`
  const ctx = CONTEXT.filter((k) => log[k] !== undefined && !(k === 'route' && log.path !== undefined)).map((k) => String(log[k]))
  return ctx.length > 0 ? `${msg} (${ctx.join(' ')})` : msg
}

/**
 * The server's logger. `json` (pino's own lines) for collectors; `text` for a person at a console:
 * "20:01:02 INFO  loading the demo city: admin areas (2.2 s)", formatted by pino-pretty.
 */
export function createLogger(level: string, format: LogFormat = 'json'): Logger {
  if (format === 'json') return pino({ level, base: { app: 'pingan-grid' } })
  const stream = pretty({
    sync: true,
    colorize: Boolean(process.stdout.isTTY),
    translateTime: 'SYS:HH:MM:ss',
    // Fields the line already says (or that only a collector wants); any other field follows as JSON.
    // (Not `hideObject`: pino-pretty then drops the line's end of line.)
    ignore: ['pid', 'hostname', 'app', 'reqId', 'applied', 'step', 'ms', 'sql', 'backend', 'dataDir', 'url', 'file', 'units', 'users', 'signal', 'user', ...CONTEXT].join(','),
    singleLine: true,
    messageFormat: (log, messageKey) => textLine(log as Record<string, unknown>, messageKey),
  })
  return pino({ level, base: { app: 'pingan-grid' } }, stream)
}

/** A database error as one line: PGlite's raw errors carry megabytes of minified source. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    const msg = err.message.length > 2000 ? `${err.message.slice(0, 2000)}…` : err.message
    return typeof code === 'string' ? `${msg} [${code}]` : msg
  }
  return String(err).slice(0, 2000)
}
