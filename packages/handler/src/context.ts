import { type HookHTTPRequest, type HookHTTPResponse, type TusError, tusError } from '@tus/core'
import type { BodyReader } from './body-reader.js'
import { mergeHookHttp } from './hooks/response.js'

/**
 * One request in flight. It can be interrupted from outside (another request
 * wants its lock, or the server shuts down): the body stops being read, the
 * store keeps what arrived, and the request answers with the reason.
 */
export class RequestContext {
  #reason: TusError | undefined
  /** The body being read, if any: interruption ends it. */
  #body: BodyReader | undefined
  /** Told of an interruption during the wait in progress (for a lock, a hook), if any. */
  #onInterrupt: ((reason: TusError) => void) | undefined
  /** What hooks asked to add to this request's answer (tusd's HTTPResponse), if any. */
  hookHttp: HookHTTPResponse | undefined
  /** The request as hooks see it, made on the first hook call. */
  hookRequest: HookHTTPRequest | undefined

  /** @param method the request's method after X-HTTP-Method-Override. */
  constructor(readonly method = '') {}

  /** Adds a hook's HTTPResponse to what goes on the answer, as tusd's MergeWith. */
  mergeHookHttp(http: HookHTTPResponse | undefined): void {
    this.hookHttp = mergeHookHttp(this.hookHttp, http)
  }

  /** The reason of the first interruption, if any. */
  get interruption(): TusError | undefined {
    return this.#reason
  }

  /** Ties a body to this request; a request interrupted already stops it at once. */
  attachBody(body: BodyReader): void {
    this.#body = body
    if (this.#reason !== undefined) body.interrupt(this.#reason)
  }

  /**
   * Calls `listener` with the reason if the request is interrupted while it
   * waits (a request waits for one thing at a time), at once if it was
   * interrupted already. Returns the function that ends the wait. A plain
   * field rather than an AbortSignal: most requests are never interrupted,
   * and this runs for every one of them.
   */
  onInterrupt(listener: (reason: TusError) => void): () => void {
    if (this.#reason !== undefined) {
      listener(this.#reason)
      return () => {}
    }
    this.#onInterrupt = listener
    return () => {
      if (this.#onInterrupt === listener) this.#onInterrupt = undefined
    }
  }

  /** Aborts `wait` if the request is interrupted while it waits; see onInterrupt. */
  abortOnInterrupt(wait: AbortController): () => void {
    return this.onInterrupt((reason) => wait.abort(reason))
  }

  interrupt(reason: TusError): void {
    if (this.#reason !== undefined) return
    this.#reason = reason
    const listener = this.#onInterrupt
    this.#onInterrupt = undefined
    listener?.(reason)
    this.#body?.interrupt(reason)
  }

  /** Throws the interruption, if there was one. */
  throwIfInterrupted(): void {
    if (this.#reason !== undefined) throw this.#reason
  }
}

/** The shutdown error, fresh for each request it ends. */
export function shutdownError(): TusError {
  return tusError('ERR_SERVER_SHUTDOWN')
}
