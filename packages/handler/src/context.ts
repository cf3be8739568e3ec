import { type TusError, tusError } from '@tus/core'
import type { BodyReader } from './body-reader.js'

/**
 * One request in flight. It can be interrupted from outside (another request
 * wants its lock, or the server shuts down): the body stops being read, the
 * store keeps what arrived, and the request answers with the reason.
 */
export class RequestContext {
  /** Aborted on interruption; waits (for a lock, say) listen to it. */
  readonly controller = new AbortController()
  /** The body being read, if any: interruption ends it. */
  body: BodyReader | undefined

  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** The reason of the first interruption, if any. */
  get interruption(): TusError | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as TusError) : undefined
  }

  /** Ties a body to this request; a request interrupted already stops it at once. */
  attachBody(body: BodyReader): void {
    this.body = body
    const reason = this.interruption
    if (reason !== undefined) body.interrupt(reason)
  }

  interrupt(reason: TusError): void {
    if (this.controller.signal.aborted) return
    this.controller.abort(reason)
    this.body?.interrupt(reason)
  }

  /** Throws the interruption, if there was one. */
  throwIfInterrupted(): void {
    const reason = this.interruption
    if (reason !== undefined) throw reason
  }
}

/** The shutdown error, fresh for each request it ends. */
export function shutdownError(): TusError {
  return tusError('ERR_SERVER_SHUTDOWN')
}
