import { getEventListeners, setMaxListeners } from 'node:events'
import { hasErrorCode } from '@tus/core'
import { MemoryLocker } from '@tus/memorylocker'
import { describe, expect, test } from 'vitest'

const noop = () => {}

/** Resolves after pending microtasks and one macrotask turn. */
const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('MemoryLocker', () => {
  test('removes its abort listener once a waiter is served or gives up', async () => {
    const locker = new MemoryLocker()
    const holder = locker.newLock('a')
    await holder.lock(new AbortController().signal, noop)

    const served = new AbortController()
    const waiter = locker.newLock('a')
    const waiting = waiter.lock(served.signal, noop)
    expect(getEventListeners(served.signal, 'abort')).toHaveLength(1)
    await holder.unlock()
    await waiting
    expect(getEventListeners(served.signal, 'abort')).toHaveLength(0)

    const quitting = new AbortController()
    const quitter = locker.newLock('a').lock(quitting.signal, noop)
    quitting.abort()
    await expect(quitter).rejects.toSatisfy((err) => hasErrorCode(err, 'ERR_LOCK_TIMEOUT'))
    expect(getEventListeners(quitting.signal, 'abort')).toHaveLength(0)
    await waiter.unlock()
  })

  test('one long-lived signal over many contended cycles keeps no listener', async () => {
    const locker = new MemoryLocker()
    const signal = new AbortController().signal
    setMaxListeners(0, signal)
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        const lock = locker.newLock('shared')
        await lock.lock(signal, noop)
        await tick()
        await lock.unlock()
      }),
    )
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
  })

  test("calls the holder's requestRelease once per new waiter", async () => {
    const locker = new MemoryLocker()
    let calls = 0
    const holder = locker.newLock('a')
    await holder.lock(new AbortController().signal, () => calls++)
    const signal = new AbortController().signal
    const waiters = [1, 2, 3].map(() => locker.newLock('a'))
    const waiting = waiters.map((lock) => lock.lock(signal, noop))
    expect(calls).toBe(3)
    await holder.unlock()
    for (const [index, lock] of waiters.entries()) {
      await waiting[index]
      await lock.unlock()
    }
    expect(calls).toBe(3)
  })

  test('a requestRelease that throws fails only that waiter', async () => {
    const locker = new MemoryLocker()
    const holder = locker.newLock('a')
    await holder.lock(new AbortController().signal, () => {
      throw new Error('boom')
    })
    const signal = new AbortController().signal
    await expect(locker.newLock('a').lock(signal, noop)).rejects.toThrow('boom')
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
    await holder.unlock()
    const next = locker.newLock('a')
    await next.lock(signal, noop)
    await next.unlock()
  })

  test('a holder that unlocks from inside requestRelease hands over at once', async () => {
    const locker = new MemoryLocker()
    const holder = locker.newLock('a')
    await holder.lock(new AbortController().signal, () => void holder.unlock())
    await locker.newLock('a').lock(AbortSignal.timeout(1000), noop)
  })

  test('lock on a held handle resolves; a second wait on one handle rejects', async () => {
    const locker = new MemoryLocker()
    const signal = new AbortController().signal
    const holder = locker.newLock('a')
    await holder.lock(signal, noop)
    await holder.lock(signal, noop)
    const waiter = locker.newLock('a')
    const waiting = waiter.lock(signal, noop)
    await expect(waiter.lock(signal, noop)).rejects.toThrow('already waiting')
    await holder.unlock()
    await waiting
    await waiter.unlock()
  })

  test('uncontended lock and unlock are cheap: 100 000 cycles well under a second', async () => {
    const locker = new MemoryLocker()
    const signal = new AbortController().signal
    const started = performance.now()
    for (let i = 0; i < 100_000; i++) {
      const lock = locker.newLock(`id-${i & 63}`)
      await lock.lock(signal, noop)
      await lock.unlock()
    }
    expect(performance.now() - started).toBeLessThan(1000)
  })

  test('64 concurrent requests on one upload are served in order, quickly', async () => {
    const locker = new MemoryLocker()
    const signal = AbortSignal.timeout(5000)
    setMaxListeners(0, signal)
    const order: number[] = []
    const started = performance.now()
    await Promise.all(
      Array.from({ length: 64 }, async (_, index) => {
        const lock = locker.newLock('hot')
        await lock.lock(signal, noop)
        order.push(index)
        await tick()
        await lock.unlock()
      }),
    )
    expect(order).toEqual(Array.from({ length: 64 }, (_, index) => index))
    expect(performance.now() - started).toBeLessThan(500)
  })
})
