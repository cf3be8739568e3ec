import { readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { lock as properLock } from 'proper-lockfile'
import { errorCode, lockError } from './errors.js'
import { Hold } from './hold.js'
import { LockFs, removeEmptyDir, unlinkQuiet } from './lock-fs.js'
import type { Settings } from './options.js'
import { isLocal, isProcessAlive, newOwner, type OwnerRecord, parseOwner } from './owner.js'
import type { LockPaths } from './paths.js'

/** The outcome of one attempt to take a lock directory. */
export type Attempt =
  | { readonly kind: 'acquired'; readonly hold: Hold }
  /** Held by a live owner; a release request (`.stop`) was left for it. */
  | { readonly kind: 'busy' }
  /** The lock went away, or an abandoned one was removed: try again at once. */
  | { readonly kind: 'retry' }

const BUSY: Attempt = { kind: 'busy' }
const RETRY: Attempt = { kind: 'retry' }

/**
 * Exclusion between processes: one lock directory per upload, made with
 * proper-lockfile's mkdir lock, holding the owner record (owner.ts).
 *
 * proper-lockfile never judges a lock stale here (stale: Infinity): an mtime
 * that was not refreshed says nothing about a process on this host whose
 * event loop is merely blocked. Instead, a contender reads the owner record:
 * - same host: the lock is abandoned iff the process (pid + start time) is
 *   gone, which a busy process never is;
 * - another host (or boot, or PID namespace): iff the directory's mtime, which
 *   proper-lockfile refreshes every staleTime / 6, is older than staleTime.
 * Taking an abandoned lock over is race-free: the contender removes the dead
 * owner's record by its full name (of several contenders only one unlink
 * succeeds, and a record, once gone, never comes back), then the directory if
 * it is empty, then competes with mkdir like everyone else. An empty lock
 * directory may always be removed (see lock-fs.ts).
 */
export class FileMutex {
  readonly #settings: Settings
  readonly #lockFs = new LockFs()

  constructor(settings: Settings) {
    this.#settings = settings
  }

  /** One attempt; rejects only when the file system cannot hold the lock. */
  async tryAcquire(paths: LockPaths): Promise<Attempt> {
    const owner = newOwner()
    const hold = new Hold(paths, owner, this.#settings, this.#lockFs)
    this.#lockFs.expect(paths.lock, owner)
    let release: () => Promise<void>
    try {
      release = await properLock(paths.data, {
        lockfilePath: paths.lock,
        realpath: false,
        retries: 0,
        stale: Number.POSITIVE_INFINITY,
        update: this.#settings.refreshInterval,
        fs: this.#lockFs.fs,
        onCompromised: (err) => hold.compromised(err),
      })
    } catch (err) {
      this.#lockFs.forget(paths.lock)
      if (errorCode(err) === 'ELOCKED') return this.#contend(paths)
      throw await lockError(err, paths, this.#settings.directory)
    }
    await hold.start(release)
    return { kind: 'acquired', hold }
  }

  /** The lock directory exists: is its owner alive? If so ask it to release, else reclaim. */
  async #contend(paths: LockPaths): Promise<Attempt> {
    let names: string[]
    try {
      names = await readdir(paths.lock)
    } catch (err) {
      const code = errorCode(err)
      if (code === 'ENOENT') return RETRY
      if (code === 'ENOTDIR') return this.#contendPidFile(paths)
      throw await lockError(err, paths, this.#settings.directory)
    }
    let alive = false
    for (const name of names) {
      const owner = parseOwner(name)
      if (owner === undefined) continue
      if (await this.#isAlive(owner, paths)) {
        alive = true
      } else if (await unlinkQuiet(join(paths.lock, owner.name))) {
        this.#settings.logger.warn('FileLockReclaimed', {
          id: paths.id,
          lock: paths.lock,
          pid: owner.pid,
          local: isLocal(owner),
        })
      }
    }
    if (alive) {
      await this.#requestRelease(paths)
      return BUSY
    }
    // Nobody (left) in it. Something else than an owner record keeps a
    // directory from being removed: wait for whoever put it there.
    if (await removeEmptyDir(paths.lock)) return RETRY
    return names.length === 0 ? RETRY : BUSY
  }

  async #isAlive(owner: OwnerRecord, paths: LockPaths): Promise<boolean> {
    if (isLocal(owner)) return isProcessAlive(owner.pid, owner.start)
    try {
      const { mtimeMs } = await stat(paths.lock)
      return Date.now() - mtimeMs < this.#settings.staleTime
    } catch {
      // Gone meanwhile, or unreadable: not ours to judge now; the next attempt sees.
      return true
    }
  }

  /**
   * `<id>.lock` is a file: a PID lock file of tusd's filelocker (a leftover
   * after moving from tusd, or tusd itself on the same directory). Abandoned
   * if its process is gone, as tusd judges it; tusd's holders poll `.stop`
   * too. unlink cannot remove a directory, so this never removes our locks.
   */
  async #contendPidFile(paths: LockPaths): Promise<Attempt> {
    let pid: number
    try {
      pid = Number.parseInt(await readFile(paths.lock, 'latin1'), 10)
    } catch (err) {
      const code = errorCode(err)
      if (code === 'ENOENT' || code === 'EISDIR') return RETRY
      throw await lockError(err, paths, this.#settings.directory)
    }
    if (await isProcessAlive(pid, 'x')) {
      await this.#requestRelease(paths)
      return BUSY
    }
    try {
      await unlink(paths.lock)
      this.#settings.logger.warn('FileLockReclaimed', { id: paths.id, lock: paths.lock, pid })
    } catch {
      // Removed meanwhile, or a directory now: the next attempt sees.
    }
    return RETRY
  }

  /** Leaves `<id>.stop` for the holder, as tusd's filelocker does; its holder polls for it. */
  async #requestRelease(paths: LockPaths): Promise<void> {
    try {
      await writeFile(paths.stop, '')
    } catch (err) {
      this.#settings.logger.warn('FileLockRequestError', { id: paths.id, error: String(err) })
    }
  }
}
