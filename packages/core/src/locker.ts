/**
 * The locking contract, after tusd v2. One lock per upload id, exclusive.
 * A request that finds the lock held asks the holder to let go (the holder's
 * `requestRelease` callback); the holder stops reading its body, saves what it
 * has, answers 400 ERR_UPLOAD_INTERRUPTED and unlocks, and the newcomer goes on.
 * A stale or stalled request therefore never keeps an upload from resuming.
 */
export interface Locker {
  /** A handle for the lock of one upload id; nothing is acquired yet. */
  newLock(id: string): Lock
}

export interface Lock {
  /**
   * Acquires the lock. While another handle holds it, calls that holder's
   * `requestRelease` (at least once) and waits, without polling in a busy loop.
   * Waiters are served in the order they asked, and a waiter still queued asks
   * each new holder to release in turn, so a stale request that gets the lock
   * by handover is pre-empted too.
   * Rejects with a TusError ERR_LOCK_TIMEOUT when `signal` aborts first.
   * The signal concerns this wait only, and may be shared with other waits
   * (the handler gives the waits that begin close together one timeout
   * signal): a listener added to it is removed once lock() settles.
   * `requestRelease` is this caller's own callback: it is invoked when someone
   * else wants the lock while this handle holds it.
   */
  lock(signal: AbortSignal, requestRelease: () => void): Promise<void>
  /** Releases the lock if this handle holds it; does nothing otherwise. */
  unlock(): Promise<void>
  /**
   * Optional, for a request that only reads (HEAD). When no one holds the
   * lock, answers false at once and holds nothing; when someone holds or
   * awaits it, acquires it as lock() does (the holder is asked to release)
   * and answers true, held until unlock(). Either way the reader does not
   * read while a request it found writing goes on. A locker whose
   * uncontended lock() costs file system or network work (a lock on disk,
   * in Redis) offers this so that a reader pays one look instead of an
   * acquisition and a release; without it the handler calls lock().
   * The answer may be given synchronously (a boolean) when the locker can
   * tell without waiting, the lock being free or granted on the spot: a
   * reader then goes on in the same turn. A promise otherwise.
   */
  lockIfHeld?(signal: AbortSignal, requestRelease: () => void): boolean | Promise<boolean>
}
