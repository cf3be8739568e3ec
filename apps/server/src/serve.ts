import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Flags } from './flags.js'
import { greetingText, sendText } from './greeting.js'
import { serverVersion } from './help.js'
import type { CliLogger } from './log.js'

/**
 * The HTTP side of the binary (tusd's cmd/tusd/cli/serve.go): routing between
 * the tus handler and the greeting, Node's server timeouts, listening, and the
 * graceful shutdown.
 */

/** What the server needs of @tus/handler's TusHandler; structural, so tests can pass a fake. */
export interface RequestHandler {
  /** Answers one request; never rejects. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>
  /**
   * Interrupts every in-flight request (503 ERR_SERVER_SHUTDOWN) and answers every
   * later one the same way; resolves when all in flight have answered.
   */
  shutdown(): Promise<void>
  readonly extensions: readonly string[]
}

export type ServeFlags = Pick<
  Flags,
  | 'host'
  | 'port'
  | 'basePath'
  | 'showGreeting'
  | 'networkTimeout'
  | 'acquireLockTimeout'
  | 'shutdownTimeout'
>

/** `graceful`: every request answered and every connection closed in time; `timeout`: the rest was cut. */
export type ShutdownResult = 'graceful' | 'timeout'

export interface ServerHandle {
  /** Where uploads go, with the address really bound, e.g. `http://127.0.0.1:41234/files/`. */
  readonly url: string
  readonly address: AddressInfo
  readonly server: Server
  /**
   * Shuts down as tusd does on SIGINT/SIGTERM: stops accepting, closes idle
   * connections, interrupts in-flight requests through the handler (their data
   * is saved, they answer 503 ERR_SERVER_SHUTDOWN) and waits for them, at most
   * `timeoutMs` (default: -shutdown-timeout), after which the remaining
   * connections are destroyed. Idempotent: later calls share the first one.
   */
  close(timeoutMs?: number): Promise<ShutdownResult>
}

/** The path of a request target, or undefined for `*` and garbage. The raw path is kept (no `..` resolution): the handler judges upload ids. */
function pathOf(target: string | undefined): string | undefined {
  if (!target) return undefined
  if (target.startsWith('/')) {
    const end = target.search(/[?#]/)
    return end === -1 ? target : target.slice(0, end)
  }
  try {
    return new URL(target).pathname // absolute-form, as sent to proxies
  } catch {
    return undefined
  }
}

/** `host:port` for URLs: IPv6 addresses in brackets. */
export function formatHost(address: AddressInfo): string {
  const host = address.address.includes(':') ? `[${address.address}]` : address.address
  return `${host}:${address.port}`
}

/**
 * Starts listening and answers requests with `handler` below `flags.basePath`
 * (with or without its trailing slash, as tusd mounts both). Other paths get
 * the greeting when enabled (tusd's catch-all `/` route) or a 404. With base
 * path `/` every request goes to the handler. Rejects if it cannot listen.
 */
export async function serve(
  handler: RequestHandler,
  flags: ServeFlags,
  logger: CliLogger,
): Promise<ServerHandle> {
  const base = flags.basePath
  const baseWithoutSlash = base.slice(0, -1)
  const toHandler = (path: string) =>
    base === '/' || path === baseWithoutSlash || path.startsWith(base)
  const greeting =
    flags.showGreeting && base !== '/' ? greetingText(base, serverVersion()) : undefined

  // Responses of the handler not finished yet, to stop keep-alive on them at shutdown.
  const inflight = new Set<ServerResponse>()
  let shuttingDown = false

  const server = createServer(
    {
      // No absolute limit on a request: uploads take as long as they take. The
      // handler times out bodies that stop sending (-network-timeout, per read).
      requestTimeout: 0,
      // tusd's ReadHeaderTimeout; checked every connectionsCheckingInterval.
      headersTimeout: flags.networkTimeout,
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, flags.networkTimeout / 4)),
    },
    (req, res) => {
      if (shuttingDown) res.shouldKeepAlive = false
      const path = pathOf(req.url)
      if (path !== undefined && toHandler(path)) {
        inflight.add(res)
        // 'close' comes once; `on` spares the wrapper `once` makes per request.
        res.on('close', () => {
          inflight.delete(res)
          // The connection may be idle now; during shutdown nothing else will close it.
          if (shuttingDown) setImmediate(() => server.closeIdleConnections())
        })
        handler.handle(req, res).catch((error: unknown) => {
          // The handler promises never to reject; if it does, fail this request only.
          logger.error('InternalServerError', { error, method: req.method, path })
          if (!res.headersSent)
            sendText(res, 500, 'ERR_INTERNAL_SERVER_ERROR: internal server error\n', false)
          else res.destroy()
        })
        return
      }
      const head = req.method === 'HEAD'
      if (greeting !== undefined) sendText(res, 200, greeting, head)
      else sendText(res, 404, '404 page not found\n', head)
    },
  )
  // tusd's IdleTimeout: how long a keep-alive connection may wait for its next request.
  server.keepAliveTimeout = flags.networkTimeout
  // A backstop for sockets on which nothing moves at all (tusd's write deadline is
  // 2 × network-timeout); generous enough for a request waiting for its lock.
  server.timeout = 2 * flags.networkTimeout + flags.acquireLockTimeout
  // Malformed requests and oversized headers (> 16 KiB → 431) keep Node's default
  // clientError answer; they never reach the handler.

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: flags.port, host: flags.host === '' ? undefined : flags.host }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (error) => logger.error('ServerError', { error }))

  const address = server.address() as AddressInfo
  const url = `http://${formatHost(address)}${base}`
  logger.print(`Supported tus extensions: ${handler.extensions.join(',')}`)
  logger.print(`Using ${flags.host}:${flags.port} as address to listen.`)
  logger.print(`Using ${base} as the base path.`)
  logger.print(`You can now upload files to: ${url}`)

  let closing: Promise<ShutdownResult> | undefined
  const shutdown = async (timeoutMs: number): Promise<ShutdownResult> => {
    shuttingDown = true
    for (const res of inflight) if (!res.headersSent) res.shouldKeepAlive = false
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    const drained = handler
      .shutdown()
      .catch((error: unknown) => logger.error('ShutdownError', { error }))
      .then(() => server.closeIdleConnections())
    let timer: NodeJS.Timeout | undefined
    const expired = new Promise<ShutdownResult>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, 'timeout')
    })
    const done = Promise.all([closed, drained]).then((): ShutdownResult => 'graceful')
    const result = await Promise.race([done, expired])
    clearTimeout(timer)
    if (result === 'timeout') server.closeAllConnections()
    return result
  }

  return {
    url,
    address,
    server,
    close(timeoutMs = flags.shutdownTimeout) {
      closing ??= shutdown(timeoutMs)
      return closing
    },
  }
}
