import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type HookRequest, newFileInfo } from '@tus/core'
import { afterEach } from 'vitest'

/** A hook request as a test server saw it. */
export interface Received {
  method: string
  url: string
  headers: IncomingHttpHeaders
  /** Names as sent, values in order: [name, value, name, value, ...]. */
  rawHeaders: string[]
  body: string
  /** performance.now() when the request arrived. */
  at: number
}

export interface TestServer {
  /** http://127.0.0.1:<port>/hooks */
  url: string
  port: number
  received: Received[]
}

/** Answers one hook request; `index` counts from 0. Not ending `res` leaves the request hanging. */
export type Respond = (res: ServerResponse, index: number, req: Received) => void

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** A node:http server on 127.0.0.1, port 0, closed (connections and all) after the test. */
export async function hookServer(respond: Respond): Promise<TestServer> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const seen: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      }
      received.push(seen)
      respond(res, received.length - 1, seen)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hooks`, port, received }
}

/** A port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Sends `body` with `Content-Type: application/json` (or `contentType`; null for none). */
export function reply(
  res: ServerResponse,
  status: number,
  body: string,
  contentType: string | null = 'application/json',
): void {
  const headers: Record<string, string> = { 'Content-Length': String(Buffer.byteLength(body)) }
  if (contentType !== null) headers['Content-Type'] = contentType
  res.writeHead(status, headers)
  res.end(body)
}

/** A typical hook request; `type` and upload fields can be changed. */
export function hookRequest(
  type: HookRequest['Type'] = 'post-finish',
  upload: Parameters<typeof newFileInfo>[0] = {},
  header: Record<string, string[]> = {},
): HookRequest {
  return {
    Type: type,
    Event: {
      Upload: newFileInfo({ ID: 'abc', Size: 11, Offset: 11, ...upload }),
      HTTPRequest: {
        Method: 'PATCH',
        URI: '/files/abc',
        RemoteAddr: '127.0.0.1:40000',
        Header: { Host: ['localhost:1080'], 'Tus-Resumable': ['1.0.0'], ...header },
      },
    },
  }
}
