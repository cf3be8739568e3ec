// Splitting the machine's CPUs between a storage server and everything else, for the storage
// benchmarks (s3.mjs). A storage service in production runs on machines of its own; on a small
// test machine it shares the cores with the client and the server under test, and then a
// comparison of two paths into it measures the CPU they all share rather than how well each
// path keeps the storage busy. Linux only (taskset, from util-linux).
import { spawnSync } from 'node:child_process'
import { cpus } from 'node:os'

const taskset = (args) => spawnSync('taskset', args, { encoding: 'utf8' })

/** CPU list `a-b` (or `a`) for taskset. */
const range = (from, to) => (from === to ? String(from) : `${from}-${to}`)

/**
 * Sets the CPU affinity of every thread of each pid (threads started later inherit it).
 * Returns an error message, or undefined on success.
 */
function pin(pids, list) {
  for (const pid of pids) {
    const r = taskset(['-a', '-cp', list, String(pid)])
    if (r.error) return `taskset: ${r.error.message}`
    if (r.status !== 0) return `taskset -a -cp ${list} ${pid}: ${r.stderr.trim()}`
  }
  return undefined
}

/**
 * Gives the storage server's processes the first half of the CPUs (at least one) and this
 * process the others, so that every child it starts afterwards (our server, the load
 * generator, the SDK side) runs there. Returns `{ storage, rest, restore }` (the CPU lists, and
 * a function that gives every CPU back to the storage server and to this process), or
 * `{ error }` when the split cannot be made: fewer than two CPUs, no pids, or no taskset.
 */
export function splitCores(storagePids) {
  const n = cpus().length
  if (n < 2) return { error: `${n} CPU: nothing to split` }
  if (!storagePids?.length) return { error: 'no pids of the storage server to pin' }
  const half = Math.floor(n / 2)
  const storage = range(0, half - 1)
  const rest = range(half, n - 1)
  const all = range(0, n - 1)
  const error = pin(storagePids, storage) ?? pin([process.pid], rest)
  const restore = () => {
    pin(storagePids, all)
    pin([process.pid], all)
  }
  if (error) {
    restore()
    return { error }
  }
  return { storage, rest, restore }
}
