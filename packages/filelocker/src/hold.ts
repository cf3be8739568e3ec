import { errorCode } from './errors.js'
import { type LockFs, pathExists, removeOwned, unlinkQuiet } from './lock-fs.js'
import type { Settings } from './options.js'
import type { OwnerRecord } from './owner.js'
import type { LockPaths } from './paths.js'

/**
 * A lock directory this process holds, from acquisition to release. It looks
 * for release requests of other processes (`<id>.stop`, every
 * holderPollInterval) and hears from proper-lockfile when the lock was lost;
 * either way it calls `onRequest` (the in-process queue then asks the local
 * holder to let go). Nothing here throws from a timer.
 */
export class Hold {
  readonly paths: LockPaths
  readonly owner: OwnerRecord
  readonly #settings: Settings
  readonly #lockFs: LockFs
  #release: (() => Promise<void>) | undefined
  #timer: NodeJS.Timeout | undefined
  #ended = false
  /** A waiter in another process asked for the lock, or the lock was lost. */
  releaseRequested = false
  /** The lock directory vanished or was changed by someone else: not ours any more. */
  lost = false
  /** Set by the queue before the lock is handed out; must not throw. */
  onRequest: () => void = () => {}

  constructor(paths: LockPaths, owner: OwnerRecord, settings: Settings, lockFs: LockFs) {
    this.paths = paths
    this.owner = owner
    this.#settings = settings
    this.#lockFs = lockFs
  }

  /**
   * Called once proper-lockfile holds the directory. A `.stop` left from a
   * former holder's time is dropped: a waiter still waiting writes it again
   * at its next attempt, so the request reaches this holder too.
   */
  async start(release: () => Promise<void>): Promise<void> {
    this.#release = release
    await unlinkQuiet(this.paths.stop)
    this.#schedule()
  }

  /** proper-lockfile's onCompromised, called from its timer: log, ask for release, never throw. */
  compromised(err: Error): void {
    if (this.#ended) return
    this.lost = true
    this.#settings.logger.error('FileLockLost', {
      id: this.paths.id,
      lock: this.paths.lock,
      error: err.message,
    })
    this.#request()
  }

  /**
   * Gives the lock up: removes our owner record and the directory (a
   * compare-and-delete, so a lock taken over by someone else is left alone),
   * stops proper-lockfile's refresh, and removes `.stop`. Never rejects.
   */
  async release(): Promise<void> {
    if (this.#ended) return
    this.#ended = true
    clearTimeout(this.#timer)
    const { logger } = this.#settings
    let removed: boolean | undefined
    try {
      removed = await removeOwned(this.paths.lock, this.owner)
    } catch (err) {
      logger.error('FileLockReleaseError', { id: this.paths.id, error: String(err) })
    }
    // proper-lockfile's own rmdir is a no-op from here on: the directory is not ours.
    this.#lockFs.forget(this.paths.lock)
    // Stops proper-lockfile's refresh. Not when our record was gone: its
    // release looks the lock up by path, and may find a newer holder's in
    // this process; our refresh timer then ends at its next look instead.
    if (removed !== false) {
      try {
        await this.#release?.()
      } catch (err) {
        // ERELEASED: proper-lockfile gave it up already (compromised), which was logged.
        if (errorCode(err) !== 'ERELEASED') {
          logger.warn('FileLockReleaseError', { id: this.paths.id, error: String(err) })
        }
      }
    }
    if (removed === true) {
      await unlinkQuiet(this.paths.stop)
    } else if (!this.lost) {
      logger.warn('FileLockLost', {
        id: this.paths.id,
        lock: this.paths.lock,
        error: 'the owner record was gone at unlock: the lock had been taken over',
      })
    }
  }

  #schedule(): void {
    if (this.#ended || this.releaseRequested) return
    this.#timer = setTimeout(() => this.#poll(), this.#settings.holderPollInterval)
    // Holding a lock does not keep the process alive; proper-lockfile releases on exit.
    this.#timer.unref()
  }

  #poll(): void {
    pathExists(this.#settings.io, this.paths.stop).then(
      (requested) => {
        if (!requested) this.#schedule()
        else if (!this.#ended) this.#request()
      },
      () => this.#schedule(),
    )
  }

  #request(): void {
    this.releaseRequested = true
    clearTimeout(this.#timer)
    this.onRequest()
  }
}
