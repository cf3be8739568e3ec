import type { Lock } from '@tus/core'
import type { LockTable } from './lock-table.js'
import type { LockPaths } from './paths.js'

const yes = () => true

/** A handle for the lock of one upload id; nothing is acquired until lock(). */
export class FileLock implements Lock {
  readonly id: string
  readonly #table: LockTable
  /** Set while this handle waits in a queue (one wait at a time). */
  waiting = false
  /** Its lock paths once known (undefined: the id is invalid); null until then. */
  paths: LockPaths | undefined | null = null

  constructor(table: LockTable, id: string) {
    this.#table = table
    this.id = id
  }

  lock(signal: AbortSignal, requestRelease: () => void): Promise<void> {
    return this.#table.lock(this, signal, requestRelease)
  }

  unlock(): Promise<void> {
    return this.#table.unlock(this)
  }

  /**
   * A free lock costs a reader one lstat instead of a lock directory made and
   * removed; a lock lingering here is lent on the spot. Both answer at once.
   */
  lockIfHeld(signal: AbortSignal, requestRelease: () => void): boolean | Promise<boolean> {
    const taken = this.#table.isTaken(this)
    if (taken === false) return false
    if (taken === true) {
      return this.#table.lend(this, requestRelease) || this.lock(signal, requestRelease).then(yes)
    }
    return taken.then((held) => (held ? this.lock(signal, requestRelease).then(yes) : false))
  }
}
