import type { FileLock } from './file-lock.js'
import type { Hold } from './hold.js'
import type { LockPaths } from './paths.js'

/** A handle queued for a lock. */
export interface Waiter {
  readonly lock: FileLock
  readonly requestRelease: () => void
  readonly resolve: () => void
  readonly reject: (err: unknown) => void
  readonly signal: AbortSignal
  readonly onAbort: () => void
}

/**
 * This process's state for one upload: which handle holds the lock and who
 * waits, oldest first. An id this process neither holds nor waits for has no
 * entry. While `hold` is set this process holds the lock directory, and
 * `holder` is the handle it lent it to.
 */
export interface Entry {
  readonly paths: LockPaths
  holder: FileLock | undefined
  holderRelease: () => void
  readonly waiters: Waiter[]
  hold: Hold | undefined
  /** The acquisition loop or a release, while one runs. */
  task: Promise<void> | undefined
  /** Something changed (a folder event, a waiter left): ends the current pause early. */
  wake: () => void
  /** A wake-up arrived while no pause was running: the next pause is skipped. */
  woken: boolean
  /** While the directory lingers with no holder here (see Settings.linger): its end. */
  idle: NodeJS.Timeout | undefined
}

/** A lock directory held here, lingering, that nobody here holds, awaits or is releasing. */
function lendable(entry: Entry): boolean {
  const hold = entry.hold
  return (
    hold !== undefined &&
    entry.holder === undefined &&
    entry.task === undefined &&
    entry.waiters.length === 0 &&
    !hold.lost &&
    !hold.releaseRequested
  )
}

/** Lends a lingering lock nobody here uses or awaits to `handle`, unqueued; false if it is not lendable. */
export function lendTo(entry: Entry, handle: FileLock, requestRelease: () => void): boolean {
  if (!lendable(entry)) return false
  entry.holder = handle
  entry.holderRelease = requestRelease
  return true
}
