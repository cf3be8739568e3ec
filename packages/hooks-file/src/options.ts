import { resolve } from 'node:path'

export interface FileHooksOptions {
  /**
   * The hook directory (tusd's `-hooks-dir`). A relative path is resolved
   * against the working directory when the handler is made, as tusd does at
   * start-up. A directory or file that does not exist means "no such hook".
   */
  directory: string
  /**
   * ms a hook may run before its process group is killed and the call rejects
   * with 504 ERR_HOOK_TIMEOUT. None by default, as in tusd.
   */
  timeout?: number
}

/** FileHooksOptions checked, with defaults applied. */
export interface ResolvedFileHooksOptions {
  /** Absolute. */
  directory: string
  timeout: number | undefined
}

/** The largest timeout setTimeout honours; beyond it Node fires at once. */
const MAX_TIMEOUT = 2 ** 31 - 1

/** Checks the options; throws a TypeError naming the first bad one. */
export function resolveOptions(options: FileHooksOptions): ResolvedFileHooksOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('FileHookHandler: options must be an object with a `directory`')
  }
  const { directory, timeout } = options
  if (typeof directory !== 'string' || directory === '' || directory.includes('\0')) {
    throw new TypeError('FileHookHandler: `directory` must be a non-empty path')
  }
  if (
    timeout !== undefined &&
    (typeof timeout !== 'number' ||
      !Number.isFinite(timeout) ||
      timeout <= 0 ||
      timeout > MAX_TIMEOUT)
  ) {
    throw new TypeError(
      `FileHookHandler: \`timeout\` must be a number of ms between 1 and ${MAX_TIMEOUT}, or left out`,
    )
  }
  return { directory: resolve(directory), timeout }
}
