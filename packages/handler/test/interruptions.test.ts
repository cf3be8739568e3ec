import { stat } from 'node:fs/promises'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { type Fixture, fixture, send, TUS } from './harness.js'
import { listen, rawRequest, sleep, until } from './socket.js'

const patchHead = (id: string, offset: number, length: number) => `PATCH /files/${id} HTTP/1.1
Host: tus.example
Tus-Resumable: 1.0.0
Content-Type: application/offset+octet-stream
Upload-Offset: ${offset}
Content-Length: ${length}`

const sizeOf = async (dir: string, id: string) => (await stat(join(dir, id))).size

/** A handler with upload `abc` of 100 000 bytes, served on a socket for the length of `fn`. */
async function withServer(
  options: Parameters<typeof fixture>[0],
  fn: (f: Fixture, port: number) => Promise<void>,
): Promise<void> {
  const f = await fixture(options)
  await f.upload('abc', { Size: 100_000 })
  const server = await listen(f.handler)
  try {
    await fn(f, server.port)
  } finally {
    await server.close()
  }
}

describe('bytes are kept whatever stops a body', () => {
  test('a stalled PATCH gives its lock to a newer HEAD, which sees every byte', () =>
    withServer({}, async (f, port) => {
      const patch = rawRequest(port, patchHead('abc', 0, 100_000))
      patch.socket.write(Buffer.alloc(30_000, 1))
      await until(async () => (await sizeOf(f.dir, 'abc')) === 30_000)
      const head = await send('node', f.handler, {
        method: 'HEAD',
        url: '/files/abc',
        headers: TUS,
      })
      expect(head.status).toBe(200)
      expect(head.headers['upload-offset']).toBe('30000')
      const answer = await patch.response
      expect(answer).toMatch(/^HTTP\/1\.1 400 /)
      expect(answer).toContain('ERR_UPLOAD_INTERRUPTED')
      expect(answer.toLowerCase()).toContain('connection: close')
    }))

  test.each([
    ['closes its connection', 20_000, (socket: Socket) => socket.end()],
    ['resets its connection', 10_000, (socket: Socket) => socket.resetAndDestroy()],
  ])('a client that %s mid-PATCH keeps what arrived', (_, sent, hangUp) =>
    withServer({}, async (f, port) => {
      const patch = rawRequest(port, patchHead('abc', 0, 100_000))
      patch.socket.write(Buffer.alloc(sent, 1))
      await until(async () => (await sizeOf(f.dir, 'abc')) === sent)
      hangUp(patch.socket)
      await patch.response
      await sleep(50)
      const head = await send('node', f.handler, {
        method: 'HEAD',
        url: '/files/abc',
        headers: TUS,
      })
      expect(head.headers['upload-offset']).toBe(String(sent))
    }),
  )

  test('a silent client fails with 500 ERR_READ_TIMEOUT, its bytes kept', () =>
    withServer({ networkTimeout: 300 }, async (f, port) => {
      const started = Date.now()
      const patch = rawRequest(port, patchHead('abc', 0, 100_000))
      patch.socket.write(Buffer.alloc(5_000, 1))
      const answer = await patch.response
      expect(answer).toMatch(/^HTTP\/1\.1 500 /)
      expect(answer).toContain('ERR_READ_TIMEOUT')
      expect(Date.now() - started).toBeGreaterThanOrEqual(250)
      expect(await sizeOf(f.dir, 'abc')).toBe(5_000)
    }))

  test('shutdown ends a PATCH with 503 ERR_SERVER_SHUTDOWN and keeps its bytes', () =>
    withServer({}, async (f, port) => {
      const patch = rawRequest(port, patchHead('abc', 0, 100_000))
      patch.socket.write(Buffer.alloc(7_000, 1))
      await until(async () => (await sizeOf(f.dir, 'abc')) === 7_000)
      await f.handler.shutdown()
      const answer = await patch.response
      expect(answer).toMatch(/^HTTP\/1\.1 503 /)
      expect(answer).toContain('ERR_SERVER_SHUTDOWN')
      const late = await send('fetch', f.handler, {
        method: 'HEAD',
        url: '/files/abc',
        headers: TUS,
      })
      expect(late.status).toBe(503)
      expect(await sizeOf(f.dir, 'abc')).toBe(7_000)
    }))

  test('a lock that is never released times out with 500 ERR_LOCK_TIMEOUT', async () => {
    const { MemoryLocker } = await import('@tus/memorylocker')
    const locker = new MemoryLocker()
    const f = await fixture({ locker, acquireLockTimeout: 200 })
    await f.upload('abc', { Size: 10 })
    await locker.newLock('abc').lock(new AbortController().signal, () => {})
    const answer = await send('fetch', f.handler, {
      method: 'PATCH',
      url: '/files/abc',
      headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' },
      body: 'x',
    })
    expect(answer.status).toBe(500)
    expect(answer.body).toBe('ERR_LOCK_TIMEOUT: failed to acquire lock before timeout\n')
  })
})
