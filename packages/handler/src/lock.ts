import { type Lock, tusError } from '@tus/core'
import type { Config } from './config.js'
import type { RequestContext } from './context.js'

/** A held lock, or nothing when the handler has no locker. */
export interface HeldLock {
  release(): Promise<void>
}

const NO_LOCK: HeldLock = { release: () => Promise.resolve() }

/**
 * Takes the upload's lock for this request. `yieldOnRequest` says whether the
 * request gives the lock up when another one asks: requests that read a body
 * do (tusd v2: a new request pre-empts a stale one); short ones finish anyway.
 * Waits at most acquireLockTimeout (500 ERR_LOCK_TIMEOUT) and stops waiting
 * when the request is interrupted.
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
    : () => {}
  await waitFor(config, ctx, (signal) => lock.lock(signal, requestRelease))
  return { release: () => lock.unlock() }
}

/**
 * For a request that only reads (HEAD): as acquireLock, but with a locker
 * that offers lockIfHeld, a lock nobody holds is not taken at all. A request
 * that holds or awaits it is still asked to release, and waited for, as tusd
 * does for every HEAD; the reader never yields itself.
 */
export async function acquireReadLock(
  config: Config,
  ctx: RequestContext,
  id: string,
): Promise<HeldLock> {
  if (config.locker === undefined) return NO_LOCK
  const lock: Lock = config.locker.newLock(id)
  const noRelease = () => {}
  const held = await waitFor(config, ctx, (signal) =>
    lock.lockIfHeld === undefined
      ? lock.lock(signal, noRelease).then(() => true)
      : lock.lockIfHeld(signal, noRelease),
  )
  return held ? { release: () => lock.unlock() } : NO_LOCK
}

/** Runs a lock acquisition under acquireLockTimeout and the request's interruption. */
async function waitFor<T>(
  config: Config,
  ctx: RequestContext,
  acquire: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  ctx.throwIfInterrupted()
  const waiting = new AbortController()
  const timer = setTimeout(
    () => waiting.abort(tusError('ERR_LOCK_TIMEOUT')),
    config.acquireLockTimeout,
  )
  const endWait = ctx.abortOnInterrupt(waiting)
  try {
    return await acquire(waiting.signal)
  } catch (err) {
    // An interruption while waiting answers with its own reason (e.g. shutdown).
    ctx.throwIfInterrupted()
    throw err
  } finally {
    clearTimeout(timer)
    endWait()
  }
}
