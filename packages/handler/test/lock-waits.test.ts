import { type Lock, type Locker, tusError } from '@tus/core'
import { MemoryLocker } from '@tus/memorylocker'
import { describe, expect, test } from 'vitest'
import { LockWaits } from '../src/lock-waits.js'
import { fixture, send, TUS } from './harness.js'

const patch = (id: string) => ({
  method: 'PATCH',
  url: `/files/${id}`,
  headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' },
  body: 'x',
})

/** Resolves with the signal's reason once it aborts. */
const aborted = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) =>
    signal.addEventListener('abort', () => resolve(signal.reason), { once: true }),
  )

describe('LockWaits', () => {
  test('waits that begin together share a signal; a later one gets its own', async () => {
    const waits = new LockWaits(160) // slots of 10 ms
    const a = waits.begin()
    const b = waits.begin()
    expect(b.signal).toBe(a.signal)
    await new Promise((resolve) => setTimeout(resolve, 15))
    const c = waits.begin()
    expect(c.signal).not.toBe(a.signal)
    for (const wait of [a, b, c]) wait.end()
  })

  test('a signal aborts with ERR_LOCK_TIMEOUT between the timeout and 17/16 of it', async () => {
    const waits = new LockWaits(320) // slots of 20 ms
    const start = performance.now()
    const wait = waits.begin()
    const reason = await aborted(wait.signal)
    const elapsed = performance.now() - start
    wait.end()
    expect(reason).toMatchObject({ code: 'ERR_LOCK_TIMEOUT', status: 500 })
    expect(elapsed).toBeGreaterThanOrEqual(319)
    expect(elapsed).toBeLessThan(340 + 100) // 340 at most, plus a busy machine's timer slack
  })

  test('abortAll aborts every open slot with its reason; later waits get a fresh signal', () => {
    const waits = new LockWaits(20_000)
    const wait = waits.begin()
    waits.abortAll(tusError('ERR_SERVER_SHUTDOWN'))
    expect(wait.signal.aborted).toBe(true)
    expect(wait.signal.reason).toMatchObject({ code: 'ERR_SERVER_SHUTDOWN' })
    const next = waits.begin()
    expect(next.signal.aborted).toBe(false)
    wait.end()
    next.end()
    waits.abortAll(tusError('ERR_SERVER_SHUTDOWN'))
  })
})

describe('the handler waiting for a lock', () => {
  test('times out with ERR_LOCK_TIMEOUT within 17/16 of acquireLockTimeout', async () => {
    const locker = new MemoryLocker()
    const f = await fixture({ locker, acquireLockTimeout: 320 })
    await f.upload('abc', { Size: 10 })
    await locker.newLock('abc').lock(new AbortController().signal, () => {})
    const start = performance.now()
    const answer = await send('fetch', f.handler, patch('abc'))
    const elapsed = performance.now() - start
    expect(answer.body).toBe('ERR_LOCK_TIMEOUT: failed to acquire lock before timeout\n')
    expect(elapsed).toBeGreaterThanOrEqual(319)
    expect(elapsed).toBeLessThan(340 + 150)
  })

  test('shutdown answers a waiting request at once and takes it out of the queue', async () => {
    const locker = new MemoryLocker()
    const f = await fixture({ locker, acquireLockTimeout: 20_000 })
    await f.upload('abc', { Size: 10 })
    const holder = locker.newLock('abc')
    await holder.lock(new AbortController().signal, () => {})
    const waiting = send('fetch', f.handler, patch('abc'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    const start = performance.now()
    await f.handler.shutdown()
    const answer = await waiting
    expect(answer.status).toBe(503)
    expect(answer.body).toContain('ERR_SERVER_SHUTDOWN')
    expect(performance.now() - start).toBeLessThan(1_000)
    // Nobody waits any more: once the holder lets go, the lock is free.
    await holder.unlock()
    const next = locker.newLock('abc')
    const signal = AbortSignal.timeout(100)
    await expect(next.lock(signal, () => {})).resolves.toBeUndefined()
  })

  test('a lock granted after its request was interrupted is given back', async () => {
    // A locker that ignores the signal and grants only when told to.
    let grant: () => void = () => {}
    let unlocked = 0
    const lock: Lock = {
      lock: () => new Promise<void>((resolve) => (grant = resolve)),
      unlock: async () => {
        unlocked++
      },
    }
    const locker: Locker = { newLock: () => lock }
    const f = await fixture({ locker })
    await f.upload('abc', { Size: 10 })
    const waiting = send('fetch', f.handler, patch('abc'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    await f.handler.shutdown()
    expect((await waiting).status).toBe(503)
    expect(unlocked).toBe(0)
    grant()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(unlocked).toBe(1)
  })
})
