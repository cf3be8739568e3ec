// Server-side measurements from /proc (Linux): CPU time and peak RSS of a process tree.
// Used by load.mjs (around the timed part of a scenario) and run.mjs (startup checks).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

// Clock ticks per second of /proc/<pid>/stat times: USER_HZ, 100 on every Linux ABI Node runs on.
export const CLK_TCK = 100

const statFields = (pid) => {
  // "pid (comm) state ppid ..." - comm may contain spaces and parentheses: split after the last ')'.
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return s.slice(s.lastIndexOf(')') + 2).split(' ')
}

/** The pid and all its descendants (that are still alive). */
export function processTree(root) {
  const children = new Map()
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue
    try {
      const ppid = Number(statFields(name)[1])
      const list = children.get(ppid)
      if (list) list.push(Number(name))
      else children.set(ppid, [Number(name)])
    } catch {
      // the process exited meanwhile
    }
  }
  const out = []
  const walk = (pid) => {
    out.push(pid)
    for (const c of children.get(pid) ?? []) walk(c)
  }
  walk(root)
  return out
}

/** utime + stime (+ those of reaped children) summed over the tree, in seconds. */
export function cpuSeconds(root) {
  let ticks = 0
  for (const pid of processTree(root)) {
    try {
      const f = statFields(pid)
      // fields after ')': state=0 ppid=1 ... utime=11 stime=12 cutime=13 cstime=14
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
    } catch {
      // gone
    }
  }
  return ticks / CLK_TCK
}

const statusKiB = (pid, key) => {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(
      new RegExp(`^${key}:\\s+(\\d+)`, 'm'),
    )
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

/** Peak resident set size (VmHWM) summed over the tree, in MiB. */
export const peakRssMiB = (root) =>
  processTree(root).reduce((s, pid) => s + statusKiB(pid, 'VmHWM'), 0) / 1024

/** Current resident set size (VmRSS) summed over the tree, in MiB. */
export const rssMiB = (root) =>
  processTree(root).reduce((s, pid) => s + statusKiB(pid, 'VmRSS'), 0) / 1024

/**
 * Reset the peak RSS of every process of the tree to its current RSS (writing 5 to
 * /proc/<pid>/clear_refs, Linux >= 4.0), so that peakRssMiB measures from now on.
 * Returns false if that is not permitted (then VmHWM is the peak since the process started).
 */
export function resetPeakRss(root) {
  let ok = true
  for (const pid of processTree(root)) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5')
    } catch {
      ok = false
    }
  }
  return ok
}
