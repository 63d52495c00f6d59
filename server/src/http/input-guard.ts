import type { Request } from 'express'
import { ApiError } from './errors.ts'

/** Control characters: C0 (NUL…US), DEL and C1. PostgreSQL refuses NUL in text outright. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/
/** The same in free text, where tab, line feed and carriage return are ordinary. */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/
/** Half of a UTF-16 surrogate pair without its other half: not a character, not encodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
/** Deepest JSON nesting a request may carry (GeoJSON MultiPolygon coordinates are 4 deep). */
export const MAX_JSON_DEPTH = 32

const codePoint = (s: string, re: RegExp) => {
  const c = re.exec(s)?.[0] ?? ''
  return `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`
}

function checkString(value: string, field: string, re: RegExp): void {
  if (re.test(value)) {
    throw new ApiError(400, 'invalid_characters', `${field} contains a control character (${codePoint(value, re)}); remove it and send again`, { field })
  }
  if (LONE_SURROGATE.test(value)) throw new ApiError(400, 'invalid_characters', `${field} is not well-formed Unicode (a lone surrogate); send valid UTF-8`, { field })
}

/**
 * The path's parameters and the query string: no control characters in any name or value
 * (400 naming the parameter). Runs on every guarded route, before its handler.
 */
export function checkRequestStrings(req: Request): void {
  for (const [name, value] of Object.entries(req.params ?? {})) {
    if (typeof value === 'string') checkString(value, `path parameter "${name}"`, CONTROL)
  }
  for (const [name, value] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    checkString(name, `query parameter name "${name.replace(CONTROL, '?')}"`, CONTROL)
    const values = Array.isArray(value) ? value : [value]
    for (const v of values) if (typeof v === 'string') checkString(v, `query parameter "${name}"`, CONTROL)
  }
}

/**
 * A parsed JSON body: every key and string value free of control characters other than tab, LF
 * and CR (400 naming the field, e.g. `properties.description`), nesting at most MAX_JSON_DEPTH.
 * Walked with an explicit stack, so no input can overflow the call stack.
 */
export function checkBodyJson(body: unknown): void {
  if (body === null || typeof body !== 'object') {
    if (typeof body === 'string') checkString(body, 'body', CONTROL_IN_TEXT)
    return
  }
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 1 }]
  while (stack.length) {
    const { value, path, depth } = stack.pop()!
    if (typeof value === 'string') {
      checkString(value, `body field "${path || '(root)'}"`, CONTROL_IN_TEXT)
      continue
    }
    if (value === null || typeof value !== 'object') continue
    if (depth > MAX_JSON_DEPTH) throw new ApiError(400, 'too_deep', `body field "${path || '(root)'}" is nested deeper than ${MAX_JSON_DEPTH} levels`, { field: path })
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 })
    } else {
      for (const [k, v] of Object.entries(value)) {
        const p = path ? `${path}.${k}` : k
        checkString(k, `body field name "${p.replace(CONTROL, '?')}"`, CONTROL)
        stack.push({ value: v, path: p, depth: depth + 1 })
      }
    }
  }
}

/** A text body (CSV import): no NUL or other control characters but tab, LF and CR. */
export function checkBodyText(text: string): void {
  checkString(text, 'the body', CONTROL_IN_TEXT)
}
