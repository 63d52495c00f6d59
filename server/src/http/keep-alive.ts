import type { Server } from 'node:http'

/**
 * Idle keep-alive sockets are kept longer than any client pool (undici keeps them 4 s, browsers
 * and proxies up to 60 s). With Node's default of 5 s a client could reuse a socket in the very
 * moment the server closed it, and the request failed with ECONNRESET.
 */
export function tuneKeepAlive(server: Server): Server {
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  return server
}
