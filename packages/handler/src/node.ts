import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import { type TusError, tusError } from '@tus/core'
import type { TusRequest, TusResponse } from './exchange.js'

type Run = (req: TusRequest) => Promise<TusResponse>

/**
 * The Node edge: an IncomingMessage becomes a TusRequest without touching the
 * body (the store reads the socket's chunks as they come), and a TusResponse
 * is written with one writeHead. Express-style mounts are honoured through
 * `originalUrl`.
 */
export function nodeAdapter(run: Run) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let response: TusResponse
    try {
      response = await run(toTusRequest(req))
    } catch {
      // run never rejects; this guards the process against a bug all the same.
      response = {
        status: 500,
        headers: {},
        body: 'ERR_INTERNAL_SERVER_ERROR: internal server error\n',
      }
    }
    send(req, res, response)
  }
}

function toTusRequest(req: IncomingMessage): TusRequest {
  return new NodeRequest(req)
}

/**
 * An IncomingMessage as a TusRequest. A class, so that its methods are shared
 * rather than made anew for every request.
 */
class NodeRequest implements TusRequest {
  readonly method: string
  readonly url: string
  readonly secure: boolean
  readonly body: IncomingMessage
  /** Needs no `this`: the store may call it detached. */
  readonly bodyError: (err: unknown) => TusError = classifyBodyError
  readonly #req: IncomingMessage

  constructor(req: IncomingMessage) {
    this.#req = req
    this.method = req.method ?? 'GET'
    this.url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/'
    this.secure = (req.socket as TLSSocket).encrypted === true
    this.body = req
  }

  header(name: string): string | undefined {
    const value = this.#req.headers[name]
    return Array.isArray(value) ? value[0] : value
  }

  headers(): Record<string, string[]> {
    const out: Record<string, string[]> = {}
    const raw = this.#req.rawHeaders
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!
      const values = out[name] ?? []
      values.push(raw[i + 1]!)
      out[name] = values
    }
    return out
  }

  /** A getter: the peer address costs a system call, and few requests need it. */
  get remoteAddr(): string {
    const socket = this.#req.socket
    return hostPort(socket.remoteAddress, socket.remotePort)
  }
}

/**
 * `ip:port` as Go writes a peer address: an IPv4 client of a dual-stack socket
 * is plain IPv4 (not `::ffff:1.2.3.4`), an IPv6 one is bracketed.
 */
export function hostPort(address: string | undefined, port: number | undefined): string {
  let host = address ?? ''
  if (host.startsWith('::ffff:') && host.includes('.')) host = host.slice('::ffff:'.length)
  else if (host.includes(':')) host = `[${host}]`
  return `${host}:${port ?? ''}`
}

/** A reset connection (RST) is ERR_CONNECTION_RESET; any other early end ERR_UNEXPECTED_EOF. */
function classifyBodyError(err: unknown): TusError {
  const e = err as NodeJS.ErrnoException
  if (e?.code === 'ECONNRESET' && e.message !== 'aborted') return tusError('ERR_CONNECTION_RESET')
  return tusError('ERR_UNEXPECTED_EOF')
}

function send(req: IncomingMessage, res: ServerResponse, response: TusResponse): void {
  if (res.headersSent || res.destroyed) {
    if (typeof response.body === 'object') response.body.destroy()
    return
  }
  const headers = response.headers
  // A body not read to its end cannot be skipped over: close the connection
  // after answering, as tusd does (e.g. after 409 or an interruption).
  if (!req.complete) headers.Connection = 'close'
  const body = response.body
  if (typeof body === 'string') {
    headers['Content-Length'] = String(Buffer.byteLength(body))
    res.writeHead(response.status, headers)
    res.end(body)
  } else if (body !== undefined) {
    res.writeHead(response.status, headers)
    if (req.method === 'HEAD') {
      body.destroy()
      res.end()
    } else {
      pipeline(body, res, () => {})
    }
  } else {
    // A HEAD answer announces the upload's size (tusd); sent for a POST with
    // X-HTTP-Method-Override: HEAD, that length would be a promise of bytes.
    if (req.method !== 'HEAD' && headers['Content-Length'] !== undefined) {
      headers['Content-Length'] = '0'
    }
    res.writeHead(response.status, headers)
    res.end()
  }
  if (!req.complete) {
    // Whatever the client still sends is discarded until the socket closes.
    req.on('error', () => {})
    req.resume()
  }
}
