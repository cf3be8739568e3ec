import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sleep } from './http.js'

export * from './http.js'

/**
 * Runs the built binary (apps/server/dist/cli.js) as a child process, the way
 * tusd's internal/e2e does: `-port 0`, the endpoint read from the startup line.
 * Every process and temporary directory made here is tracked, so that
 * `cleanup()` in afterEach/afterAll leaves nothing behind even when a test fails.
 */

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))
const STARTUP = /You can now upload files to: (https?:\/\/[^\s"]+)/

export function assertBuilt(): void {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run \`pnpm build\` before the e2e tests`)
}

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface Tusd {
  readonly proc: ChildProcess
  /** The URL announced on startup, e.g. http://127.0.0.1:41234/files/. */
  readonly announced: string
  /** The same, reachable from here (0.0.0.0 becomes 127.0.0.1). */
  readonly url: string
  readonly origin: string
  readonly port: number
  readonly dir: string
  /** stdout and stderr so far. */
  output(): string
  stdout(): string
  stderr(): string
  readonly exited: Promise<Exit>
  running(): boolean
}

const processes = new Set<ChildProcess>()
const directories = new Set<string>()

/** A fresh temporary directory, removed by cleanup(). */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tusd-e2e-'))
  directories.add(dir)
  return dir
}

function track(proc: ChildProcess) {
  processes.add(proc)
  let stdout = ''
  let stderr = ''
  proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<Exit>((resolve) => {
    proc.once('exit', (code, signal) => {
      processes.delete(proc)
      resolve({ code, signal })
    })
  })
  return { stdout: () => stdout, stderr: () => stderr, exited }
}

export interface StartOptions {
  /** Upload directory; a fresh temporary one by default. */
  dir?: string
  /** More flags. */
  args?: string[]
  /** -host; 127.0.0.1 by default. */
  host?: string
  cwd?: string
  /** Replaces the default flags entirely (then -port/-host/-upload-dir are up to the caller). */
  rawArgs?: string[]
  /** More environment variables for the server (e.g. AWS credentials). */
  env?: Record<string, string>
}

/** Starts the binary and resolves once it announced its URL (rejects if it exits or takes > 15 s). */
export async function startTusd(options: StartOptions = {}): Promise<Tusd> {
  assertBuilt()
  const dir = options.dir ?? (await tempDir())
  const args = options.rawArgs ?? [
    '-port',
    '0',
    '-host',
    options.host ?? '127.0.0.1',
    '-upload-dir',
    dir,
    ...(options.args ?? []),
  ]
  const proc = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  })
  const io = track(proc)
  const announced = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`tusd did not start within 15 s:\n${io.stdout()}${io.stderr()}`))
    }, 15_000)
    const onData = () => {
      const match = STARTUP.exec(io.stdout())
      if (match?.[1]) {
        clearTimeout(timer)
        proc.stdout?.off('data', onData)
        resolve(match[1])
      }
    }
    proc.stdout?.on('data', onData)
    void io.exited.then((exit) => {
      clearTimeout(timer)
      reject(
        new Error(
          `tusd exited (${JSON.stringify(exit)}) before starting:\n${io.stdout()}${io.stderr()}`,
        ),
      )
    })
  })
  const parsed = new URL(
    announced.replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://127.0.0.1:'),
  )
  return {
    proc,
    announced,
    url: parsed.href,
    origin: parsed.origin,
    port: Number(parsed.port),
    dir,
    output: () => io.stdout() + io.stderr(),
    stdout: io.stdout,
    stderr: io.stderr,
    exited: io.exited,
    running: () => proc.exitCode === null && proc.signalCode === null,
  }
}

/** Runs the binary to its end (for -help, -version, bad flags); 10 s at most. */
export async function runTusd(
  args: string[],
  cwd?: string,
): Promise<Exit & { stdout: string; stderr: string }> {
  assertBuilt()
  const proc = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  const io = track(proc)
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000)
  const exit = await io.exited
  clearTimeout(timer)
  return { ...exit, stdout: io.stdout(), stderr: io.stderr() }
}

/** Kills every process still running (SIGKILL) and removes the temporary directories. */
export async function cleanup(): Promise<void> {
  await Promise.all(
    [...processes].map(
      (proc) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve()
          proc.once('exit', () => resolve())
          proc.kill('SIGKILL')
        }),
    ),
  )
  await Promise.all([...directories].map((dir) => rm(dir, { recursive: true, force: true })))
  directories.clear()
}

/** Resolves with the exit of `tusd`, or rejects after `ms`. */
export function exitWithin(tusd: Tusd, ms: number): Promise<Exit> {
  return Promise.race([
    tusd.exited,
    sleep(ms).then(() => {
      throw new Error(`tusd did not exit within ${ms} ms:\n${tusd.output()}`)
    }),
  ])
}
