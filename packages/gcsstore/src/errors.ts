import { isTusError, type TusError, tusError } from '@tus/core'

/**
 * GCS failures as tus errors. A missing object is not found (404); anything
 * else is a 500 whose message names GCS's status and reason and the
 * operation (`gcs: 403 forbidden in compose`), never the bucket, the object
 * or the server's own text; the original error stays in `cause` for the logs.
 *
 * The SDK throws a few shapes: ApiError from JSON API calls (`code` is the
 * HTTP status, `errors[].reason` GCS's reason; from a download, the JSON
 * error body is the message instead), GaxiosError from resumable uploads
 * (`response.status`, the body in `response.data`). Network failures carry
 * Node's `code` (`ECONNRESET`).
 */

interface GcsErrorShape {
  code?: unknown
  status?: unknown
  errors?: { reason?: unknown; message?: unknown }[]
  response?: { status?: unknown; data?: unknown }
  message?: unknown
  name?: unknown
}

function shape(err: unknown): GcsErrorShape {
  return typeof err === 'object' && err !== null ? (err as GcsErrorShape) : {}
}

/** The HTTP status GCS answered with, if it answered. */
export function errorStatus(err: unknown): number | undefined {
  const e = shape(err)
  for (const value of [e.code, e.response?.status, e.status]) {
    if (typeof value === 'number' && value >= 100 && value < 600) return value
  }
  return undefined
}

/** GCS's reason (`notFound`, `forbidden`, `rateLimitExceeded`…), or a network error code. */
export function errorReason(err: unknown): string | undefined {
  const e = shape(err)
  const first = Array.isArray(e.errors) ? e.errors[0] : undefined
  if (typeof first?.reason === 'string' && first.reason !== '') return first.reason
  const nested = bodyReason(e.response?.data) ?? bodyReason(jsonMessage(e.message))
  if (nested !== undefined) return nested
  if (typeof e.code === 'string' && e.code !== '') return e.code
  return undefined
}

/** The reason in a JSON error body (`{ error: { errors: [{ reason }] } }`). */
function bodyReason(body: unknown): string | undefined {
  const reason = (body as { error?: { errors?: { reason?: unknown }[] } } | undefined)?.error
    ?.errors?.[0]?.reason
  return typeof reason === 'string' && reason !== '' ? reason : undefined
}

/** A download's failure carries GCS's JSON error body as its message. */
function jsonMessage(message: unknown): unknown {
  if (typeof message !== 'string' || !message.startsWith('{')) return undefined
  try {
    return JSON.parse(message)
  } catch {
    return undefined
  }
}

/**
 * The object is not there. A 404 about the bucket is not "not found" for an
 * upload: it is a misconfiguration, and a 500.
 */
export function isMissing(err: unknown): boolean {
  if (errorStatus(err) !== 404) return false
  const message = shape(err).message
  return !(typeof message === 'string' && /bucket does not exist/i.test(message))
}

/** A precondition (ifGenerationMatch) failed: the object is there, or has changed. */
export function isPreconditionFailed(err: unknown): boolean {
  return errorStatus(err) === 412
}

/** `err` as a TusError: TusErrors pass, GCS failures become 500 with their status and reason. */
export function gcsError(err: unknown, operation: string): TusError {
  if (isTusError(err)) return err
  const status = errorStatus(err)
  const reason = errorReason(err)
  const name = shape(err).name
  const what =
    [status, reason].filter((part) => part !== undefined).join(' ') ||
    (typeof name === 'string' && name !== '' ? name : 'error')
  return tusError('ERR_INTERNAL_SERVER_ERROR', {
    message: `gcs: ${what} in ${operation}`,
    cause: err,
  })
}

/** `err` as a TusError, with a missing object as ERR_UPLOAD_NOT_FOUND. */
export function notFoundOrGcsError(err: unknown, operation: string): TusError {
  if (isMissing(err)) return tusError('ERR_UPLOAD_NOT_FOUND', { cause: err })
  return gcsError(err, operation)
}

/** Runs `fn`; a failure becomes a TusError for `operation` (missing objects: not found). */
export async function gcsCall<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw notFoundOrGcsError(err, operation)
  }
}

/** Pauses before the 2nd, 3rd and 4th attempt of a write GCS throttled. */
const RATE_LIMIT_PAUSES_MS = [1000, 2000, 4000]

/**
 * Runs a small rewrite of one object (the `.info`, the final object's
 * metadata), again after a pause while GCS answers 429: GCS takes about one
 * change per second per object name, and a short upload changes its `.info`
 * and its final object in quick succession. Rewriting the same content is
 * safe to repeat; the SDK does not repeat such calls by itself.
 */
export async function retryRateLimited<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      const pause = RATE_LIMIT_PAUSES_MS[attempt]
      if (errorStatus(err) !== 429 || pause === undefined) throw err
      await new Promise((resolve) => setTimeout(resolve, pause * (0.75 + Math.random() / 2)))
    }
  }
}
