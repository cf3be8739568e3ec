import type { IncomingMessage, ServerResponse } from 'node:http'
import { toTusError, tusError } from '@tus/core'
import { resolveConfig } from './config.js'
import { RequestContext, shutdownError } from './context.js'
import { addCorsHeaders } from './cors.js'
import { dispatch, effectiveMethod } from './dispatch.js'
import type { TusRequest, TusResponse } from './exchange.js'
import { startSweeper, sweepExpired } from './expiration.js'
import { fetchAdapter } from './fetch.js'
import { settleHooks } from './hooks/invoke.js'
import { applyHookHttp } from './hooks/response.js'
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
  /**
   * Removes the uploads that have expired (option `expiration`), each under its
   * lock; resolves with how many. The handler does this by itself every
   * `expirationInterval`; call it when that is 0. Without expiration, 0.
   */
  sweepExpired(): Promise<number>
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
  const sweeper =
    config.expirer !== undefined && config.expirationInterval > 0 ? startSweeper(config) : undefined

  const run = (req: TusRequest): Promise<TusResponse> => {
    const method = effectiveMethod(req)
    const log = config.logger
    // tusd's request log lines, with X-Request-ID cut to 36 characters as tusd does.
    const requestId = req.header('x-request-id')?.slice(0, 36)
    log.debug('RequestIncoming', { method, path: req.url, requestId })
    // CORS as tusd's Middleware: after the method override, before the version
    // check and routing. Its headers go on every answer, errors included.
    const cors = config.cors
    let origin = cors && req.header('origin')
    const refused = cors !== undefined && !!origin && !cors.allowOrigin.test(origin)
    if (refused || origin === '') origin = undefined
    const finish = (response: TusResponse): TusResponse => {
      if (cors !== undefined) addCorsHeaders(cors, response.headers, origin, method)
      return response
    }
    if (closing) return Promise.resolve(finish(errorResponse(shutdownError(), method)))
    const ctx = new RequestContext(method)
    const routed = refused
      ? Promise.reject(tusError('ERR_ORIGIN_NOT_ALLOWED'))
      : dispatch(config, ctx, req, method)
    // Out of `inflight` as the answer is made: one promise less than a finally().
    const answer = routed.then(
      (response) => {
        inflight.delete(ctx)
        log.debug('ResponseOutgoing', { method, path: req.url, requestId, status: response.status })
        // What hooks asked for (tusd's HTTPResponse) goes on a successful answer.
        if (ctx.hookHttp !== undefined) applyHookHttp(response, ctx.hookHttp)
        return finish(response)
      },
      (err: unknown) => {
        inflight.delete(ctx)
        const error = ctx.interruption ?? toTusError(err)
        const fields = { method, path: req.url, requestId, status: error.status, code: error.code }
        if (error.status >= 500) {
          log.error('InternalServerError', {
            ...fields,
            error: String(error.cause ?? error.message),
          })
        }
        log.debug('ResponseOutgoing', fields)
        return finish(errorResponse(error, method))
      },
    )
    inflight.set(ctx, answer)
    return answer
  }

  return {
    run,
    handle: nodeAdapter(run),
    fetch: fetchAdapter(run),
    extensions: config.extensions,
    sweepExpired: () => sweepExpired(config),
    async shutdown() {
      closing = true
      for (const ctx of inflight.keys()) ctx.interrupt(shutdownError())
      // Waits given up by interrupted requests leave their lockers' queues now.
      config.lockWaits.abortAll(shutdownError())
      await Promise.allSettled([...inflight.values(), sweeper?.stop()])
      // Notifications already sent (post-finish, say) are given their time too.
      await settleHooks(config.hooks)
    },
  }
}
