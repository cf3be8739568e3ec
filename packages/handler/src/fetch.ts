import { Readable } from 'node:stream'
import type { ReadableStream as NodeWebStream } from 'node:stream/web'
import type { TusRequest, TusResponse } from './exchange.js'

type Run = (req: TusRequest) => Promise<TusResponse>

const NULL_BODY = new Set([101, 103, 204, 205, 304])

/**
 * The fetch edge: a web Request in, a web Response out. The body is adapted to
 * a Node stream once, at the edge, so the handler and stores see the same
 * byte path as with the Node listener.
 */
export function fetchAdapter(run: Run) {
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const body =
      request.body === null
        ? null
        : Readable.fromWeb(request.body as unknown as NodeWebStream<Uint8Array>)
    const req: TusRequest = {
      method: request.method,
      url: url.pathname + url.search,
      header(name) {
        const value = request.headers.get(name)
        if (value !== null) return value
        return name === 'host' ? url.host : undefined
      },
      headers() {
        const out: Record<string, string[]> = {}
        request.headers.forEach((value, name) => {
          out[name] = [value]
        })
        return out
      },
      secure: url.protocol === 'https:',
      remoteAddr: '',
      body,
    }
    const response = await run(req)
    let responseBody: ConstructorParameters<typeof Response>[0] = null
    if (!NULL_BODY.has(response.status) && request.method !== 'HEAD') {
      const b = response.body
      if (typeof b === 'string') responseBody = b
      else if (b !== undefined) responseBody = Readable.toWeb(b) as unknown as ReadableStream
    } else if (typeof response.body === 'object') {
      response.body.destroy()
    }
    // A body the handler did not read is released here.
    if (body !== null && !body.readableEnded) body.destroy()
    // As in the Node adapter: a HEAD answer's length is no promise for another method.
    const headers = response.headers
    if (responseBody === null && request.method !== 'HEAD' && headers['Content-Length']) {
      headers['Content-Length'] = '0'
    }
    return new Response(responseBody, { status: response.status, headers })
  }
}
