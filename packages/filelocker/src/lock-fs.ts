import * as fs from 'node:fs'
import { lstat, readdir, rmdir, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { InlineIo } from '@tus/core'
import { errorCode } from './errors.js'
import { type OwnerRecord, ownerContent, parseOwner } from './owner.js'

type Callback = (err: NodeJS.ErrnoException | null) => void

/** The error proper-lockfile reports for a lock held by someone else. */
export function busyError(): Error {
  return Object.assign(new Error('Lock file is already being held'), { code: 'ELOCKED' })
}

/**
 * The file system proper-lockfile works through (its `fs` option), so that a
 * lock directory is never without its owner record for longer than this
 * process takes between two system calls, and is only ever removed by the
 * owner that made it.
 *
 * - `mkdir` makes the lock directory (proper-lockfile's atomic step) and, at
 *   once, the owner record inside, before proper-lockfile reads the mtime it
 *   will later compare (so the record does not look like tampering). Then it
 *   checks that the record is alone: if someone removed the new, still empty
 *   directory as abandoned and made another one, two records could land in
 *   one directory; the later writer always sees the earlier one and backs off
 *   (write, then check), so at most one of them holds it.
 * - `rmdir` is a compare-and-delete: it removes our record by its full name
 *   and only then the directory, and does nothing for a directory that is not
 *   ours (any more). proper-lockfile calls it when it gives up a fresh lock,
 *   and `rmdirSync` on process exit (SIGINT, SIGTERM, exit) for the locks
 *   still held.
 */
export class LockFs {
  /** The record of each lock directory this locker is making or holds. */
  readonly #owners = new Map<string, OwnerRecord>()

  /** Registers the record to write into `lockDir` when proper-lockfile makes it. */
  expect(lockDir: string, owner: OwnerRecord): void {
    this.#owners.set(lockDir, owner)
  }

  forget(lockDir: string): void {
    this.#owners.delete(lockDir)
  }

  readonly fs = {
    mkdir: (path: string, callback: Callback): void => {
      fs.mkdir(path, (err) => {
        const owner = this.#owners.get(path)
        if (err !== null || owner === undefined) {
          callback(err)
          return
        }
        claim(path, owner).then(
          () => callback(null),
          (error: NodeJS.ErrnoException) => callback(error),
        )
      })
    },
    rmdir: (path: string, callback: Callback): void => {
      const owner = this.#owners.get(path)
      if (owner === undefined) {
        callback(null)
        return
      }
      removeOwned(path, owner).then(
        () => callback(null),
        (error: NodeJS.ErrnoException) => callback(error),
      )
    },
    rmdirSync: (path: string): void => {
      const owner = this.#owners.get(path)
      if (owner === undefined) return
      try {
        fs.unlinkSync(join(path, owner.name))
        fs.rmdirSync(path)
      } catch {
        // Exiting: whatever is left is reclaimed as soon as this pid is gone.
      }
    },
    stat: fs.stat,
    utimes: fs.utimes,
    realpath: fs.realpath,
  }
}

/** Writes `owner` into the lock directory just made, and checks it is alone there. */
async function claim(dir: string, owner: OwnerRecord): Promise<void> {
  try {
    await writeFile(join(dir, owner.name), ownerContent(), { flag: 'wx' })
  } catch (err) {
    // Our new, empty directory was removed as abandoned: someone else's now.
    if (errorCode(err) === 'ENOENT') throw busyError()
    await rmdir(dir).catch(() => {})
    throw err
  }
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    if (errorCode(err) === 'ENOENT') throw busyError()
    await removeOwned(dir, owner).catch(() => {})
    throw err
  }
  if (names.some((name) => name !== owner.name && parseOwner(name) !== undefined)) {
    await unlink(join(dir, owner.name)).catch(() => {})
    throw busyError()
  }
}

/**
 * Removes lock directory `dir` if it still holds `owner`'s record: the record
 * first, by its full name (only its maker or one reclaimer can succeed), then
 * the directory if it is empty. True if the record was ours to remove.
 */
export async function removeOwned(dir: string, owner: OwnerRecord): Promise<boolean> {
  try {
    await unlink(join(dir, owner.name))
  } catch (err) {
    const code = errorCode(err)
    if (code === 'ENOENT' || code === 'ENOTDIR') return false
    throw err
  }
  await removeEmptyDir(dir)
  return true
}

/**
 * Removes `dir` if it is empty; false if it was not (or was gone). Always
 * safe for a lock directory: an empty one is being made (its maker then fails
 * to write its record and does not hold it), being released, or abandoned.
 */
export async function removeEmptyDir(dir: string): Promise<boolean> {
  try {
    await rmdir(dir)
    return true
  } catch (err) {
    const code = errorCode(err)
    if (code === 'ENOENT' || code === 'ENOTEMPTY' || code === 'EEXIST') return false
    throw err
  }
}

/** Removes a file if it is there; true if it was. */
export async function unlinkQuiet(path: string): Promise<boolean> {
  try {
    await unlink(path)
    return true
  } catch {
    return false
  }
}

/**
 * Whether something is at `path` (lstat: a link counts as itself), looked at
 * inline while `io` allows. Rejects with any error but ENOENT.
 */
export function pathExists(io: InlineIo, path: string): Promise<boolean> {
  return io.run(
    () => fs.lstatSync(path, { throwIfNoEntry: false }) !== undefined,
    () =>
      lstat(path).then(
        () => true,
        (err: unknown) => {
          if (errorCode(err) === 'ENOENT') return false
          throw err
        },
      ),
  )
}
