import { basename, dirname, resolve, sep } from 'node:path'
import { isValidUploadId } from '@tus/core'

/** Where the lock of one upload lives: tusd's layout, beside the upload. */
export interface LockPaths {
  readonly id: string
  /** The upload's data file, `<dir>/<id>`; proper-lockfile's key, never touched. */
  readonly data: string
  /** The lock directory, `<dir>/<id>.lock`, made with mkdir (proper-lockfile). */
  readonly lock: string
  /** The release request, `<dir>/<id>.stop`, written by waiters in other processes. */
  readonly stop: string
  /** The folder holding both: the directory, or a subfolder for an id with `/`. */
  readonly folder: string
  /** `<last id segment>.lock`, the name folder watchers report. */
  readonly lockName: string
}

/**
 * The lock paths of upload `id` below `directory` (absolute), or undefined
 * when the id is not a valid upload id or would resolve outside the directory.
 * Both checks, as the file store does: isValidUploadId rejects `..`,
 * backslashes and NUL, and the containment check holds even if the id rules
 * are ever relaxed. An id with `/` lives in its subfolder, as in tusd.
 */
export function lockPaths(directory: string, id: string): LockPaths | undefined {
  if (!isValidUploadId(id)) return undefined
  const data = resolve(directory, id)
  const root = directory.endsWith(sep) ? directory : directory + sep
  if (!data.startsWith(root) || data.length === root.length) return undefined
  const lock = `${data}.lock`
  return {
    id,
    data,
    lock,
    stop: `${data}.stop`,
    folder: dirname(data),
    lockName: basename(lock),
  }
}
