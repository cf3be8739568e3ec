import type { IncomingMessage, ServerResponse } from 'node:http'
import { toTusError } from '@tus/core'
import { resolveConfig } from './config.js'
import { RequestContext, shutdownError } from './context.js'
import { dispatch, effectiveMethod } from './dispatch.js'
import type { TusRequest, TusResponse } from './exchange.js'
import { fetchAdapter } from './fetch.js'
import { nodeAdapter } from './node.js'
import type { TusHandlerOptions } from './options.js'
import { errorResponse } from './respond.js'

export interface TusHandler {
  /**
   * A Node request listener for node:http, Express, Fastify (`reply.raw`),
   * Next.js API routes. Bound, so it can be passed around. Never rejects.
   */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>
  /** A fetch-style entry: `(Request) => Promise<Response>`. Bound; never rejects. */
  readonly fetch: (request: Request) => Promise<Response>
  /**
   * The transport-neutral core both entries use: answers one request, never
   * rejects. For adapters to other servers.
   */
  readonly run: (req: TusRequest) => Promise<TusResponse>
  /**
   * Interrupts every request in flight: bodies stop being read, what arrived is
   * saved, and each answers 503 ERR_SERVER_SHUTDOWN, as do new requests.
   * Resolves once every interrupted request has produced its answer.
   */
  shutdown(): Promise<void>
  /** The tus extensions this handler offers, as sent in Tus-Extension. */
  readonly extensions: readonly string[]
}

/**
 * Creates the tus handler.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { createTusHandler } from '@tus/handler'
 * import { FileStore } from '@tus/filestore'
 * import { MemoryLocker } from '@tus/memorylocker'
 *
 * const tus = createTusHandler({ store: new FileStore({ directory: './data' }), locker: new MemoryLocker() })
 * createServer(tus.handle).listen(8080)
 * ```
 */
export function createTusHandler(options: TusHandlerOptions): TusHandler {
  const config = resolveConfig(options)
  const inflight = new Map<RequestContext, Promise<unknown>>()
  let closing = false

  const run = (req: TusRequest): Promise<TusResponse> => {
    const method = effectiveMethod(req)
    if (closing) return Promise.resolve(errorResponse(shutdownError(), method))
    const ctx = new RequestContext()
    const answer = dispatch(config, ctx, req, method).catch((err: unknown) => {
      const error = ctx.interruption ?? toTusError(err)
      if (error.status >= 500) {
        config.logger.error('InternalServerError', {
          method,
          url: req.url,
          code: error.code,
          error: String(error.cause ?? error.message),
        })
      }
      return errorResponse(error, method)
    })
    inflight.set(ctx, answer)
    return answer.finally(() => inflight.delete(ctx))
  }

  return {
    run,
    handle: nodeAdapter(run),
    fetch: fetchAdapter(run),
    extensions: config.extensions,
    async shutdown() {
      closing = true
      for (const ctx of inflight.keys()) ctx.interrupt(shutdownError())
      await Promise.allSettled([...inflight.values()])
    },
  }
}
