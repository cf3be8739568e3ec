import { type Lock, tusError } from '@tus/core'
import type { Config } from './config.js'
import type { RequestContext } from './context.js'

/** A held lock, or nothing when the handler has no locker. */
export interface HeldLock {
  release(): Promise<void>
}

/** The lock of a request that took none: releasing it does nothing. */
export const NO_LOCK: HeldLock = { release: () => Promise.resolve() }

/**
 * Takes the upload's lock for this request. `yieldOnRequest` says whether the
 * request gives the lock up when another one asks: requests that read a body
 * do (tusd v2: a new request pre-empts a stale one); short ones finish anyway.
 * Waits acquireLockTimeout (up to 1/16 more, see LockWaits; then 500
 * ERR_LOCK_TIMEOUT) and stops waiting when the request is interrupted.
 */
export async function acquireLock(
  config: Config,
  ctx: RequestContext,
  id: string,
  yieldOnRequest: boolean,
): Promise<HeldLock> {
  if (config.locker === undefined) return NO_LOCK
  const lock: Lock = config.locker.newLock(id)
  const requestRelease = yieldOnRequest
    ? () => ctx.interrupt(tusError('ERR_UPLOAD_INTERRUPTED'))
    : noRelease
  await waitFor(config, ctx, (signal) => lock.lock(signal, requestRelease), giveBack(lock))
  return { release: () => lock.unlock() }
}

/**
 * For a request that only reads (HEAD): as acquireLock, but with a locker
 * that offers lockIfHeld, a lock nobody holds is not taken at all. A request
 * that holds or awaits it is still asked to release, and waited for, as tusd
 * does for every HEAD; the reader never yields itself. When the locker
 * answers at once, so does this (no promise): a HEAD of a free or lingering
 * lock goes on in the same turn.
 */
export function acquireReadLock(
  config: Config,
  ctx: RequestContext,
  id: string,
): HeldLock | Promise<HeldLock> {
  if (config.locker === undefined) return NO_LOCK
  const lock: Lock = config.locker.newLock(id)
  const held = waitFor(
    config,
    ctx,
    (signal) =>
      lock.lockIfHeld === undefined
        ? lock.lock(signal, noRelease).then(() => true)
        : lock.lockIfHeld(signal, noRelease),
    (taken) => {
      if (taken) giveBack(lock)()
    },
  )
  const toHeld = (taken: boolean): HeldLock => (taken ? { release: () => lock.unlock() } : NO_LOCK)
  return isPromiseLike(held) ? Promise.resolve(held).then(toHeld) : toHeld(held)
}

/** A reader's requestRelease: a short request finishes instead of yielding. */
const noRelease = () => {}

/**
 * Unlocks a lock granted after its request stopped waiting (interrupted).
 * Nobody is left to tell of a failure; the locker logs its own.
 */
function giveBack(lock: Lock): () => void {
  return () => {
    lock.unlock().catch(() => {})
  }
}

/**
 * Runs a lock acquisition under acquireLockTimeout and the request's
 * interruption. The timeout is the shared signal of config.lockWaits. An
 * interruption (shutdown) answers at once with its reason; should the lock
 * still be granted afterwards, `giveBack` returns it. An acquisition that
 * answers synchronously (not a promise) is that answer: nothing was waited for.
 */
function waitFor<T>(
  config: Config,
  ctx: RequestContext,
  acquire: (signal: AbortSignal) => T | Promise<T>,
  giveBack: (value: T) => void,
): T | Promise<T> {
  ctx.throwIfInterrupted()
  const wait = config.lockWaits.begin()
  let acquiring: T | Promise<T>
  try {
    acquiring = acquire(wait.signal)
  } catch (err) {
    wait.end()
    throw err
  }
  if (!isPromiseLike(acquiring)) {
    wait.end()
    return acquiring
  }
  const pending = acquiring
  return new Promise<T>((resolve, reject) => {
    let interrupted = false
    const stopListening = ctx.onInterrupt((reason) => {
      interrupted = true
      reject(reason)
    })
    pending.then(
      (value) => {
        wait.end()
        stopListening()
        if (interrupted) giveBack(value)
        else resolve(value)
      },
      (err: unknown) => {
        wait.end()
        stopListening()
        reject(err)
      },
    )
  })
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function'
}
