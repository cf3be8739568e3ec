import type { Locker } from '@tus/core'
import { MemoryLocker } from '@tus/memorylocker'
import { expect, test } from 'vitest'
import { fixture, send, TUS } from './harness.js'

test('concurrent HEADs of one upload share reads and all see the current offset', async () => {
  const f = await fixture()
  await f.upload('abc', { Size: 11 }, 'hello')
  let reads = 0
  const getUpload = f.store.getUpload.bind(f.store)
  f.store.getUpload = (id: string) => {
    reads++
    return getUpload(id)
  }
  const answers = await Promise.all(
    Array.from({ length: 50 }, () =>
      send('fetch', f.handler, { method: 'HEAD', url: '/files/abc', headers: TUS }),
    ),
  )
  for (const answer of answers) {
    expect(answer.status).toBe(200)
    expect(answer.headers['upload-offset']).toBe('5')
  }
  expect(reads).toBeLessThan(50)

  // A HEAD after a write sees the write: the shared read is gone once answered.
  const patch = await send('fetch', f.handler, {
    method: 'PATCH',
    url: '/files/abc',
    headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '5' },
    body: ' world',
  })
  expect(patch.status).toBe(204)
  const after = await send('fetch', f.handler, { method: 'HEAD', url: '/files/abc', headers: TUS })
  expect(after.headers['upload-offset']).toBe('11')
})

test.each([
  ['free', false],
  ['granted on the spot', true],
])(
  'a reader lock answered synchronously (%s): the HEAD answers, and holds nothing after',
  async (_, grant) => {
    const inner = new MemoryLocker()
    const calls: string[] = []
    // A locker whose lockIfHeld answers without a promise: `false`, or the lock taken at once.
    const locker: Locker = {
      newLock(id) {
        const lock = inner.newLock(id)
        return {
          lock: (signal, requestRelease) => lock.lock(signal, requestRelease),
          unlock: () => {
            calls.push('unlock')
            return lock.unlock()
          },
          lockIfHeld: (signal, requestRelease) => {
            calls.push('lockIfHeld')
            if (!grant) return false
            void lock.lock(signal, requestRelease)
            return true
          },
        }
      },
    }
    const f = await fixture({ locker })
    await f.upload('abc', { Size: 11 }, 'hello')
    const answer = await send('node', f.handler, {
      method: 'HEAD',
      url: '/files/abc',
      headers: TUS,
    })
    expect(answer.status).toBe(200)
    expect(answer.headers['upload-offset']).toBe('5')
    expect(calls).toEqual(grant ? ['lockIfHeld', 'unlock'] : ['lockIfHeld'])
    // Nothing is left held: a writer gets the lock at once.
    await inner.newLock('abc').lock(AbortSignal.timeout(500), () => {})
  },
)
