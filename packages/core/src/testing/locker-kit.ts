import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Lock, Locker } from '../locker.js'

/** What one locker test gets. */
export interface LockerCase {
  locker: Locker
  /** A fresh lock id, unique to this test. */
  id(): string
  /** Never aborts before the test ends; aborted then, so that no waiter outlives it. */
  signal: AbortSignal
  /** Longest wait for something that must happen. */
  patience: number
  /** How long to watch that something does not happen. */
  quietPeriod: number
}

export interface LockerSuite {
  test(name: string, fn: (t: LockerCase) => Promise<void>): void
}

export function uniqueLockId(): string {
  return `conformance-lock-${randomBytes(8).toString('hex')}`
}

/** A requestRelease callback that counts its calls. */
export interface ReleaseSpy {
  (): void
  calls: number
}
export function releaseSpy(onCall?: () => void): ReleaseSpy {
  const spy = (() => {
    spy.calls++
    onCall?.()
  }) as ReleaseSpy
  spy.calls = 0
  return spy
}

/** A promise whose state can be read synchronously. */
export interface Tracked {
  readonly state: 'pending' | 'fulfilled' | 'rejected'
  readonly error: unknown
  readonly promise: Promise<void>
}
export function track(promise: Promise<void>): Tracked {
  const tracked = { state: 'pending', error: undefined, promise } as {
    state: Tracked['state']
    error: unknown
    promise: Promise<void>
  }
  promise.then(
    () => {
      tracked.state = 'fulfilled'
    },
    (err: unknown) => {
      tracked.state = 'rejected'
      tracked.error = err
    },
  )
  return tracked
}

/** Starts `lock.lock` and tracks it. */
export function acquire(lock: Lock, signal: AbortSignal, requestRelease = releaseSpy()): Tracked {
  return track(lock.lock(signal, requestRelease))
}

/** Waits until `tracked` is fulfilled; fails after `ms` or on a rejection. */
export async function acquired(tracked: Tracked, ms: number, what: string): Promise<void> {
  await settled(tracked, ms, what)
  assert.equal(tracked.state, 'fulfilled', `${what}: rejected with ${String(tracked.error)}`)
}

/** Waits until `tracked` settles, either way; fails after `ms`. */
export async function settled(tracked: Tracked, ms: number, what: string): Promise<void> {
  const timeout = new AbortController()
  const late = sleep(ms, 'late', { signal: timeout.signal }).catch(() => 'cancelled')
  const outcome = await Promise.race([
    tracked.promise.then(
      () => 'ok',
      () => 'ok',
    ),
    late,
  ])
  timeout.abort()
  assert.notEqual(outcome, 'late', `${what}: still pending after ${ms} ms`)
}

/** Watches `tracked` for `ms` and asserts it is still pending. */
export async function staysPending(tracked: Tracked, ms: number, what: string): Promise<void> {
  await sleep(ms)
  assert.equal(tracked.state, 'pending', `${what}: expected to wait, but it ${tracked.state}`)
}

/** Waits until `condition` holds, checking every few ms; fails after `ms`. */
export async function eventually(condition: () => boolean, ms: number, what: string) {
  const deadline = Date.now() + ms
  while (!condition()) {
    assert.ok(Date.now() < deadline, `${what}: not after ${ms} ms`)
    await sleep(5)
  }
}
