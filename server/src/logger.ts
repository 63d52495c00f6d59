import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'pingan-grid' } })
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
