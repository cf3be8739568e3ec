import type { ErrorCode } from './catalogue.js'

/**
 * Errors of the tus server. Every failure a client can see is a {@link TusError}
 * carrying one of tusd's stable `ERR_*` codes and its HTTP status, so that
 * clients, hooks and logs see the same codes as with tusd.
 */

/** Extra response parts an error may carry (tusd's HTTPResponse). */
export interface TusErrorResponse {
  /** Replaces the status of the code when set (a hook may change it). */
  status?: number
  /** Headers added to the error response. */
  headers?: Record<string, string>
  /** Replaces the `CODE: message` body when set. */
  body?: string
}

export interface TusErrorOptions extends TusErrorResponse {
  cause?: unknown
}

/**
 * A protocol error: `code` is tusd's error code, `status` the HTTP status.
 * Compare errors with {@link isTusError} and {@link hasErrorCode}, never by
 * identity or `instanceof`: two copies of this package in one install must
 * still agree on what an error means.
 */
export class TusError extends Error {
  readonly code: string
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string | undefined

  constructor(code: string, status: number, message: string, options: TusErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'TusError'
    this.code = code
    this.status = options.status ?? status
    this.headers = options.headers ?? {}
    this.body = options.body
  }

  /** The response body tusd sends: `CODE: message\n`, unless a body was given. */
  get responseBody(): string {
    return this.body ?? `${this.code}: ${this.message}\n`
  }
}

/** True for any TusError-shaped value, whichever copy of this package made it. */
export function isTusError(value: unknown): value is TusError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TusError).code === 'string' &&
    typeof (value as TusError).status === 'number' &&
    (value as TusError).code.startsWith('ERR_')
  )
}

/** True if `value` is a TusError with the given code. */
export function hasErrorCode(value: unknown, code: ErrorCode): boolean {
  return isTusError(value) && value.code === code
}
