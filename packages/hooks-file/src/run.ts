import { type ChildProcess, spawn } from 'node:child_process'
import { type FileHandle, stat } from 'node:fs/promises'
import { type TusError, tusError } from '@tus/core'
import { requestFile } from './request-file.js'

/** What running one hook file needs. */
export interface HookRun {
  /** Names the hook in error messages: `hook pre-create`. */
  label: string
  /** The absolute path of the file to execute. */
  file: string
  cwd: string
  env: NodeJS.ProcessEnv
  /** The child's stdin (from a file: see requestFile). */
  input: Buffer
  /** More bytes than this on stdout fail the hook. */
  maxOutput: number
  /** ms before the child is killed (504 ERR_HOOK_TIMEOUT); undefined for no limit. */
  timeout: number | undefined
  signal: AbortSignal | undefined
}

/**
 * Runs a hook file as tusd does (os/exec, no shell): no arguments but its own
 * path as argv[0], the request on stdin, stderr on the server's own stderr
 * (file descriptor 2, as Go's `cmd.Stderr = os.Stderr`), stdout collected.
 * A child that does not read its stdin is fine: stdin is a file, not a pipe.
 * stdout is Node's pipe, a socket pair: the cap applies as bytes arrive, but
 * `/dev/stdout` cannot be opened on it (ENXIO), unlike Go's real pipe.
 *
 * Resolves with stdout once the child has exited with code 0 and stdout has
 * closed, or with `undefined` if there is no such file (tusd skips the hook).
 * Rejects with 502 ERR_HOOK_FAILED if the file cannot be started (not
 * executable: tusd fails too), exits with another code or by a signal, or
 * writes more than `maxOutput` bytes; with 504 ERR_HOOK_TIMEOUT after
 * `timeout`; with ERR_HOOK_FAILED when `signal` aborts. In those last three
 * cases the child's whole process group is killed (SIGKILL), so that a shell
 * script's own children go too, and the promise settles once the child has
 * exited.
 */
export async function runHook(run: HookRun): Promise<Buffer | undefined> {
  if (run.signal?.aborted) throw aborted(run.label, run.signal.reason)
  let stdin: FileHandle
  try {
    stdin = await requestFile(run.input)
  } catch (err) {
    throw failed(
      `${run.label}: could not write the request to a temporary file (${errorCode(err)})`,
      err,
    )
  }
  try {
    return await spawnHook(run, stdin.fd)
  } finally {
    // The child has its own copy of the descriptor from the moment it started.
    await stdin.close().catch(() => {})
  }
}

function spawnHook(run: HookRun, stdin: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const { label, file, signal } = run
    if (signal?.aborted) {
      reject(aborted(label, signal.reason))
      return
    }
    let child: ChildProcess
    try {
      child = spawn(file, [], {
        cwd: run.cwd,
        env: run.env,
        stdio: [stdin, 'pipe', 'inherit'],
        // Its own process group, so that killing the group reaches the
        // script's children (a `sleep` in a shell script) as well.
        detached: process.platform !== 'win32',
        windowsHide: true,
      })
    } catch (err) {
      // Synchronous failures: a bad environment value, ENOTDIR, E2BIG, ...
      reject(failed(`${label}: ${file} could not be started (${errorCode(err)})`, err))
      return
    }

    const chunks: Buffer[] = []
    let size = 0
    let started = false
    let exited = false
    let settled = false
    /** Why the child is being killed; the call rejects with it once the child is gone. */
    let stopping: TusError | undefined
    let timer: NodeJS.Timeout | undefined

    const settle = (done: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      done()
    }
    const stop = (reason: TusError) => {
      if (settled || stopping !== undefined) return
      stopping = reason
      killGroup(child)
      child.stdout?.destroy()
      if (exited) settle(() => reject(reason))
    }
    const onAbort = () => stop(aborted(label, signal?.reason))

    signal?.addEventListener('abort', onAbort, { once: true })
    if (run.timeout !== undefined) {
      const ms = run.timeout
      timer = setTimeout(() => {
        stop(
          tusError('ERR_HOOK_TIMEOUT', {
            message: `${label}: ${file} did not finish within ${ms} ms`,
          }),
        )
      }, ms)
    }

    child.on('spawn', () => {
      started = true
    })
    child.on('error', (err: NodeJS.ErrnoException) => {
      // After a successful start, errors come from kill() and the like; 'exit' follows.
      if (started) return
      if (stopping !== undefined) {
        const reason = stopping
        settle(() => reject(reason))
      } else if (err.code === 'ENOENT') {
        missingOrBroken(label, file, err).then(
          (error) => settle(() => (error === undefined ? resolve(undefined) : reject(error))),
          (error: unknown) => settle(() => reject(error)),
        )
      } else if (err.code === 'EACCES') {
        settle(() => reject(failed(`${label}: ${file} is not executable (EACCES)`, err)))
      } else {
        settle(() =>
          reject(failed(`${label}: ${file} could not be started (${errorCode(err)})`, err)),
        )
      }
    })
    child.on('exit', () => {
      exited = true
      const reason = stopping
      if (reason !== undefined) settle(() => reject(reason))
    })
    child.on('close', (code: number | null, signalName: NodeJS.Signals | null) => {
      if (!started) return // the 'error' listener settles
      const reason = stopping
      if (reason !== undefined) settle(() => reject(reason))
      else if (code === 0) settle(() => resolve(Buffer.concat(chunks, size)))
      else if (code !== null)
        settle(() => reject(failed(`${label}: ${file} exited with code ${code}`)))
      else settle(() => reject(failed(`${label}: ${file} was killed by ${signalName}`)))
    })

    child.stdout?.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > run.maxOutput) {
        stop(failed(`${label}: ${file} wrote more than ${run.maxOutput} bytes to stdout`))
      } else {
        chunks.push(chunk)
      }
    })
    // Whatever a destroyed pipe reports: the exit code and the output decide.
    child.stdout?.on('error', () => {})
  })
}

/**
 * ENOENT from spawn: the file, or the directory, is missing (tusd skips the
 * hook: undefined), or the file exists and its `#!` interpreter is missing.
 * tusd skips that too, as it cannot tell the two apart; a hook that never runs
 * is a silent hole in validation, so here it is an error.
 */
async function missingOrBroken(
  label: string,
  file: string,
  err: NodeJS.ErrnoException,
): Promise<TusError | undefined> {
  try {
    await stat(file)
  } catch (statError) {
    const code = (statError as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    return failed(`${label}: ${file} could not be started (${code})`, statError)
  }
  return failed(
    `${label}: ${file} could not be started: its #! interpreter was not found (ENOENT)`,
    err,
  )
}

/** SIGKILL to the child's process group, or to the child alone where there is none. */
function killGroup(child: ChildProcess): void {
  if (child.pid !== undefined && process.platform !== 'win32') {
    try {
      process.kill(-child.pid, 'SIGKILL')
      return
    } catch {
      // The group is gone already, or the child never led one.
    }
  }
  child.kill('SIGKILL')
}

function failed(message: string, cause?: unknown): TusError {
  return tusError('ERR_HOOK_FAILED', { message, cause })
}

function aborted(label: string, reason: unknown): TusError {
  return failed(`${label}: aborted`, reason)
}

function errorCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' ? code : String(err)
}
