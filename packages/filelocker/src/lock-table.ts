import { memoById, tusError } from '@tus/core'
import { type Entry, lendTo, type Waiter } from './entry.js'
import type { FileLock } from './file-lock.js'
import { pathExists } from './lock-fs.js'
import { type Attempt, FileMutex } from './mutex.js'
import type { Settings } from './options.js'
import { type LockPaths, lockPaths } from './paths.js'
import { RecentReads } from './reads.js'
import { FolderWatch } from './watch.js'

const done: Promise<void> = Promise.resolve()

/** At most this many attempts in a row without pausing, when locks come and go. */
const IMMEDIATE_RETRIES = 8

/**
 * Locks upload ids for the handles of one FileLocker. Within the process it
 * works as the memory locker does: a FIFO queue per id, release requests
 * delivered by calling the holder's callback, and hand-over from one handle
 * to the next without giving up the lock directory. Only the head of the
 * queue competes for the lock directory with other processes (FileMutex),
 * retrying every acquirerPollInterval and whenever the folder watcher reports
 * a change; each failed attempt leaves a release request for the holder.
 *
 * While a process holds the directory and another process waits, every
 * handle that gets the lock here is asked to release (the other process
 * "asks each new holder in turn"); once the local queue is empty the
 * directory is released and the other process takes it.
 */
export class LockTable {
  readonly #settings: Settings
  readonly #mutex: FileMutex
  readonly #watch: FolderWatch
  readonly #entries = new Map<string, Entry>()
  readonly #reads: RecentReads
  /** Each id's lock paths, worked out once for all its handles (undefined: the id is invalid). */
  readonly #lockPaths: (id: string) => LockPaths | undefined
  #closed: Error | undefined

  constructor(settings: Settings) {
    this.#settings = settings
    this.#mutex = new FileMutex(settings)
    this.#watch = new FolderWatch(settings.watch, settings.logger)
    this.#reads = new RecentReads(settings.linger)
    this.#lockPaths = memoById((id) => lockPaths(settings.directory, id))
  }

  lock(handle: FileLock, signal: AbortSignal, requestRelease: () => void): Promise<void> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed)
    const paths = this.#pathsOf(handle)
    if (paths === undefined) return Promise.reject(tusError('ERR_UPLOAD_NOT_FOUND'))
    const existing = this.#entries.get(paths.lock)
    if (existing?.holder === handle) return done
    if (handle.waiting) {
      return Promise.reject(new Error(`lock ${handle.id}: this handle is already waiting`))
    }
    if (existing !== undefined && lendTo(existing, handle, requestRelease)) return done
    // Held or fought for: an aborted signal gives up at once. A free lock is
    // taken whatever the signal says, as in tusd.
    if (existing !== undefined && signal.aborted) {
      return Promise.reject(tusError('ERR_LOCK_TIMEOUT', { cause: signal.reason }))
    }
    const entry = existing ?? this.#newEntry(paths)
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        if (!this.#leave(entry, waiter)) return
        reject(tusError('ERR_LOCK_TIMEOUT', { cause: signal.reason }))
      }
      const waiter: Waiter = { lock: handle, requestRelease, resolve, reject, signal, onAbort }
      signal.addEventListener('abort', onAbort, { once: true })
      entry.waiters.push(waiter)
      handle.waiting = true
      if (entry.holder === undefined) {
        this.#drive(entry)
        return
      }
      // Last, with the queue consistent: the holder may unlock synchronously.
      try {
        entry.holderRelease()
      } catch (err) {
        // The holder's callback failed: leave no trace, report it to this caller.
        if (this.#leave(entry, waiter)) reject(err)
      }
    })
  }

  /**
   * Lends `handle` the lock of its id if it lingers here, free: nobody here
   * uses or awaits it. True if it did; the handle then holds it, as after lock().
   */
  lend(handle: FileLock, requestRelease: () => void): boolean {
    const paths = this.#pathsOf(handle)
    if (this.#closed !== undefined || paths === undefined || handle.waiting) return false
    const entry = this.#entries.get(paths.lock)
    return entry !== undefined && lendTo(entry, handle, requestRelease)
  }

  /**
   * For a reader: whether to take the lock of `handle`'s id. Yes when it is
   * held, awaited or lingering here, when its directory exists (held by
   * another process: one lstat tells), and when the same upload was read
   * here a moment ago (RecentReads: a polled upload is then locked once and
   * read from the lingering lock). An id without lock paths and a closed
   * table say yes, so that lock() gives the answer it always gives.
   */
  isTaken(handle: FileLock): boolean | Promise<boolean> {
    const paths = this.#pathsOf(handle)
    if (this.#closed !== undefined || paths === undefined) return true
    if (this.#entries.has(paths.lock)) return true
    if (this.#reads.again(paths.lock)) return true
    // A lock folder that cannot be looked at is taken: lock() will say more.
    return pathExists(this.#settings.io, paths.lock).catch(() => true)
  }

  async unlock(handle: FileLock): Promise<void> {
    const paths = this.#pathsOf(handle)
    const entry = paths === undefined ? undefined : this.#entries.get(paths.lock)
    if (entry === undefined || entry.holder !== handle || entry.hold === undefined) return
    const hold = entry.hold
    // A lost lock is not handed on: the waiters compete for it anew.
    const next = hold.lost ? undefined : entry.waiters.shift()
    if (next !== undefined) {
      this.#grant(entry, next)
      return
    }
    entry.holder = undefined
    if (!hold.lost && !hold.releaseRequested && this.#settings.linger > 0) {
      // Kept for the next request here; another process's request ends it.
      // One timer per entry, re-armed: a busy upload costs no timer per request.
      if (entry.idle === undefined) {
        entry.idle = setTimeout(() => this.#releaseIdle(entry), this.#settings.linger)
        entry.idle.unref()
      } else {
        entry.idle.refresh()
      }
      return
    }
    await this.#release(entry)
  }

  /** Gives the lock directory up (nobody here holds it); then serves whoever came meanwhile. */
  #release(entry: Entry): Promise<void> {
    const hold = entry.hold
    if (hold === undefined) return done
    clearTimeout(entry.idle)
    entry.idle = undefined
    entry.hold = undefined
    // May replace the task of the acquisition that won this hold, which is
    // ending (its holder already unlocked): what runs now is the release.
    const task = hold.release().finally(() => {
      if (entry.task === task) entry.task = undefined
      this.#drive(entry)
    })
    entry.task = task
    return task
  }

  /** A lingering lock directory's time is up, or another process asked for it. */
  #releaseIdle(entry: Entry): void {
    if (entry.holder !== undefined || entry.hold === undefined) return
    void this.#release(entry)
  }

  /**
   * Rejects every waiter, releases every lock directory this locker holds
   * and refuses new locks. Handles that held a lock no longer do (their
   * unlock does nothing).
   */
  async close(): Promise<void> {
    this.#closed ??= new Error('FileLocker: closed')
    const tasks: Promise<void>[] = []
    for (const entry of [...this.#entries.values()]) {
      this.#failAll(entry, this.#closed)
      clearTimeout(entry.idle)
      entry.idle = undefined
      const hold = entry.hold
      if (hold !== undefined) {
        entry.holder = undefined
        entry.hold = undefined
        tasks.push(hold.release())
      }
      if (entry.task !== undefined) tasks.push(entry.task)
      this.#drive(entry)
    }
    await Promise.all(tasks)
  }

  /** The handle's lock paths, looked up once per handle (lock and unlock both need them). */
  #pathsOf(handle: FileLock): LockPaths | undefined {
    if (handle.paths === null) handle.paths = this.#lockPaths(handle.id)
    return handle.paths
  }

  #newEntry(paths: LockPaths): Entry {
    const entry: Entry = {
      paths,
      holder: undefined,
      holderRelease: () => {},
      waiters: [],
      hold: undefined,
      task: undefined,
      wake: () => {
        entry.woken = true
      },
      woken: false,
      idle: undefined,
    }
    this.#entries.set(paths.lock, entry)
    return entry
  }

  /** Removes a waiter that gives up; false if it was not queued (any more). */
  #leave(entry: Entry, waiter: Waiter): boolean {
    const index = entry.waiters.indexOf(waiter)
    if (index < 0) return false
    entry.waiters.splice(index, 1)
    waiter.signal.removeEventListener('abort', waiter.onAbort)
    waiter.lock.waiting = false
    // Lets an acquisition loop with nobody left end now rather than at its next poll.
    if (entry.waiters.length === 0) entry.wake()
    return true
  }

  #failAll(entry: Entry, err: unknown): void {
    for (const waiter of [...entry.waiters]) {
      if (this.#leave(entry, waiter)) waiter.reject(err)
    }
  }

  /** Lends the lock to `waiter` (this process holds the directory). */
  #grant(entry: Entry, waiter: Waiter): void {
    waiter.signal.removeEventListener('abort', waiter.onAbort)
    waiter.lock.waiting = false
    entry.holder = waiter.lock
    entry.holderRelease = waiter.requestRelease
    waiter.resolve()
    // In a microtask, so that the new holder's `await lock()` resumes first:
    // it holds the lock before it hears that others want it.
    queueMicrotask(() => {
      if (entry.holder !== waiter.lock) return
      if (entry.waiters.length > 0 || entry.hold?.releaseRequested) this.#askHolder(entry)
    })
  }

  /** Calls the holder's requestRelease outside of lock(): a failure is logged, never thrown. */
  #askHolder(entry: Entry): void {
    try {
      entry.holderRelease()
    } catch (err) {
      this.#settings.logger.error('RequestReleaseError', {
        id: entry.paths.id,
        error: String(err),
      })
    }
  }

  /**
   * Moves an entry on: lends a lingering directory to the next waiter, starts
   * acquiring for its waiters, or forgets it.
   */
  #drive(entry: Entry): void {
    if (entry.holder !== undefined || entry.task !== undefined) return
    if (entry.hold !== undefined) {
      const next = entry.waiters.shift()
      if (next === undefined) return
      // The linger timer stays: firing while the lock is lent, it does nothing.
      this.#grant(entry, next)
      return
    }
    if (entry.waiters.length === 0) {
      if (this.#entries.get(entry.paths.lock) === entry) this.#entries.delete(entry.paths.lock)
      return
    }
    const task = this.#acquire(entry)
      // Not expected (attempts report their errors): fail the waiters rather than hang them.
      .catch((err: unknown) => this.#failAll(entry, err))
      .finally(() => {
        if (entry.task === task) entry.task = undefined
        this.#drive(entry)
      })
    entry.task = task
  }

  /** Competes for the lock directory on behalf of the head of the queue. */
  async #acquire(entry: Entry): Promise<void> {
    const { paths } = entry
    // The folder is watched only once the lock turns out to be held: an
    // uncontended acquisition (most of them) opens no watcher, and hears of
    // no other file made in the folder meanwhile.
    let unsubscribe: (() => void) | undefined
    try {
      let immediate = 0
      while (entry.waiters.length > 0) {
        let attempt: Attempt
        try {
          attempt = await this.#mutex.tryAcquire(paths)
        } catch (err) {
          this.#failAll(entry, err)
          return
        }
        if (attempt.kind === 'acquired') {
          const next = entry.waiters.shift()
          if (next === undefined || this.#closed !== undefined) {
            if (next !== undefined) entry.waiters.unshift(next)
            await attempt.hold.release()
            return
          }
          const hold = attempt.hold
          entry.hold = hold
          hold.onRequest = () => {
            if (entry.hold !== hold) return
            if (entry.holder !== undefined) this.#askHolder(entry)
            else this.#releaseIdle(entry)
          }
          this.#grant(entry, next)
          return
        }
        // Waiters that came with an aborted signal have had their one attempt.
        for (const waiter of [...entry.waiters]) if (waiter.signal.aborted) waiter.onAbort()
        if (attempt.kind === 'retry' && immediate++ < IMMEDIATE_RETRIES) continue
        immediate = 0
        if (unsubscribe === undefined) {
          unsubscribe = this.#watch.subscribe(paths.folder, paths.lockName, () => entry.wake())
          // Once more at once: a release between the attempt and the watch is not missed.
          continue
        }
        await this.#pause(entry)
      }
    } finally {
      unsubscribe?.()
    }
  }

  /** Waits acquirerPollInterval, or less if the folder watcher or a leaving waiter wakes us. */
  #pause(entry: Entry): Promise<void> {
    if (entry.woken) {
      entry.woken = false
      return done
    }
    return new Promise<void>((resolve) => {
      // Ref'd on purpose: a pending lock() keeps the process alive, as pending I/O does.
      const timer = setTimeout(() => entry.wake(), this.#settings.acquirerPollInterval)
      entry.wake = () => {
        clearTimeout(timer)
        entry.wake = () => {
          entry.woken = true
        }
        resolve()
      }
    })
  }
}
