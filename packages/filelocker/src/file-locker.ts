import { randomBytes } from 'node:crypto'
import { mkdir, rm, rmdir, unlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Locker } from '@tus/core'
import { describeCode, directoryProblem, errorCode } from './errors.js'
import { FileLock } from './file-lock.js'
import { LockTable } from './lock-table.js'
import { type FileLockerOptions, type Settings, settings } from './options.js'

/**
 * Upload locks shared by every process on one machine that serves one upload
 * directory, after tusd's filelocker: `<directory>/<id>.lock` beside the
 * upload, and `<id>.stop` for release requests between processes. Within one
 * process it behaves as the memory locker (FIFO queue, release requests
 * delivered directly); across processes the lock directory gives exclusion,
 * `.stop` carries release requests (seen by the holder within
 * holderPollInterval), and a lock whose holding process died is taken over at
 * the next attempt. See the README for the layout and the guarantees.
 */
export class FileLocker implements Locker {
  /** The upload directory, absolute. */
  readonly directory: string
  readonly #settings: Settings
  readonly #table: LockTable

  constructor(options: FileLockerOptions) {
    this.#settings = settings(options)
    this.directory = this.#settings.directory
    this.#table = new LockTable(this.#settings)
  }

  /** A handle for the lock of `id`; an invalid id fails at lock() with ERR_UPLOAD_NOT_FOUND. */
  newLock(id: string): FileLock {
    return new FileLock(this.#table, id)
  }

  /**
   * Verifies that the directory can hold lock files: that it exists, is a
   * folder, and that this process may create, touch and remove a lock
   * directory in it. For a server to call at start-up; rejects with an Error
   * whose message says what is wrong. Leaves nothing behind.
   */
  async check(): Promise<void> {
    const problem = await directoryProblem(this.directory)
    if (problem !== undefined) throw new Error(`FileLocker: ${problem}`)
    const probe = join(this.directory, `.filelocker-check-${randomBytes(6).toString('hex')}.lock`)
    const record = join(probe, 'owner')
    try {
      await mkdir(probe)
      await writeFile(record, '')
      const now = new Date()
      await utimes(probe, now, now)
      await unlink(record)
      await rmdir(probe)
    } catch (err) {
      await rm(probe, { recursive: true, force: true }).catch(() => {})
      throw new Error(
        `FileLocker: upload directory ${this.directory} cannot hold lock files: ${describeCode(errorCode(err), String(err))}`,
        { cause: err },
      )
    }
  }

  /**
   * Releases every lock this locker holds, rejects its waiters and refuses
   * new locks. For tests and for shutdown, once no request uses the locker:
   * a handle that held a lock no longer does. Locks still held when the
   * process exits are removed by proper-lockfile's exit handler anyway.
   */
  close(): Promise<void> {
    return this.#table.close()
  }
}
