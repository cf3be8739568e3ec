import type { OutgoingHttpHeaders } from 'node:http'
import {
  type HookHandler,
  type HookInvokeOptions,
  type HookRequest,
  type HookResponse,
  HookResponseError,
  isHeaderValue,
  isTusError,
  marshalHookRequest,
  parseHookResponse,
  type TusError,
  tusError,
} from '@tus/core'
import { Deadline, sleep } from './deadline.js'
import { type HttpHooksOptions, type ResolvedOptions, resolveOptions } from './options.js'
import { BodyError, post, type RawResponse } from './post.js'

/**
 * tusd's HTTP hook provider (`-hooks-http`, pkg/hooks/http): each hook is a
 * POST of tusd's HookRequest JSON to one endpoint, and the answer is tusd's
 * HookResponse JSON. A hook server written for tusd works unchanged.
 *
 * Per invocation, as tusd does it:
 * - up to `retry` requests, `backoff` ms apart, while the endpoint cannot be
 *   reached or answers 5xx (pester's rule); any other answer is final, so a
 *   4xx (429 included) fails at once;
 * - one deadline of `timeout` ms over all requests, waits and body reads;
 * - the final answer must be 2xx, at most `sizeLimit` bytes, with
 *   `Content-Type: application/json` (parameters allowed) and a JSON body;
 *   an empty body is not JSON and fails, as Go's json.Unmarshal fails on it.
 *
 * `invoke` rejects with a TusError: ERR_HOOK_TIMEOUT (504) when the deadline
 * passed, or when the caller's signal aborted with a TimeoutError;
 * ERR_HOOK_FAILED (502) for everything else, an abort by the caller included
 * (no more requests are sent then). Messages name the hook and the endpoint
 * (without credentials or query) and never carry the response body; the
 * underlying error, with at most a short excerpt of an error body, is `cause`.
 */
export class HttpHookHandler implements HookHandler {
  readonly #options: ResolvedOptions

  /** Throws a TypeError if an option is invalid. */
  constructor(options: HttpHooksOptions) {
    this.#options = resolveOptions(options)
  }

  async invoke(request: HookRequest, options: HookInvokeOptions = {}): Promise<HookResponse> {
    const where = `hook ${request.Type}: ${this.#options.display}`
    let body: Buffer
    try {
      body = Buffer.from(marshalHookRequest(request), 'utf8')
    } catch (error) {
      throw tusError('ERR_HOOK_FAILED', {
        message: `${where}: invalid request: ${(error as Error).message}`,
        cause: error,
      })
    }
    const deadline = new Deadline(this.#options.timeout, options.signal)
    const progress: Progress = { attempts: 0, last: undefined }
    try {
      const headers = this.#headers(request, body.length)
      const response = await this.#send(where, headers, body, deadline.signal, progress)
      return check(where, this.#options.sizeLimit, response, progress.attempts)
    } catch (error) {
      // The deadline's reason itself, whatever it is (the caller may abort with a TusError).
      if (deadline.signal.aborted && error === deadline.signal.reason) {
        throw stopped(where, deadline, progress, this.#options.timeout)
      }
      if (isTusError(error)) throw error
      throw tusError('ERR_HOOK_FAILED', { message: `${where} failed`, cause: error })
    } finally {
      deadline.dispose()
    }
  }

  /**
   * pester's loop: send, and send again after `backoff` while no response
   * came or the response was 5xx, up to `attempts` requests. Returns the last
   * response (5xx included, once the attempts are used up); throws a TusError
   * for a connection failure on the last attempt or a broken body of a final
   * response, and the deadline's reason when it aborts.
   */
  async #send(
    where: string,
    headers: OutgoingHttpHeaders,
    body: Buffer,
    signal: AbortSignal,
    progress: Progress,
  ): Promise<RawResponse> {
    const { endpoint, attempts, backoff, sizeLimit } = this.#options
    for (;;) {
      if (progress.attempts > 0) await sleep(backoff, signal)
      progress.attempts++
      const last = progress.attempts >= attempts
      try {
        const response = await post(endpoint, headers, body, sizeLimit, signal)
        progress.last = new Error(`answered ${response.status}`)
        if (response.status < 500 || last) return response
      } catch (error) {
        if (signal.aborted) throw error
        progress.last = error
        if (error instanceof BodyError && error.status < 500) {
          throw tusError('ERR_HOOK_FAILED', {
            message: `${where} answered ${error.status} but ${error.message}`,
            cause: error,
          })
        }
        if (last) {
          const message =
            error instanceof BodyError
              ? `${where} answered ${error.status}${after(progress.attempts)}`
              : `${where} could not be reached${after(progress.attempts)}: ${describe(error)}`
          throw tusError('ERR_HOOK_FAILED', { message, cause: error })
        }
      }
    }
  }

  /**
   * The hook request's headers: the forwarded client headers under the
   * spelling configured, then Content-Type and Content-Length. A client
   * header tusd would forward but Node cannot send (a control character in
   * the value) is left out rather than failing the hook.
   */
  #headers(request: HookRequest, length: number): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = {}
    const client = request.Event.HTTPRequest.Header ?? {}
    for (const [name, canonical] of this.#options.forwardHeaders) {
      const values = Object.hasOwn(client, canonical) ? client[canonical] : undefined
      const sendable = (values ?? []).filter(isHeaderValue)
      if (sendable.length > 0) headers[name] = sendable
    }
    headers['Content-Type'] = 'application/json'
    headers['Content-Length'] = String(length)
    return headers
  }
}

interface Progress {
  /** Requests sent so far. */
  attempts: number
  /** What went wrong with the latest one, for `cause`. */
  last: unknown
}

/** The final response, checked in tusd's order: status, size, Content-Type, JSON. */
function check(
  where: string,
  sizeLimit: number,
  response: RawResponse,
  attempts: number,
): HookResponse {
  const { status } = response
  if (status < 200 || status > 299) {
    const detail =
      status >= 500
        ? after(attempts)
        : status >= 300 && status < 400
          ? '; redirects are not followed'
          : ''
    throw tusError('ERR_HOOK_FAILED', {
      message: `${where} answered ${status}${detail}`,
      cause: new Error(`hook endpoint answered ${status}: ${excerpt(response.body)}`),
    })
  }
  if (response.tooLarge) {
    throw tusError('ERR_HOOK_FAILED', {
      message: `${where} response larger than ${sizeLimit} bytes`,
    })
  }
  const type = mediaType(response.contentType)
  if (type !== 'application/json') {
    const got =
      response.contentType === undefined
        ? 'without a Content-Type'
        : `with Content-Type ${clip(response.contentType, 100)}`
    throw tusError('ERR_HOOK_FAILED', {
      message: `${where} responded ${got}, want application/json`,
    })
  }
  // Go's json.Unmarshal refuses an empty body too; this says so more plainly.
  if (response.body.length === 0) {
    throw tusError('ERR_HOOK_FAILED', { message: `${where} response is empty, want JSON` })
  }
  try {
    return parseHookResponse(response.body)
  } catch (error) {
    if (!(error instanceof HookResponseError)) throw error
    throw tusError('ERR_HOOK_FAILED', {
      message: `${where} response ${error.message}`,
      cause: error,
    })
  }
}

/** Why the deadline's signal aborted: our timeout, or the caller. */
function stopped(where: string, deadline: Deadline, progress: Progress, timeout: number): TusError {
  const cause = progress.last
  if (deadline.expired) {
    const tries = progress.attempts > 1 ? ` (${progress.attempts} attempts)` : ''
    return tusError('ERR_HOOK_TIMEOUT', {
      message: `${where} did not answer within ${timeout} ms${tries}`,
      ...(cause === undefined ? {} : { cause }),
    })
  }
  const reason: unknown = deadline.signal.reason
  // AbortSignal.timeout() aborts with a DOMException named TimeoutError.
  if (typeof reason === 'object' && reason !== null && (reason as Error).name === 'TimeoutError') {
    return tusError('ERR_HOOK_TIMEOUT', {
      message: `${where} did not answer in time`,
      cause: reason,
    })
  }
  return tusError('ERR_HOOK_FAILED', { message: `${where} aborted`, cause: reason })
}

/** Go's mime.ParseMediaType, leniently: the type before any parameter, lower-cased. */
function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  return (header.split(';', 1)[0] ?? '').trim().toLowerCase()
}

/**
 * A socket error in a few words. Node 20's connection attempts to several
 * addresses fail with an AggregateError whose message is empty; its first
 * error says it then.
 */
function describe(error: unknown): string {
  if (error instanceof AggregateError && error.message === '' && error.errors[0] !== undefined) {
    return describe(error.errors[0])
  }
  if (!(error instanceof Error)) return String(error)
  const code = (error as NodeJS.ErrnoException).code
  return error.message || code || error.name
}

function after(attempts: number): string {
  return attempts > 1 ? ` after ${attempts} attempts` : ''
}

/** At most 200 characters of an error body, for logs only. */
function excerpt(body: Buffer): string {
  return clip(body.toString('utf8'), 200)
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}
