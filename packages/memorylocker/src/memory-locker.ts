import { type Lock, type Locker, tusError } from '@tus/core'

/** A handle queued for a held lock. */
interface Waiter {
  readonly lock: MemoryLock
  readonly requestRelease: () => void
  readonly resolve: () => void
  readonly signal: AbortSignal
  readonly onAbort: () => void
}

/** The state of one held id: who holds it and who waits, oldest first. */
interface Entry {
  holder: MemoryLock
  requestRelease: () => void
  readonly waiters: Waiter[]
}

const done: Promise<void> = Promise.resolve()

/**
 * Locks upload ids within this process, after tusd's memorylocker with a FIFO
 * queue instead of a wake-everyone loop. An id that nobody holds has no state
 * at all; taking it is one map insertion and an already-resolved promise.
 *
 * While a lock is held, each newcomer calls the holder's `requestRelease` and
 * queues. On unlock the lock passes straight to the oldest waiter (no window in
 * which a third party could take it); if others still wait, the new holder is
 * asked to release too, so that the latest request always gets through, as in
 * tusd. A waiter whose signal aborts leaves the queue and its lock() rejects
 * with ERR_LOCK_TIMEOUT.
 *
 * Not shared between processes: run one server process per upload directory,
 * or use a distributed locker.
 */
export class MemoryLocker implements Locker {
  readonly #entries = new Map<string, Entry>()

  newLock(id: string): Lock {
    return new MemoryLock(id, this.#entries)
  }
}

class MemoryLock implements Lock {
  readonly #id: string
  readonly #entries: Map<string, Entry>
  /** Set while this handle waits in a queue. */
  #waiter: Waiter | undefined

  constructor(id: string, entries: Map<string, Entry>) {
    this.#id = id
    this.#entries = entries
  }

  lock(signal: AbortSignal, requestRelease: () => void): Promise<void> {
    const entry = this.#entries.get(this.#id)
    if (entry === undefined) {
      this.#entries.set(this.#id, { holder: this, requestRelease, waiters: [] })
      return done
    }
    if (entry.holder === this) return done
    if (this.#waiter !== undefined) {
      return Promise.reject(new Error(`lock ${this.#id}: this handle is already waiting`))
    }
    if (signal.aborted) return Promise.reject(tusError('ERR_LOCK_TIMEOUT'))
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        entry.waiters.splice(entry.waiters.indexOf(waiter), 1)
        this.#waiter = undefined
        reject(tusError('ERR_LOCK_TIMEOUT', { cause: signal.reason }))
      }
      const waiter: Waiter = { lock: this, requestRelease, resolve, signal, onAbort }
      signal.addEventListener('abort', onAbort, { once: true })
      entry.waiters.push(waiter)
      this.#waiter = waiter
      // Last, with the queue consistent: the holder may unlock synchronously.
      try {
        entry.requestRelease()
      } catch (err) {
        // The holder's callback failed: leave no trace, report it to this caller.
        if (this.#waiter === waiter) {
          signal.removeEventListener('abort', onAbort)
          entry.waiters.splice(entry.waiters.indexOf(waiter), 1)
          this.#waiter = undefined
          reject(err)
        }
      }
    })
  }

  unlock(): Promise<void> {
    const entry = this.#entries.get(this.#id)
    if (entry === undefined || entry.holder !== this) return done
    const next = entry.waiters.shift()
    if (next === undefined) {
      this.#entries.delete(this.#id)
      return done
    }
    next.signal.removeEventListener('abort', next.onAbort)
    next.lock.#waiter = undefined
    entry.holder = next.lock
    entry.requestRelease = next.requestRelease
    next.resolve()
    if (entry.waiters.length > 0) {
      // In a microtask, so that the new holder's `await lock()` resumes first:
      // it holds the lock before it hears that others want it.
      queueMicrotask(() => {
        if (entry.holder === next.lock && entry.waiters.length > 0) next.requestRelease()
      })
    }
    return done
  }
}
