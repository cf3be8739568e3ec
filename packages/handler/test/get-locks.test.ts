import type { Readable } from 'node:stream'
import { type ContentServerDataStore, type Lock, type Locker, tusError } from '@tus/core'
import { readAll } from '@tus/core/testing'
import { createTusHandler } from '@tus/handler'
import { MemoryLocker } from '@tus/memorylocker'
import { describe, expect, test } from 'vitest'
import { coreOnly, currentEtag, getRequest, HELLO, stored } from './get-fixtures.js'
import { fixture, send, TUS } from './harness.js'

/**
 * GET and the upload's lock. A finished upload is served without the lock:
 * nothing waits for it and nothing is interrupted by it. An unfinished upload
 * is read under the lock, which is let go as soon as the stream is open. A
 * store without the ContentServer capability keeps tusd's behaviour: the lock
 * is held until the stream ends.
 */

/** A MemoryLocker that counts the locks the handler asks for. */
class CountingLocker implements Locker {
  readonly #inner = new MemoryLocker()
  asked = 0

  newLock(id: string): Lock {
    this.asked++
    return this.#inner.newLock(id)
  }
}

/** Holds upload `id`'s lock as another request would; `onRequest` runs when someone asks for it. */
async function hold(locker: Locker, id: string, onRequest: (lock: Lock) => void = () => {}) {
  const lock = locker.newLock(id)
  await lock.lock(new AbortController().signal, () => onRequest(lock))
  return lock
}

/** Whether upload `id`'s lock can be taken within `ms`. */
async function lockable(locker: Locker, id: string, ms = 200): Promise<boolean> {
  const lock = locker.newLock(id)
  try {
    await lock.lock(AbortSignal.timeout(ms), () => {})
  } catch {
    return false
  }
  await lock.unlock()
  return true
}

const text = async (body: unknown) => Buffer.from(await readAll(body as Readable)).toString()

for (const transport of ['fetch', 'node'] as const) {
  describe(`GET of a finished upload takes no lock (${transport})`, () => {
    test('answers at once while another request holds the lock, without disturbing it', async () => {
      const locker = new MemoryLocker()
      // Were GET to wait for the lock, it would answer 500 ERR_LOCK_TIMEOUT.
      const f = await fixture({ locker, acquireLockTimeout: 1000 })
      await stored(f)
      let releaseRequests = 0
      const holder = await hold(locker, 'abc', () => releaseRequests++)

      const whole = await send(transport, f.handler, { method: 'GET', url: '/files/abc' })
      expect(whole.status).toBe(200)
      expect(whole.body).toBe(HELLO)
      const ranged = await send(transport, f.handler, {
        method: 'GET',
        url: '/files/abc',
        headers: { Range: 'bytes=-5' },
      })
      expect(ranged.status).toBe(206)
      expect(ranged.body).toBe('world')
      const notModified = await send(transport, f.handler, {
        method: 'GET',
        url: '/files/abc',
        headers: { 'If-None-Match': await currentEtag(f) },
      })
      expect(notModified.status).toBe(304)

      expect(releaseRequests, 'the holder was asked to let go').toBe(0)
      await holder.unlock()
    })

    test('asks the locker for nothing; an unfinished upload still does', async () => {
      const locker = new CountingLocker()
      const f = await fixture({ locker })
      await stored(f)
      await stored(f, 'hello', 11, 'unfinished')
      const finished = await send(transport, f.handler, { method: 'GET', url: '/files/abc' })
      expect(finished.status).toBe(200)
      expect(locker.asked).toBe(0)
      const unfinished = await send(transport, f.handler, {
        method: 'GET',
        url: '/files/unfinished',
      })
      expect(unfinished.status).toBe(200)
      expect(unfinished.body).toBe('hello')
      expect(locker.asked).toBe(1)
    })

    test('many concurrent GETs all succeed while the lock is held', async () => {
      const locker = new MemoryLocker()
      const f = await fixture({ locker, acquireLockTimeout: 1000 })
      const bytes = Buffer.alloc(256 * 1024, 'abcdefgh').toString()
      await stored(f, bytes)
      const holder = await hold(locker, 'abc')
      const answers = await Promise.all(
        Array.from({ length: 48 }, (_, i) =>
          send(transport, f.handler, {
            method: 'GET',
            url: '/files/abc',
            headers: i % 2 === 0 ? {} : { Range: `bytes=${i * 1000}-${i * 1000 + 4999}` },
          }),
        ),
      )
      answers.forEach((answer, i) => {
        if (i % 2 === 0) {
          expect(answer.status).toBe(200)
          expect(answer.body === bytes, `GET ${i}: the whole upload`).toBe(true)
        } else {
          expect(answer.status).toBe(206)
          expect(answer.body).toBe(bytes.slice(i * 1000, i * 1000 + 5000))
        }
      })
      await holder.unlock()
    })
  })

  describe(`GET of an unfinished upload takes the lock (${transport})`, () => {
    test('asks the holder to let go, as tusd v2, and sees every byte', async () => {
      const locker = new MemoryLocker()
      const f = await fixture({ locker })
      await stored(f, 'hello', 11)
      let releaseRequests = 0
      await hold(locker, 'abc', (lock) => {
        releaseRequests++
        void lock.unlock()
      })
      const answer = await send(transport, f.handler, { method: 'GET', url: '/files/abc' })
      expect(answer.status).toBe(200)
      expect(answer.body).toBe('hello')
      expect(releaseRequests).toBe(1)
    })

    test('waits for a holder that does not let go: 500 ERR_LOCK_TIMEOUT', async () => {
      const locker = new MemoryLocker()
      const f = await fixture({ locker, acquireLockTimeout: 200 })
      await stored(f, 'hello', 11)
      const holder = await hold(locker, 'abc')
      const answer = await send(transport, f.handler, { method: 'GET', url: '/files/abc' })
      expect(answer.status).toBe(500)
      expect(answer.body).toContain('ERR_LOCK_TIMEOUT')
      await holder.unlock()
    })
  })
}

describe('GET and the lock, in the handler', () => {
  test('an unfinished upload: the lock is free once the stream is open; the body keeps its length', async () => {
    const locker = new MemoryLocker()
    const f = await fixture({ locker })
    await stored(f, 'hello', 11)
    const response = await f.handler.run(getRequest('/files/abc'))
    expect(response.status).toBe(200)
    expect(response.headers['Content-Length']).toBe('5')
    // The body is not read yet, and the upload's lock is free: a PATCH goes on.
    expect(await lockable(locker, 'abc')).toBe(true)
    const patch = await send('fetch', f.handler, {
      method: 'PATCH',
      url: '/files/abc',
      headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '5' },
      body: ' world',
    })
    expect(patch.status).toBe(204)
    expect(await text(response.body)).toBe('hello')
  })

  test('a finished upload: DELETE is not held up by a download in progress', async () => {
    const f = await fixture()
    await stored(f)
    const response = await f.handler.run(getRequest('/files/abc'))
    expect(response.status).toBe(200)
    const deleted = await send('fetch', f.handler, {
      method: 'DELETE',
      url: '/files/abc',
      headers: TUS,
    })
    expect(deleted.status).toBe(204)
    // The open stream still gives every byte it promised.
    expect(await text(response.body)).toBe(HELLO)
    const gone = await send('fetch', f.handler, { method: 'GET', url: '/files/abc' })
    expect(gone.status).toBe(404)
  })

  test('a store without ContentServer holds the lock until the stream ends, as tusd', async () => {
    const locker = new MemoryLocker()
    const f = await fixture()
    await stored(f)
    const handler = createTusHandler({ store: coreOnly(f.store), locker })
    const response = await handler.run(getRequest('/files/abc'))
    expect(response.status).toBe(200)
    expect(await lockable(locker, 'abc')).toBe(false)
    expect(await text(response.body)).toBe(HELLO)
    expect(await lockable(locker, 'abc')).toBe(true)
  })

  test('ERR_INCOMPLETE_UPLOAD without the lock: served under the lock, once finished', async () => {
    const locker = new MemoryLocker()
    const f = await fixture()
    await stored(f)
    // As a store that completes uploads lazily: finished bytes, not yet servable.
    const state = { completed: false }
    const handler = createTusHandler({ store: lazy(f.store, state), locker })
    let releaseRequests = 0
    await hold(locker, 'abc', (lock) => {
      releaseRequests++
      // The holder (the PATCH that wrote the last byte) completes the upload, then lets go.
      state.completed = true
      void lock.unlock()
    })
    const answer = await send('fetch', handler, { method: 'GET', url: '/files/abc' })
    expect(answer.status).toBe(200)
    expect(answer.body).toBe(HELLO)
    expect(releaseRequests).toBe(1)
  })

  test('ERR_INCOMPLETE_UPLOAD under the lock too: the 400 is the answer', async () => {
    const f = await fixture()
    await stored(f)
    const handler = createTusHandler({
      store: lazy(f.store, { completed: false }),
      locker: new MemoryLocker(),
    })
    const answer = await send('fetch', handler, { method: 'GET', url: '/files/abc' })
    expect(answer.status).toBe(400)
    expect(answer.body).toBe('ERR_INCOMPLETE_UPLOAD: cannot stream non-finished upload\n')
  })
})

/**
 * The core methods of `store`, serving content only once `state.completed`
 * is set (until then ERR_INCOMPLETE_UPLOAD), like tusd's s3store before the
 * multipart upload is completed.
 */
function lazy(
  store: ContentServerDataStore,
  state: { completed: boolean },
): ContentServerDataStore {
  const notYet = () => Promise.reject(tusError('ERR_INCOMPLETE_UPLOAD'))
  return {
    ...coreOnly(store),
    asServableUpload(upload) {
      const servable = store.asServableUpload(upload)
      return {
        contentInfo: () => (state.completed ? servable.contentInfo() : notYet()),
        createReadStream: (range) =>
          state.completed ? servable.createReadStream(range) : notYet(),
      }
    },
  }
}
