import { type BigIntStats, statSync } from 'node:fs'
import { statBig } from './fs.js'

/** A synchronous stat that takes this long (ms) sends stats to the thread pool... */
const SLOW = 1
/** ...for this long (ms); then one is tried synchronously again. */
const POOL_TIME = 60_000

const statBigSync = (path: string): BigIntStats => statSync(path, { bigint: true })

/** `stat` with bigint fields, as a promise; rejects as fs.stat does (code ENOENT…). */
export type StatFn = (path: string) => Promise<BigIntStats>

/**
 * The stats of a store's request path: every HEAD and PATCH makes one or two.
 * On a local disk a synchronous stat takes a few microseconds, while the same
 * call through libuv's thread pool costs the process 40–80 µs of CPU under
 * load (a hand-off to a pool thread and back), more than the rest of a HEAD.
 * So with `inline` stats run synchronously while they are fast; one that
 * takes a millisecond or more (a network file system, a cold disk) sends
 * them to the thread pool for a minute. A slow file system then blocks the
 * event loop for one stat a minute, not for every request; a file system
 * that hangs (a hard NFS mount gone away) blocks it until it answers, which
 * is why `inline: false` exists.
 */
export function createStat(inline: boolean, sync = statBigSync): StatFn {
  if (!inline) return statBig
  let poolUntil = 0
  return (path) => {
    if (poolUntil !== 0) {
      if (Date.now() < poolUntil) return statBig(path)
      poolUntil = 0
    }
    const start = performance.now()
    try {
      return Promise.resolve(sync(path))
    } catch (err) {
      return Promise.reject(err)
    } finally {
      if (performance.now() - start >= SLOW) poolUntil = Date.now() + POOL_TIME
    }
  }
}
