import type { RequestHandler } from 'express'

/**
 * Headers on every answer: a Content-Security-Policy that lets the page load only from itself
 * (plus the configured basemap's tile servers), no inline script or style; no framing, no
 * sniffing, no referrer. MapLibre and deck.gl run their workers from blob: URLs.
 */
export function securityHeaders(basemapOrigins: readonly string[] = []): RequestHandler {
  const extra = basemapOrigins.length ? ' ' + basemapOrigins.join(' ') : ''
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${extra}`,
    `connect-src 'self'${extra}`,
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
  return (_req, res, next) => {
    res.set({
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=(self)',
    })
    next()
  }
}
