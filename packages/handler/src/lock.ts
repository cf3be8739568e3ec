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
  ctx.throwIfInterrupted()
  const lock: Lock = config.locker.newLock(id)
  const waiting = new AbortController()
  const timer = setTimeout(
    () => waiting.abort(tusError('ERR_LOCK_TIMEOUT')),
    config.acquireLockTimeout,
  )
  const endWait = ctx.abortOnInterrupt(waiting)
  const requestRelease = yieldOnRequest
    ? () => ctx.interrupt(tusError('ERR_UPLOAD_INTERRUPTED'))
    : () => {}
  try {
    await lock.lock(waiting.signal, requestRelease)
  } catch (err) {
    // An interruption while waiting answers with its own reason (e.g. shutdown).
    ctx.throwIfInterrupted()
    throw err
  } finally {
    clearTimeout(timer)
    endWait()
  }
  return { release: () => lock.unlock() }
}
