import { getEventListeners } from 'node:events'
import { rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { hasErrorCode, type Lock } from '@tus/core'
import { FileLocker, type FileLockerOptions } from '@tus/filelocker'
import { describe, expect, test } from 'vitest'
import { leftovers, noop, recordingLogger, tempDir } from './helpers.js'

/**
 * Two FileLockers in one process share nothing in memory: between them,
 * locks behave as between two processes (release requests through `.stop`,
 * hand-over through the folder), with the holder alive by its pid.
 */
async function pair(options: Partial<FileLockerOptions> = {}) {
  const directory = await tempDir()
  return {
    directory,
    a: new FileLocker({ linger: 0, directory, ...options }),
    b: new FileLocker({ linger: 0, directory, ...options }),
  }
}

/** Resolves when `fn` has been called; rejects after `ms`. */
function called(ms: number) {
  let resolve: (at: number) => void = noop
  const promise = new Promise<number>((r) => {
    resolve = r
  })
  const timer = setTimeout(() => resolve(-1), ms)
  return {
    promise,
    fn: () => {
      clearTimeout(timer)
      resolve(Date.now())
    },
  }
}

/** Takes `holder`'s lock; when asked to release, records when and unlocks soon after. */
async function holdUntilAsked(holder: Lock) {
  const request = called(3000)
  await holder.lock(AbortSignal.timeout(1000), () => {
    request.fn()
    setTimeout(() => void holder.unlock(), 10)
  })
  return request
}

/**
 * `holder` takes the lock, then `acquire` starts; asserts that the holder was
 * asked to release within a second. Resolves with what `acquire` resolves.
 */
async function askedWithinASecond<T>(holder: Lock, acquire: () => T | Promise<T>): Promise<T> {
  const request = await holdUntilAsked(holder)
  const askedAt = Date.now()
  const acquiring = acquire()
  const requestedAt = await request.promise
  expect(requestedAt).toBeGreaterThan(0)
  expect(requestedAt - askedAt).toBeLessThan(1000)
  return acquiring
}

describe('FileLocker between lockers that share only the folder', () => {
  test('a release request arrives within a second, with the defaults', async () => {
    const { directory, a, b } = await pair()
    const waiter = b.newLock('x')
    await askedWithinASecond(a.newLock('x'), () => waiter.lock(AbortSignal.timeout(5000), noop))
    await waiter.unlock()
    expect(await leftovers(directory)).toEqual([])
  })

  test('with watch off, polling alone hands over within the poll interval', async () => {
    const { a, b } = await pair({ watch: false, acquirerPollInterval: 100 })
    const holder = a.newLock('x')
    await holder.lock(AbortSignal.timeout(1000), noop)
    const waiter = b.newLock('x')
    let lockedAt = 0
    const locked = waiter.lock(AbortSignal.timeout(5000), noop).then(() => {
      lockedAt = Date.now()
    })
    await sleep(250)
    expect(lockedAt).toBe(0)
    const unlockedAt = Date.now()
    await holder.unlock()
    await locked
    expect(lockedAt - unlockedAt).toBeLessThan(400)
    await waiter.unlock()
  })

  test('a waiter elsewhere asks each local holder in turn; then it gets the lock', async () => {
    const { directory, a, b } = await pair({ holderPollInterval: 50 })
    const first = a.newLock('x')
    const second = a.newLock('x')
    const firstAsked = called(3000)
    const secondAsked = called(3000)
    await first.lock(AbortSignal.timeout(1000), firstAsked.fn)
    // A local waiter asks the local holder directly, and queues.
    const secondLocked = second.lock(AbortSignal.timeout(5000), secondAsked.fn)
    expect(await firstAsked.promise).toBeGreaterThan(0)
    const remote = b.newLock('x')
    let remoteLocked = false
    const remoteDone = remote.lock(AbortSignal.timeout(5000), noop).then(() => {
      remoteLocked = true
    })
    await sleep(200)
    // Hand-over within the process: the next local holder hears of the remote waiter.
    await first.unlock()
    await secondLocked
    expect(await secondAsked.promise).toBeGreaterThan(0)
    expect(remoteLocked).toBe(false)
    await second.unlock()
    await remoteDone
    await remote.unlock()
    expect(await leftovers(directory)).toEqual([])
  })

  test('a waiter that times out rejects with ERR_LOCK_TIMEOUT and leaves no trace', async () => {
    const { directory, a, b } = await pair()
    const holder = a.newLock('x')
    await holder.lock(AbortSignal.timeout(1000), noop)
    const signal = AbortSignal.timeout(300)
    await expect(b.newLock('x').lock(signal, noop)).rejects.toSatisfy((err) =>
      hasErrorCode(err, 'ERR_LOCK_TIMEOUT'),
    )
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
    await holder.unlock()
    expect(await leftovers(directory)).toEqual([])
    // Nobody waits: the next lock is immediate.
    const next = b.newLock('x')
    await next.lock(AbortSignal.abort(), noop)
    await next.unlock()
  })

  test('a served waiter keeps no abort listener', async () => {
    const { a, b } = await pair()
    const holder = a.newLock('x')
    await holder.lock(AbortSignal.timeout(1000), noop)
    const controller = new AbortController()
    const waiter = b.newLock('x')
    const locked = waiter.lock(controller.signal, noop)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    await holder.unlock()
    await locked
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    await waiter.unlock()
  })

  test('a requestRelease that throws from the poll is logged, never thrown', async () => {
    const logger = recordingLogger()
    const { a, b } = await pair({ holderPollInterval: 20, logger })
    const holder = a.newLock('x')
    await holder.lock(AbortSignal.timeout(1000), () => {
      throw new Error('boom')
    })
    const waiter = b.newLock('x')
    const locked = waiter.lock(AbortSignal.timeout(5000), noop)
    for (let i = 0; i < 100 && logger.lines.length === 0; i++) await sleep(20)
    expect(logger.lines).toEqual([
      { level: 'error', event: 'RequestReleaseError', fields: { id: 'x', error: 'Error: boom' } },
    ])
    await holder.unlock()
    await locked
    await waiter.unlock()
  })
})

describe('FileLocker: lost locks and close', () => {
  test('a lock whose folder vanished asks its holder to release, and is logged', async () => {
    const logger = recordingLogger()
    // The shortest stale time: proper-lockfile looks at the folder every second.
    const directory = await tempDir()
    const locker = new FileLocker({ linger: 0, directory, staleTime: 2000, logger })
    const holder = locker.newLock('x')
    const asked = called(4000)
    await holder.lock(AbortSignal.timeout(1000), asked.fn)
    await rm(join(directory, 'x.lock'), { recursive: true })
    expect(await asked.promise).toBeGreaterThan(0)
    expect(logger.lines).toEqual([
      {
        level: 'error',
        event: 'FileLockLost',
        fields: { id: 'x', lock: join(directory, 'x.lock'), error: expect.any(String) },
      },
    ])
    // A local waiter does not inherit a lost lock: it takes the folder anew.
    const next = locker.newLock('x')
    const locked = next.lock(AbortSignal.timeout(2000), noop)
    await holder.unlock()
    await locked
    expect(await leftovers(directory)).toEqual([
      'x.lock',
      expect.stringMatching(/^x\.lock\/owner-/),
    ])
    await next.unlock()
    expect(await leftovers(directory)).toEqual([])
  })

  test('close() rejects waiters, releases what the locker holds, refuses new locks', async () => {
    const directory = await tempDir()
    const locker = new FileLocker({ linger: 0, directory })
    const x = locker.newLock('x')
    const y = locker.newLock('y')
    await x.lock(AbortSignal.timeout(1000), noop)
    await y.lock(AbortSignal.timeout(1000), noop)
    const waiting = expect(
      locker.newLock('x').lock(AbortSignal.timeout(5000), noop),
    ).rejects.toThrow('FileLocker: closed')
    await locker.close()
    await waiting
    expect(await leftovers(directory)).toEqual([])
    await x.unlock()
    await expect(locker.newLock('z').lock(AbortSignal.timeout(1000), noop)).rejects.toThrow(
      'FileLocker: closed',
    )
    expect(await leftovers(directory)).toEqual([])
  })
})

describe('FileLocker: a released lock lingers for the next local request', () => {
  test('the next lock of the id here reuses the folder; it goes once the linger is over', async () => {
    const directory = await tempDir()
    const locker = new FileLocker({ directory, linger: 300 })
    const lock = locker.newLock('x')
    await lock.lock(AbortSignal.timeout(1000), noop)
    const folder = (await stat(join(directory, 'x.lock'))).ino
    await lock.unlock()
    expect((await leftovers(directory)).filter((name) => !name.includes('/'))).toEqual(['x.lock'])
    const again = locker.newLock('x')
    await again.lock(AbortSignal.timeout(1000), noop)
    // The same folder: no file system work between the two.
    expect((await stat(join(directory, 'x.lock'))).ino).toBe(folder)
    await again.unlock()
    await sleep(500)
    expect(await leftovers(directory)).toEqual([])
  })

  test('another process that asks ends the linger at once', async () => {
    const directory = await tempDir()
    const a = new FileLocker({ directory, linger: 60_000 })
    const b = new FileLocker({ directory, linger: 0 })
    const held = a.newLock('x')
    await held.lock(AbortSignal.timeout(1000), noop)
    await held.unlock()
    const started = Date.now()
    const other = b.newLock('x')
    await other.lock(AbortSignal.timeout(3000), noop)
    expect(Date.now() - started).toBeLessThan(1000)
    await other.unlock()
    expect(await leftovers(directory)).toEqual([])
  })

  test('close() gives lingering locks up', async () => {
    const directory = await tempDir()
    const locker = new FileLocker({ directory, linger: 60_000 })
    const lock = locker.newLock('x')
    await lock.lock(AbortSignal.timeout(1000), noop)
    await lock.unlock()
    expect((await leftovers(directory)).filter((name) => !name.includes('/'))).toEqual(['x.lock'])
    await locker.close()
    expect(await leftovers(directory)).toEqual([])
  })
})

describe('FileLocker: readers (lockIfHeld, the HEAD of the handler)', () => {
  test('a free lock costs a reader one look: no folder made, nothing left', async () => {
    const directory = await tempDir()
    const locker = new FileLocker({ directory, linger: 60_000 })
    const reader = locker.newLock('x')
    expect(await reader.lockIfHeld(AbortSignal.timeout(1000), noop)).toBe(false)
    expect(await leftovers(directory)).toEqual([])
    // It holds nothing: a writer gets the lock at once.
    const writer = locker.newLock('x')
    await writer.lock(AbortSignal.timeout(1000), noop)
    await writer.unlock()
    await locker.close()
  })

  test('an upload read again within the linger is locked, then read from the lingering lock', async () => {
    const directory = await tempDir()
    const locker = new FileLocker({ directory, linger: 60_000 })
    expect(await locker.newLock('x').lockIfHeld(AbortSignal.timeout(1000), noop)).toBe(false)
    expect(await leftovers(directory)).toEqual([])
    const second = locker.newLock('x')
    expect(await second.lockIfHeld(AbortSignal.timeout(1000), noop)).toBe(true)
    const folder = (await stat(join(directory, 'x.lock'))).ino
    await second.unlock()
    const third = locker.newLock('x')
    expect(await third.lockIfHeld(AbortSignal.timeout(1000), noop)).toBe(true)
    // The same folder: no file system work for the third read.
    expect((await stat(join(directory, 'x.lock'))).ino).toBe(folder)
    await third.unlock()
    // Another upload is still read without a lock.
    expect(await locker.newLock('y').lockIfHeld(AbortSignal.timeout(1000), noop)).toBe(false)
    await locker.close()
    expect(await leftovers(directory)).toEqual([])
  })

  test.each([true, false])(
    'a lock held elsewhere (inlineFs %s): its holder is asked within a second; the reader then holds it',
    async (inlineFs) => {
      const { directory, a, b } = await pair({ inlineFs })
      const reader = b.newLock('x')
      const taken = await askedWithinASecond(a.newLock('x'), () =>
        reader.lockIfHeld(AbortSignal.timeout(5000), noop),
      )
      expect(taken).toBe(true)
      expect((await leftovers(directory)).filter((name) => !name.includes('/'))).toEqual(['x.lock'])
      await reader.unlock()
      expect(await leftovers(directory)).toEqual([])
    },
  )

  test('a lock lingering here: the reader takes the same folder, with no file system work', async () => {
    const directory = await tempDir()
    const locker = new FileLocker({ directory, linger: 300 })
    const lock = locker.newLock('x')
    await lock.lock(AbortSignal.timeout(1000), noop)
    const folder = (await stat(join(directory, 'x.lock'))).ino
    await lock.unlock()
    const reader = locker.newLock('x')
    // Lent on the spot: the answer is synchronous, not a promise.
    expect(reader.lockIfHeld(AbortSignal.timeout(1000), noop)).toBe(true)
    expect((await stat(join(directory, 'x.lock'))).ino).toBe(folder)
    // Held by the reader now: a writer waits for it.
    const writer = locker.newLock('x')
    let written = false
    const writing = writer.lock(AbortSignal.timeout(1000), noop).then(() => {
      written = true
    })
    await sleep(50)
    expect(written).toBe(false)
    await reader.unlock()
    await writing
    await writer.unlock()
    await sleep(500)
    expect(await leftovers(directory)).toEqual([])
  })
})
