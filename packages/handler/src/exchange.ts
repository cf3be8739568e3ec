import type { Readable } from 'node:stream'
import type { TusError } from '@tus/core'

/**
 * The transport-neutral request the handler works on. The Node adapter fills
 * it from an IncomingMessage without copying the body, the fetch adapter from
 * a web Request; the byte path stays a Node stream either way.
 */
export interface TusRequest {
  /** The HTTP method, upper case. */
  method: string
  /** The raw request target: path and query, as sent. */
  url: string
  /** A header by lower-case name; the first value if repeated. */
  header(name: string): string | undefined
  /** All headers with their values, for hooks and logs. */
  headers(): Record<string, string[]>
  /** True when the connection is TLS. */
  secure: boolean
  /** The client's address, `ip:port` where known. */
  remoteAddr: string
  /** The request body; null when the transport has none. */
  body: Readable | null
  /** Maps an error of `body` to the client-visible reason (a reset, an early end). */
  bodyError?(err: unknown): TusError
}

/** What the handler answers; an adapter turns it into the transport's response. */
export interface TusResponse {
  status: number
  headers: Record<string, string>
  /** A text body, or a stream for downloads. */
  body?: string | Readable
}
