import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach } from 'vitest'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const rootDir = fileURLToPath(new URL('../../..', import.meta.url))
const worker = fileURLToPath(new URL('./fixtures/worker.mjs', import.meta.url))

/**
 * Child processes run the built package (plain Node cannot load the
 * TypeScript sources, and vitest's aliases do not reach them). `pnpm test`
 * builds everything first; when the build is missing or older than the
 * sources (e.g. `pnpm vitest run packages/filelocker` after an edit), this
 * builds it, with @tus/core if that was never built.
 */
export function ensureBuilt(): void {
  const dist = `${packageDir}dist/index.js`
  const coreBuilt = existsSync(`${rootDir}packages/core/dist/index.js`)
  const newestSource = Math.max(
    ...readdirSync(`${packageDir}src`).map((name) => statSync(`${packageDir}src/${name}`).mtimeMs),
  )
  if (coreBuilt && existsSync(dist) && statSync(dist).mtimeMs >= newestSource) return
  const filter = coreBuilt ? '@tus/filelocker' : '@tus/filelocker...'
  execFileSync('pnpm', ['--filter', filter, 'build'], { cwd: rootDir, stdio: 'ignore' })
}

export interface ChildEvent {
  ev: string
  t: number
  tag?: string
  [key: string]: unknown
}

/** setpriv(1), to run a worker as another user, if this machine has it. */
export const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path))

const running = new Set<Child>()

afterEach(async () => {
  await Promise.all([...running].map((child) => child.kill('SIGKILL')))
})

/** A worker process (fixtures/worker.mjs) and the events it reported. */
export class Child {
  readonly process: ChildProcess
  readonly events: ChildEvent[] = []
  readonly pid: number
  readonly exited: Promise<void>
  #seen = 0
  #waiters: (() => void)[] = []

  private constructor(process: ChildProcess) {
    this.process = process
    this.pid = process.pid ?? -1
    this.exited = new Promise((resolve) => process.once('exit', () => resolve()))
    createInterface({ input: process.stdout! }).on('line', (line) => {
      this.events.push(JSON.parse(line) as ChildEvent)
      for (const wake of this.#waiters.splice(0)) wake()
    })
    running.add(this)
    void this.exited.then(() => running.delete(this))
  }

  /**
   * Starts a worker with these FileLocker options and waits until it is
   * ready; as user `uid` (through setpriv, when this process is root) if given.
   */
  static async start(options: Record<string, unknown>, uid?: number): Promise<Child> {
    const command = [process.execPath, worker, JSON.stringify(options)]
    if (uid !== undefined) {
      command.unshift(SETPRIV!, `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups')
    }
    const child = new Child(
      spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] }),
    )
    await child.next('ready', 10_000)
    return child
  }

  send(command: Record<string, unknown>): void {
    this.process.stdin!.write(`${JSON.stringify(command)}\n`)
  }

  /**
   * The next event named `ev` (for `tag`, if given) not returned before;
   * rejects after `ms`.
   */
  async next(ev: string, ms: number, tag?: string): Promise<ChildEvent> {
    const deadline = Date.now() + ms
    for (;;) {
      const index = this.events.findIndex(
        (event, i) =>
          i >= this.#seen && event.ev === ev && (tag === undefined || event.tag === tag),
      )
      if (index >= 0) {
        const [event] = this.events.splice(index, 1)
        this.events.splice(this.#seen++, 0, event!)
        return event!
      }
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new Error(`no ${ev} event within ${ms} ms; saw ${JSON.stringify(this.events)}`)
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Events named `ev`, consumed or not. */
  all(ev: string): ChildEvent[] {
    return this.events.filter((event) => event.ev === ev)
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill(signal)
    }
    await this.exited
  }
}
