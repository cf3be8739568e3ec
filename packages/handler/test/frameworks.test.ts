import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import Fastify from 'fastify'
import { Upload } from 'tus-js-client'
import { request } from 'undici'
import { describe, expect, test } from 'vitest'
import { fixture } from './harness.js'

/** Uploads `bytes` with tus-js-client and resolves with the upload URL. */
function tusUpload(endpoint: string, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(bytes, {
      endpoint,
      chunkSize: 64 * 1024,
      metadata: { filename: 'photo.png', filetype: 'image/png' },
      retryDelays: [],
      onError: reject,
      onSuccess: () => resolve(upload.url!),
    })
    upload.start()
  })
}

async function roundTrip(origin: string, path: string) {
  const bytes = randomBytes(200 * 1024 + 7)
  const url = await tusUpload(`${origin}${path}`, bytes)
  expect(url.startsWith(`${origin}${path}`)).toBe(true)
  const res = await request(url)
  expect(res.statusCode).toBe(200)
  expect(res.headers['content-disposition']).toBe('inline;filename="photo.png"')
  expect(Buffer.from(await res.body.arrayBuffer()).equals(bytes)).toBe(true)
  const del = await request(url, { method: 'DELETE', headers: { 'Tus-Resumable': '1.0.0' } })
  expect(del.statusCode).toBe(204)
  await del.body.dump()
}

const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    }),
  )

// The README's examples, run for real with tus-js-client.
describe('the Node listener in frameworks', () => {
  test('node:http', async () => {
    const { handler } = await fixture()
    const server = createServer(handler.handle)
    try {
      await roundTrip(await listen(server), '/files/')
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })

  test('Express, mounted on its base path', async () => {
    const { handler } = await fixture({ basePath: '/api/files/' })
    const app = express()
    app.use('/api/files', handler.handle)
    const server = createServer(app)
    try {
      await roundTrip(await listen(server), '/api/files/')
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })

  test('Fastify, with the raw request and reply', async () => {
    const { handler } = await fixture()
    const app = Fastify()
    app.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) =>
      done(null),
    )
    const route = (
      req: { raw: Parameters<typeof handler.handle>[0] },
      reply: { hijack(): void; raw: Parameters<typeof handler.handle>[1] },
    ) => {
      reply.hijack()
      return handler.handle(req.raw, reply.raw)
    }
    app.all('/files', route)
    app.all('/files/*', route)
    try {
      await roundTrip(await app.listen({ port: 0, host: '127.0.0.1' }), '/files/')
    } finally {
      await app.close()
    }
  })

  test('a fetch-style server (the Next.js route handler shape)', async () => {
    const { handler } = await fixture()
    // A fetch-style runtime hands each Request to the exported function.
    const { fetch: POST, fetch: PATCH, fetch: HEAD, fetch: GET } = handler
    const route: Record<string, (r: Request) => Promise<Response>> = { POST, PATCH, HEAD, GET }
    const created = await route.POST!(
      new Request('http://app.example/files/', {
        method: 'POST',
        headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '5' },
      }),
    )
    expect(created.status).toBe(201)
    const location = created.headers.get('location')!
    const patched = await route.PATCH!(
      new Request(location, {
        method: 'PATCH',
        headers: {
          'Tus-Resumable': '1.0.0',
          'Upload-Offset': '0',
          'Content-Type': 'application/offset+octet-stream',
        },
        body: 'hello',
        duplex: 'half',
      } as RequestInit),
    )
    expect(patched.status).toBe(204)
    expect(patched.headers.get('upload-offset')).toBe('5')
    expect(await (await route.GET!(new Request(location))).text()).toBe('hello')
  })
})
