import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'

/** What one request brought back. */
export interface RawResponse {
  status: number
  /** The Content-Type header as sent, if any. */
  contentType: string | undefined
  /** The body, at most `sizeLimit` bytes of it. */
  body: Buffer
  /** True if the body was longer than `sizeLimit`; reading stopped there. */
  tooLarge: boolean
}

/**
 * The status line arrived but the body did not: the connection broke or
 * closed early. `status` tells whether the request is worth retrying.
 */
export class BodyError extends Error {
  readonly status: number
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'BodyError'
    this.status = status
  }
}

/**
 * One POST of `body` to `url`, with node:http(s) and its default keep-alive
 * agent. Resolves once the body is read or has gone past `sizeLimit` (the
 * connection is then dropped rather than drained, as Go's LimitReader plus
 * Close do). Rejects with the socket's error when no response came, with a
 * BodyError when the body broke off, and with `signal.reason` when `signal`
 * aborts first; the request is torn down in every case. Redirects are not
 * followed.
 */
export function post(
  url: URL,
  headers: OutgoingHttpHeaders,
  body: Buffer,
  sizeLimit: number,
  signal: AbortSignal,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason)
      return
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const req = send(url, { method: 'POST', headers })
    let settled = false
    const settle = (): boolean => {
      if (settled) return false
      settled = true
      signal.removeEventListener('abort', onAbort)
      return true
    }
    const fail = (error: unknown) => {
      if (!settle()) return
      req.destroy()
      reject(error)
    }
    const onAbort = () => fail(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })

    // The status, once the response has begun: a later error is a broken body.
    let status: number | undefined
    const broken = (cause?: unknown) =>
      fail(
        new BodyError(status ?? 0, 'the connection closed before the response body ended', {
          cause,
        }),
      )
    req.on('error', (error) => (status === undefined ? fail(error) : broken(error)))
    req.on('response', (res: IncomingMessage) => {
      status = res.statusCode ?? 0
      const contentType = res.headers['content-type']
      const done = (chunks: Buffer[], tooLarge: boolean) => {
        if (!settle()) return
        const all = Buffer.concat(chunks)
        resolve({
          status: status ?? 0,
          contentType,
          body: all.length > sizeLimit ? all.subarray(0, sizeLimit) : all,
          tooLarge,
        })
        if (tooLarge) req.destroy()
      }
      const declared = Number(res.headers['content-length'])
      if (Number.isFinite(declared) && declared > sizeLimit) {
        done([], true)
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        size += chunk.length
        if (size > sizeLimit) done(chunks, true)
      })
      res.on('end', () => done(chunks, false))
      res.on('error', broken)
      res.on('close', () => {
        if (!res.complete) broken()
      })
    })
    req.end(body)
  })
}
