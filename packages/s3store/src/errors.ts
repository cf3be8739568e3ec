import { isTusError, type TusError, tusError } from '@tus/core'

/**
 * S3 failures as tus errors. A missing key or multipart upload is not found
 * (404); anything else is a 500 whose message names the S3 error code and
 * the operation (`s3: SlowDown in UploadPart`), never the bucket or the
 * server's own text; the original error stays in `cause` for the logs.
 */

/** The S3 error code of an SDK error (`NoSuchKey`, `NotFound` for a HEAD), or a Node error code. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const e = err as { Code?: unknown; name?: unknown; code?: unknown; $metadata?: unknown }
  if (typeof e.Code === 'string' && e.Code !== '') return e.Code
  if (e.$metadata !== undefined && typeof e.name === 'string') return e.name
  if (typeof e.code === 'string') return e.code
  return typeof e.name === 'string' ? e.name : undefined
}

/** True if S3 answered with one of `codes`. */
export function hasCode(err: unknown, ...codes: string[]): boolean {
  const code = errorCode(err)
  return code !== undefined && codes.includes(code)
}

/** The key or the multipart upload is not there. */
export function isMissing(err: unknown): boolean {
  return hasCode(err, 'NoSuchKey', 'NoSuchUpload', 'NotFound')
}

/** `err` as a TusError: TusErrors pass, S3 errors become 500 with their code. */
export function s3Error(err: unknown, operation: string): TusError {
  if (isTusError(err)) return err
  const code = errorCode(err) ?? 'Error'
  return tusError('ERR_INTERNAL_SERVER_ERROR', {
    message: `s3: ${code} in ${operation}`,
    cause: err,
  })
}

/** `err` as a TusError, with a missing key or upload as ERR_UPLOAD_NOT_FOUND. */
export function notFoundOrS3Error(err: unknown, operation: string): TusError {
  if (isMissing(err)) return tusError('ERR_UPLOAD_NOT_FOUND', { cause: err })
  return s3Error(err, operation)
}

/** Network failures worth another attempt. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'TimeoutError',
  'RequestTimeout',
])

/**
 * True for failures that another attempt may not meet: throttling, 5xx and
 * timeouts from S3, and network errors. The SDK does not retry requests with
 * a streamed body itself, so the store retries its part uploads (each
 * attempt with a fresh stream from the part file).
 */
export function isRetryable(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata
    ?.httpStatusCode
  if (typeof status === 'number') {
    return (
      status >= 500 || status === 429 || hasCode(err, 'RequestTimeout', 'SlowDown', 'Throttling')
    )
  }
  const code = errorCode(err)
  return code !== undefined && NETWORK_CODES.has(code)
}

/** Attempts of a request with a streamed body (the first one included). */
export const ATTEMPTS = 3

/**
 * Runs `fn` up to ATTEMPTS times while it fails with a retryable error, with
 * growing pauses; never again once `signal` has aborted.
 */
export async function withRetries<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      if (attempt >= ATTEMPTS || signal?.aborted === true || !isRetryable(err)) throw err
      const pause = 100 * 4 ** (attempt - 1)
      await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause))
    }
  }
}

/** The failure of a write; the rare part that could not be undone is named, for the logs. */
export function failureError(failure: unknown, orphaned: boolean) {
  const err = s3Error(failure, 'UploadPart')
  if (!orphaned) return err
  return tusError('ERR_INTERNAL_SERVER_ERROR', {
    message: `${err.message}; a later part could not be undone, so the offset may be too high`,
    cause: failure,
  })
}
