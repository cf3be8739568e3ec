import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, readlinkSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { hostname } from 'node:os'

/**
 * Who holds a lock. Each lock directory holds one owner record, a file whose
 * name says everything another process needs, so that a reader never sees a
 * half-written record: `owner-<pid>-<start>-<host>-<token>`.
 *
 * - `pid` and `start` (the process's start time in clock ticks since boot,
 *   from /proc/<pid>/stat; `x` where there is no /proc) tell whether the
 *   holding process still lives, even after its pid was reused.
 * - `host` is a hash of the host name, the boot id and the PID namespace: only
 *   a process with the same `host` can check the pid. Others (another machine
 *   on a shared volume, a container with its own PID namespace, the same
 *   machine before a reboot) fall back to the lock directory's age.
 * - `token` is random, fresh for every acquisition: removing a record by its
 *   full name is a compare-and-delete, which is what makes taking over an
 *   abandoned lock race-free (see mutex.ts).
 *
 * The file's content is JSON for people (pid, host name, since when); nothing
 * reads it.
 */
export interface OwnerRecord {
  readonly name: string
  readonly pid: number
  readonly start: string
  readonly host: string
  readonly token: string
}

const OWNER = /^owner-(\d{1,10})-(\d{1,20}|x)-([0-9a-f]{16})-([0-9a-f]{16})$/

/** The identity of this process, read once. */
interface Identity {
  readonly pid: number
  readonly start: string
  readonly host: string
  readonly hostname: string
}

let self: Identity | undefined

export function processIdentity(): Identity {
  if (self === undefined) {
    const name = hostname()
    const bootId = readProc(() => readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim())
    const pidNamespace = readProc(() => readlinkSync('/proc/self/ns/pid'))
    const host = createHash('sha256')
      .update(`${name}\n${bootId}\n${pidNamespace}`)
      .digest('hex')
      .slice(0, 16)
    const start = readProc(() => parseStat(readFileSync(`/proc/${process.pid}/stat`, 'latin1')))
    self = { pid: process.pid, start: start?.start ?? 'x', host, hostname: name }
  }
  return self
}

/** A fresh owner record for an acquisition by this process. */
export function newOwner(): OwnerRecord {
  const { pid, start, host } = processIdentity()
  const token = randomBytes(8).toString('hex')
  return { name: `owner-${pid}-${start}-${host}-${token}`, pid, start, host, token }
}

/** What the record file contains, for people looking at a lock. */
export function ownerContent(): string {
  const { pid, hostname } = processIdentity()
  return `${JSON.stringify({ pid, hostname, since: new Date().toISOString() })}\n`
}

export function parseOwner(name: string): OwnerRecord | undefined {
  const match = OWNER.exec(name)
  if (match === null) return undefined
  const [, pid, start, host, token] = match as unknown as [string, string, string, string, string]
  return { name, pid: Number(pid), start, host, token }
}

/** True if the record was written by a process whose pid this process can check. */
export function isLocal(owner: OwnerRecord): boolean {
  return owner.host === processIdentity().host
}

/**
 * Whether process `pid` (started at `start`, or `x` if unknown) still runs on
 * this host. A zombie counts as dead: it holds nothing any more. Where /proc
 * cannot tell, asks the kernel with signal 0 (EPERM: it exists, as another
 * user), which cannot see a reused pid.
 */
export async function isProcessAlive(pid: number, start: string): Promise<boolean> {
  // kill(0) and kill(-1) address process groups: never a valid holder.
  if (!Number.isSafeInteger(pid) || pid < 1) return false
  if (start !== 'x') {
    try {
      const stat = parseStat(await readFile(`/proc/${pid}/stat`, 'latin1'))
      return stat !== undefined && !stat.gone && stat.start === start
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
      // /proc unreadable here: fall back to the signal check.
    }
  }
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * The state and start time of /proc/<pid>/stat. The command name (field 2)
 * may hold spaces and parentheses, so fields are counted after its last `)`:
 * state is field 3, starttime field 22.
 */
function parseStat(text: string): { start: string; gone: boolean } | undefined {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const state = fields[0]
  const start = fields[19]
  if (state === undefined || start === undefined || !/^\d+$/.test(start)) return undefined
  return { start, gone: state === 'Z' || state === 'X' || state === 'x' }
}

function readProc<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch {
    return undefined
  }
}
