import type { Express } from 'express'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { tuneKeepAlive } from '../../server/src/http/keep-alive.ts'

export interface TestServer {
  url: string
  close(): Promise<void>
}

/** Listens on an ephemeral loopback port; requests then go through real HTTP. */
export async function listen(app: Express): Promise<TestServer> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  tuneKeepAlive(server)
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/**
 * Like `listen`, with idle connections kept for a minute: on PGlite the independent SQL of a test
 * can block the event loop for seconds, and the server's overdue 5 s keep-alive timer then closes
 * the socket the next request was just written to (ECONNRESET).
 */
export async function listenLong(app: Express): Promise<TestServer> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  server.keepAliveTimeout = 60_000
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) }
}
