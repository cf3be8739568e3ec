import { join } from 'node:path'
import {
  type HookHandler,
  type HookInvokeOptions,
  type HookRequest,
  type HookResponse,
  HookResponseError,
  isHookType,
  marshalHookRequest,
  parseHookResponse,
  tusError,
} from '@tus/core'
import { type FileHooksOptions, resolveOptions } from './options.js'
import { runHook } from './run.js'

/** A hook writing more than this to stdout fails: a runaway script cannot fill the server's memory. */
export const MAX_HOOK_OUTPUT = 1024 * 1024

/**
 * tusd's file hooks (`-hooks-dir`, pkg/hooks/file): each hook runs the
 * executable `<directory>/<hook name>` (no extension), if there is one.
 *
 * - cwd is the directory; the environment is the server's, plus `TUS_ID`,
 *   `TUS_SIZE` and `TUS_OFFSET` (decimal; TUS_ID is empty for pre-create).
 * - stdin carries the HookRequest as tusd's JSON (marshalHookRequest from
 *   @tus/core), from a deleted temporary file (see requestFile); stdout is
 *   read as the HookResponse (parseHookResponse, Go's json.Unmarshal), except
 *   that no output at all is `{}`, as in tusd; stderr goes to the server's
 *   stderr.
 * - No file: the call resolves with `{}`. A file that cannot be executed, an
 *   exit code other than 0, a death by signal, an answer that is not a
 *   HookResponse or is larger than 1 MiB: 502 ERR_HOOK_FAILED. The optional
 *   `timeout`: 504 ERR_HOOK_TIMEOUT. The messages name the hook, the file and
 *   what went wrong, never the script's output.
 * - `options.signal` kills the running hook; the call rejects with
 *   ERR_HOOK_FAILED.
 *
 * The file is looked up on every call, so hooks can be added or removed while
 * the server runs. No shell is involved: the file is executed directly, and
 * its name comes from the fixed list of hooks.
 */
export class FileHookHandler implements HookHandler {
  /** The hook directory, absolute. */
  readonly directory: string
  /** ms before a hook is killed, if any. */
  readonly timeout: number | undefined

  constructor(options: FileHooksOptions) {
    const resolved = resolveOptions(options)
    this.directory = resolved.directory
    this.timeout = resolved.timeout
  }

  async invoke(request: HookRequest, options: HookInvokeOptions = {}): Promise<HookResponse> {
    const type: unknown = request?.Type
    // The type names the file to run: only the fixed list of hooks is allowed.
    if (typeof type !== 'string' || !isHookType(type)) {
      throw tusError('ERR_HOOK_FAILED', {
        message: `file hooks: ${JSON.stringify(type) ?? String(type)} is not a hook`,
      })
    }
    const label = `hook ${type}`
    let input: Buffer
    try {
      input = Buffer.from(marshalHookRequest(request), 'utf8')
    } catch (err) {
      throw tusError('ERR_HOOK_FAILED', {
        message: `${label}: invalid request: ${(err as Error).message}`,
        cause: err,
      })
    }
    const upload = request.Event.Upload
    const file = join(this.directory, type)
    const stdout = await runHook({
      label,
      file,
      cwd: this.directory,
      // Appended after the server's own, so they win, as in Go.
      env: {
        ...process.env,
        TUS_ID: upload.ID,
        TUS_SIZE: String(upload.Size),
        TUS_OFFSET: String(upload.Offset),
      },
      input,
      maxOutput: MAX_HOOK_OUTPUT,
      timeout: this.timeout,
      signal: options?.signal,
    })
    // tusd's file hooks decode the output only if there is some.
    if (stdout === undefined || stdout.length === 0) return {}
    try {
      return parseHookResponse(stdout)
    } catch (err) {
      if (!(err instanceof HookResponseError)) throw err
      throw tusError('ERR_HOOK_FAILED', {
        message: `${label}: ${file} response ${err.message}`,
        cause: err,
      })
    }
  }
}
