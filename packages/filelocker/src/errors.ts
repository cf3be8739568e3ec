import { stat } from 'node:fs/promises'
import { tusError } from '@tus/core'
import type { LockPaths } from './paths.js'

export function errorCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** What an operator should read for a file-system error code. */
export function describeCode(code: string | undefined, fallback: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (the server process needs write access to the directory)'
    case 'EROFS':
      return 'the file system is read-only'
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device'
    case 'EMLINK':
      return 'too many entries in the folder'
    default:
      return fallback
  }
}

/**
 * Why `directory` cannot hold lock files, or undefined if it looks usable:
 * missing, or not a folder.
 */
export async function directoryProblem(directory: string): Promise<string | undefined> {
  try {
    const info = await stat(directory)
    if (!info.isDirectory()) return `upload directory ${directory} is not a directory`
    return undefined
  } catch (err) {
    const code = errorCode(err)
    if (code === 'ENOENT') return `upload directory ${directory} does not exist`
    if (code === 'ENOTDIR') return `upload directory ${directory} is not a directory`
    return `upload directory ${directory} cannot be used: ${describeCode(code, String(err))}`
  }
}

/**
 * The error lock() rejects with when the file system refuses a lock. A
 * missing folder is ERR_UPLOAD_NOT_FOUND (an id with `/` whose subfolder
 * does not exist names no upload, as in tusd), unless the upload directory
 * itself is gone: that is the operator's problem and says so. So is a name
 * too long: the file store's `<id>.info` is as long as `<id>.lock`, so no
 * such upload exists.
 */
export async function lockError(err: unknown, paths: LockPaths, directory: string) {
  const code = errorCode(err)
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') {
    const problem = await directoryProblem(directory)
    if (problem !== undefined) return new Error(`FileLocker: ${problem}`, { cause: err })
    return tusError('ERR_UPLOAD_NOT_FOUND', { cause: err })
  }
  return new Error(
    `FileLocker: cannot create lock ${paths.lock}: ${describeCode(code, String(err))}`,
    { cause: err },
  )
}
