import { createHash } from 'node:crypto'
import { connect, type Socket } from 'node:net'

/**
 * Requests for the e2e tests: tus over fetch for the ordinary cases, raw
 * HTTP/1.1 over node:net for what fetch cannot do (stall, hang up mid-body,
 * send paths that fetch would normalise).
 */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

/** `promise`, or a rejection naming `what` after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

// ---------------------------------------------------------------------------
// tus requests over fetch

export const TUS = { 'Tus-Resumable': '1.0.0' }

/** POST: creates an upload of `length` bytes; returns its absolute URL. */
export async function createUpload(
  tusd: { readonly url: string },
  length: number,
  headers: Record<string, string> = {},
) {
  const res = await fetch(tusd.url, {
    method: 'POST',
    headers: { ...TUS, 'Upload-Length': String(length), ...headers },
  })
  if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${await res.text()}`)
  const location = res.headers.get('location')
  if (!location) throw new Error('POST answered without Location')
  return new URL(location, tusd.url).href
}

export interface HeadAnswer {
  status: number
  /** Upload-Offset; NaN when missing. */
  offset: number
  headers: Headers
}

/** HEAD: the status and Upload-Offset. */
export async function headUpload(url: string): Promise<HeadAnswer> {
  const res = await fetch(url, { method: 'HEAD', headers: TUS })
  return {
    status: res.status,
    offset: Number(res.headers.get('upload-offset') ?? Number.NaN),
    headers: res.headers,
  }
}

/** PATCH `data` at `offset`. */
export async function patchUpload(url: string, offset: number, data: Uint8Array) {
  const res = await fetch(url, {
    method: 'PATCH',
    headers: {
      ...TUS,
      'Content-Type': 'application/offset+octet-stream',
      'Upload-Offset': String(offset),
    },
    body: data,
  })
  return {
    status: res.status,
    offset: Number(res.headers.get('upload-offset') ?? Number.NaN),
    body: await res.text(),
  }
}

/** GET: the bytes of an upload. */
export async function download(url: string): Promise<Buffer> {
  const res = await fetch(url)
  if (res.status !== 200) throw new Error(`GET answered ${res.status}: ${await res.text()}`)
  return Buffer.from(await res.arrayBuffer())
}

/**
 * The offset once it stopped moving: HEAD until two answers 100 ms apart agree
 * (the server may still be saving the last bytes of a broken request).
 */
export async function settledOffset(url: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let last = Number.NaN
  while (Date.now() < deadline) {
    const { status, offset } = await headUpload(url)
    if (status !== 200) throw new Error(`HEAD answered ${status}`)
    if (offset === last) return offset
    last = offset
    await sleep(100)
  }
  throw new Error(`offset did not settle within ${timeoutMs} ms (last ${last})`)
}

// ---------------------------------------------------------------------------
// Raw HTTP/1.1 over node:net, for what fetch cannot do: stall, hang up mid-body, send odd paths.

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** The request line and headers, ready to write (a Host header is added). */
export function requestHead(
  method: string,
  path: string,
  headers: Record<string, string | number> = {},
): string {
  let head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`
  return `${head}\r\n`
}

export interface RawConnection {
  readonly socket: Socket
  /** Writes and resolves once the data was handed to the kernel. */
  write(data: string | Uint8Array): Promise<void>
  /** The first response on this connection; rejects if the connection closes before one is complete. */
  readonly response: Promise<RawResponse>
  /** Resolves when the connection is closed (by either side). */
  readonly closed: Promise<void>
}

function parseResponse(data: Buffer, ended: boolean, head: boolean): RawResponse | undefined {
  const end = data.indexOf('\r\n\r\n')
  if (end === -1) return undefined
  const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const status = Number(statusLine.split(' ')[1])
  const rest = data.subarray(end + 4)
  if (head || status === 204 || status === 304) return { status, headers, body: '' }
  const length = headers['content-length']
  if (length !== undefined) {
    if (rest.length < Number(length)) return undefined
    return { status, headers, body: rest.subarray(0, Number(length)).toString('utf8') }
  }
  return ended ? { status, headers, body: rest.toString('utf8') } : undefined
}

/** Opens a connection to `port` on 127.0.0.1. `head`: the response has no body (HEAD). */
export async function openRaw(
  port: number,
  options: { head?: boolean } = {},
): Promise<RawConnection> {
  const socket = connect({ port, host: '127.0.0.1' })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  let data = Buffer.alloc(0)
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  const response = new Promise<RawResponse>((resolve, reject) => {
    const check = (ended: boolean) => {
      const parsed = parseResponse(data, ended, options.head === true)
      if (parsed) resolve(parsed)
      else if (ended)
        reject(
          new Error(
            `connection closed without a complete response: ${JSON.stringify(data.toString('latin1'))}`,
          ),
        )
    }
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk])
      check(false)
    })
    socket.on('error', () => {}) // resets are expected in these tests; `close` follows
    socket.once('close', () => check(true))
  })
  response.catch(() => {}) // a test that does not look at the response must not fail for it
  return {
    socket,
    write: (chunk) =>
      new Promise((resolve, reject) =>
        socket.write(chunk, (error) => (error ? reject(error) : resolve())),
      ),
    response,
    closed,
  }
}

/** One complete request on a fresh connection; the connection is closed afterwards. */
export async function rawRequest(
  port: number,
  request: string | Uint8Array,
  options: { head?: boolean } = {},
) {
  const connection = await openRaw(port, options)
  try {
    await connection.write(request)
    return await withTimeout(connection.response, 10_000, 'raw response')
  } finally {
    connection.socket.destroy()
  }
}

/** A PATCH head for `path` with a body of `length` bytes at `offset`. */
export function patchHead(path: string, offset: number, length: number): string {
  return requestHead('PATCH', path, {
    'Tus-Resumable': '1.0.0',
    'Content-Type': 'application/offset+octet-stream',
    'Upload-Offset': offset,
    'Content-Length': length,
  })
}
