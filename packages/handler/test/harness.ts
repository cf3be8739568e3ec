import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { newFileInfo } from '@tus/core'
import { FileStore } from '@tus/filestore'
import { createTusHandler, type TusHandler, type TusHandlerOptions } from '@tus/handler'
import { MemoryLocker } from '@tus/memorylocker'
import { request } from 'undici'
import { afterEach, describe, expect, test } from 'vitest'

/** A handler over a real FileStore in a fresh temp directory, with a MemoryLocker. */
export interface Fixture {
  handler: TusHandler
  store: FileStore
  dir: string
  /** Creates an upload directly in the store, optionally with bytes. */
  upload(id: string, fields?: Parameters<typeof newFileInfo>[0], bytes?: string): Promise<void>
}

/** Bytes as the async iterable a store's writeChunk takes. */
export async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part)
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

export async function fixture(options: Partial<TusHandlerOptions> = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'tus-handler-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  const store = new FileStore({ directory: dir })
  const handler = createTusHandler({ store, locker: new MemoryLocker(), ...options })
  return {
    handler,
    store,
    dir,
    async upload(id, fields = {}, bytes) {
      const upload = await store.newUpload(newFileInfo({ Size: 11, ...fields, ID: id }))
      if (bytes !== undefined) await upload.writeChunk(0, chunks(bytes))
    },
  }
}

/** An answer as a test sees it, whatever the transport. */
export interface Answer {
  status: number
  headers: Record<string, string>
  body: string
}

export interface Call {
  method: string
  url: string
  headers?: Record<string, string>
  body?: string
}

export type Transport = 'fetch' | 'node'

/** Sends one request through the fetch entry, in process. */
async function viaFetch(handler: TusHandler, call: Call): Promise<Answer> {
  const { chunked, headers: callHeaders } = splitChunked(call.headers)
  void chunked // a fetch Request body has no length of its own anyway
  const init: RequestInit & { duplex?: string } = {
    method: call.method,
    headers: { host: 'tus.example', ...callHeaders },
  }
  if (call.body !== undefined) {
    init.body = call.body
    init.duplex = 'half'
  }
  const res = await handler.fetch(new Request(`http://tus.example${call.url}`, init))
  const headers: Record<string, string> = {}
  res.headers.forEach((v, k) => {
    headers[k] = v
  })
  return { status: res.status, headers, body: await res.text() }
}

/** Sends one request over a real socket to a node:http server running `handler.handle`. */
async function viaNode(handler: TusHandler, call: Call): Promise<Answer> {
  const server: Server = createServer(handler.handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const { port } = server.address() as AddressInfo
    const { chunked, headers: callHeaders } = splitChunked(call.headers)
    const text = call.body
    // A stream body has no length, so undici sends it chunked.
    const body = text === undefined ? null : chunked ? Readable.from([Buffer.from(text)]) : text
    const res = await request(`http://127.0.0.1:${port}${call.url}`, {
      method: call.method as 'GET',
      headers: { host: 'tus.example', ...callHeaders },
      body,
    })
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
    }
    return { status: res.statusCode, headers, body: await res.body.text() }
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

/** `Transfer-Encoding: chunked` in a case means: send the body without a length. */
function splitChunked(headers: Record<string, string> = {}) {
  const rest = { ...headers }
  const chunked = rest['Transfer-Encoding'] === 'chunked'
  delete rest['Transfer-Encoding']
  return { chunked, headers: rest }
}

export function send(transport: Transport, handler: TusHandler, call: Call): Promise<Answer> {
  return transport === 'fetch' ? viaFetch(handler, call) : viaNode(handler, call)
}

/**
 * One row of a request/response table, after tusd's httpTest: a request and
 * what must come back. A header expected as `null` must be absent.
 */
export interface Case extends Call {
  name: string
  options?: Partial<TusHandlerOptions>
  setup?: (f: Fixture) => Promise<void>
  status: number
  responseHeaders?: Record<string, string | RegExp | null>
  responseBody?: string | RegExp
  /** Checks after the answer, e.g. on the stored upload. */
  after?: (f: Fixture, answer: Answer) => Promise<void>
}

export const TUS = { 'Tus-Resumable': '1.0.0' }

/** Runs every case through both entries: the fetch function in process and the Node listener over a socket. */
export function table(title: string, cases: Case[]): void {
  for (const transport of ['fetch', 'node'] as const) {
    describe(`${title} (${transport})`, () => {
      for (const c of cases) {
        test(c.name, async () => {
          const f = await fixture(c.options)
          await c.setup?.(f)
          const answer = await send(transport, f.handler, c)
          expect(answer.status, `${answer.status} ${answer.body}`).toBe(c.status)
          for (const [name, want] of Object.entries(c.responseHeaders ?? {})) {
            const got = answer.headers[name.toLowerCase()]
            if (want === null) expect(got, name).toBeUndefined()
            else if (want instanceof RegExp) expect(got, name).toMatch(want)
            else expect(got, name).toBe(want)
          }
          if (c.responseBody instanceof RegExp) expect(answer.body).toMatch(c.responseBody)
          else if (c.responseBody !== undefined) expect(answer.body).toBe(c.responseBody)
          await c.after?.(f, answer)
        })
      }
    })
  }
}
