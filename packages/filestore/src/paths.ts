import { resolve, sep } from 'node:path'
import { isValidUploadId } from '@tus/core'

/**
 * Where one upload lives: tusd's layout, `<dir>/<id>` and `<dir>/<id>.info`.
 * Shared by every request for the id (the store remembers them), never changed.
 */
export interface UploadPaths {
  /** The upload's bytes; its size is the offset. */
  readonly data: string
  /** The FileInfo as JSON, tusd's field names. */
  readonly info: string
  /**
   * A chunk being checked before it joins the data (checksum), beside them.
   * Not part of tusd's layout: tusd never looks at it, and a leftover of a
   * crash is overwritten by the next staged chunk or removed with the upload.
   */
  readonly stage: string
}

/**
 * The paths of upload `id` below `directory` (absolute), or undefined when the
 * id is not a valid upload id or would resolve outside the directory. Both
 * checks, on purpose: isValidUploadId rejects `..`, backslashes and NUL, and
 * the containment check holds even if the id rules are ever relaxed.
 * An id with `/` maps to subfolders, as in tusd.
 */
export function uploadPaths(directory: string, id: string): UploadPaths | undefined {
  if (!isValidUploadId(id)) return undefined
  const data = resolve(directory, id)
  const root = directory.endsWith(sep) ? directory : directory + sep
  if (!data.startsWith(root) || data.length === root.length) return undefined
  return { data, info: `${data}.info`, stage: `${data}.stage` }
}

/**
 * File-system errors that mean "no such upload": the file is missing, a parent
 * is a file (ENOTDIR), the path is a folder (EISDIR), or a name is too long.
 */
export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENAMETOOLONG'
}
