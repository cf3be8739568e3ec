import { readdir, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { FileStore } from '@tus/filestore'
import { createTusHandler } from '@tus/handler'
import { MemoryLocker } from '@tus/memorylocker'
import { describe, expect, test } from 'vitest'
import { chunks, type Fixture, fixture, TUS, table } from './harness.js'

const HOUR = 3_600_000
const OCTET = { 'Content-Type': 'application/offset+octet-stream' }
const ON = { expiration: HOUR, expirationInterval: 0 }
/** An HTTP date (IMF-fixdate). */
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/

/** Makes upload `id` look last written `ms` ago. */
async function age(f: Fixture, id: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms)
  await utimes(join(f.dir, id), then, then)
}

/** An unfinished upload written two hours ago, and a finished one as old. */
async function old(f: Fixture): Promise<void> {
  await f.upload('stale', { Size: 11 }, 'hello')
  await age(f, 'stale', 2 * HOUR)
  await f.upload('done', { Size: 5 }, 'hello')
  await age(f, 'done', 2 * HOUR)
}

/** Upload-Expires is an HTTP date about `ms` from now. */
function expiresIn(ms: number) {
  return (value: string | undefined) => {
    expect(value).toMatch(HTTP_DATE)
    const at = Date.parse(value!)
    expect(Math.abs(at - (Date.now() + ms))).toBeLessThan(5_000)
  }
}

table('expiration', [
  {
    name: 'POST: Upload-Expires a whole period ahead',
    options: ON,
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '11' },
    status: 201,
    after: async (_f, answer) => expiresIn(HOUR)(answer.headers['upload-expires']),
  },
  {
    name: 'POST of a finished (empty) upload: no Upload-Expires',
    options: ON,
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '0' },
    status: 201,
    responseHeaders: { 'Upload-Expires': null },
  },
  {
    name: 'HEAD: Upload-Expires from the last write',
    options: ON,
    setup: async (f) => {
      await f.upload('abc', { Size: 11 }, 'hello')
      await age(f, 'abc', HOUR / 2)
    },
    method: 'HEAD',
    url: '/files/abc',
    headers: TUS,
    status: 200,
    after: async (_f, answer) => expiresIn(HOUR / 2)(answer.headers['upload-expires']),
  },
  {
    name: 'PATCH: a write moves Upload-Expires a whole period ahead',
    options: ON,
    setup: async (f) => {
      await f.upload('abc', { Size: 11 }, 'hello')
      await age(f, 'abc', HOUR / 2)
    },
    method: 'PATCH',
    url: '/files/abc',
    headers: { ...TUS, ...OCTET, 'Upload-Offset': '5' },
    body: ' wor',
    status: 204,
    after: async (_f, answer) => expiresIn(HOUR)(answer.headers['upload-expires']),
  },
  {
    name: 'PATCH that finishes the upload: no Upload-Expires',
    options: ON,
    setup: (f) => f.upload('abc', { Size: 11 }, 'hello'),
    method: 'PATCH',
    url: '/files/abc',
    headers: { ...TUS, ...OCTET, 'Upload-Offset': '5' },
    body: ' world',
    status: 204,
    responseHeaders: { 'Upload-Expires': null },
  },
  {
    name: 'HEAD of an expired upload is 410 ERR_UPLOAD_EXPIRED',
    options: ON,
    setup: old,
    method: 'HEAD',
    url: '/files/stale',
    headers: TUS,
    status: 410,
  },
  {
    name: 'PATCH of an expired upload is 410 and writes nothing',
    options: ON,
    setup: old,
    method: 'PATCH',
    url: '/files/stale',
    headers: { ...TUS, ...OCTET, 'Upload-Offset': '5' },
    body: ' world',
    status: 410,
    responseBody: 'ERR_UPLOAD_EXPIRED: upload has expired\n',
    after: async (f) => {
      expect((await (await f.store.getUpload('stale')).getInfo()).Offset).toBe(5)
    },
  },
  {
    name: 'GET of an expired upload is 410',
    options: ON,
    setup: old,
    method: 'GET',
    url: '/files/stale',
    status: 410,
  },
  {
    name: 'a finished upload never expires',
    options: ON,
    setup: old,
    method: 'HEAD',
    url: '/files/done',
    headers: TUS,
    status: 200,
    responseHeaders: { 'Upload-Expires': null },
  },
  {
    name: 'an expired upload can still be terminated',
    options: ON,
    setup: old,
    method: 'DELETE',
    url: '/files/stale',
    headers: TUS,
    status: 204,
  },
  {
    name: 'off by default: no header, no expiry',
    setup: old,
    method: 'HEAD',
    url: '/files/stale',
    headers: TUS,
    status: 200,
    responseHeaders: { 'Upload-Expires': null },
  },
])

describe('the expiration sweep', () => {
  test('removes expired unfinished uploads, and nothing else', async () => {
    const f = await fixture(ON)
    await old(f)
    await f.upload('fresh', { Size: 11 }, 'hi')
    expect(await f.handler.sweepExpired()).toBe(1)
    expect((await readdir(f.dir)).sort()).toEqual(['done', 'done.info', 'fresh', 'fresh.info'])
    expect(await f.handler.sweepExpired()).toBe(0)
  })

  test('runs by itself every expirationInterval', async () => {
    const f = await fixture({ expiration: HOUR, expirationInterval: 50 })
    await old(f)
    await expect.poll(() => readdir(f.dir), { timeout: 2_000 }).not.toContain('stale')
    await f.handler.shutdown()
  })

  test('spares an upload that took bytes while the sweep waited for its lock', async () => {
    const locker = new MemoryLocker()
    const f = await fixture({ ...ON, locker })
    await old(f)
    // A request holds the lock; when the sweep asks for it, the request
    // writes (as a PATCH being interrupted saves its bytes) and lets go.
    const lock = locker.newLock('stale')
    let asked = false
    await lock.lock(new AbortController().signal, () => {
      asked = true
      void (async () => {
        const upload = await f.store.getUpload('stale')
        await upload.writeChunk(5, chunks(' w'))
        await lock.unlock()
      })()
    })
    expect(await f.handler.sweepExpired()).toBe(0)
    expect(asked).toBe(true)
    expect(await readdir(f.dir)).toContain('stale')
  })

  test('needs a store that can list and terminate uploads', () => {
    const files = new FileStore({ directory: '/nonexistent' })
    const store = {
      newUpload: files.newUpload.bind(files),
      getUpload: files.getUpload.bind(files),
    }
    expect(() => createTusHandler({ store, expiration: 1000 })).toThrow(/list and terminate/)
  })
})
