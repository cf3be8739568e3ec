/** A synchronous call that takes this long (ms) is slow. */
const SLOW = 1
/**
 * Calls are judged in windows of this many: when half of a window or more
 * was slow, calls take their asynchronous form. One slow call says little (a
 * garbage collection, the process preempted by its own threads on a busy
 * machine: both happen to a local stat now and then); a file system that is
 * slow makes most calls slow.
 */
const WINDOW = 16
/** For this long (ms); then calls are tried synchronously again. */
const ASYNC_TIME = 60_000

/**
 * Small file system calls of a request's path (a stat, creating a file of a
 * few hundred bytes), run synchronously while such calls are fast. For stores
 * and lockers on a file system. On a local disk such a call takes a few
 * microseconds, while its asynchronous form, through libuv's thread pool,
 * costs the process 40–80 µs of CPU under load (a hand-off to a pool thread
 * and back): a HEAD's stat costs more than the rest of the HEAD. So calls run
 * inline while they are fast. When half of 16 calls in a row took a
 * millisecond or more (a network file system, a busy disk), all of them go
 * through the thread pool for a minute; a slow file system then blocks the
 * event loop for a few calls a minute, not for every request. A disk whose
 * metadata is mostly not in memory (a busy hard disk) can block it for a
 * seek now and then, and a file system that can hang (a hard NFS mount that
 * went away) until it answers: for those, `new InlineIo(false)` always takes
 * the asynchronous form.
 *
 * One InlineIo per file system (a store's folder): its calls share one
 * verdict on how fast that file system is.
 */
export class InlineIo {
  readonly #enabled: boolean
  /** While set (ms since the epoch), calls take their asynchronous form. */
  #asyncUntil = 0
  /** Synchronous calls made in the current window, and how many were slow. */
  #calls = 0
  #slow = 0

  constructor(enabled = true) {
    this.#enabled = enabled
  }

  /**
   * `sync()` if calls are fast, else `async()`. Either way a promise: what
   * `sync` throws becomes the rejection, as the asynchronous form would give.
   */
  run<T>(sync: () => T, async: () => Promise<T>): Promise<T> {
    if (!this.#enabled) return async()
    if (this.#asyncUntil !== 0) {
      if (Date.now() < this.#asyncUntil) return async()
      this.#asyncUntil = 0
    }
    const start = performance.now()
    try {
      return Promise.resolve(sync())
    } catch (err) {
      return Promise.reject(err)
    } finally {
      if (performance.now() - start >= SLOW) this.#slow++
      if (++this.#calls === WINDOW) {
        if (this.#slow * 2 >= WINDOW) this.#asyncUntil = Date.now() + ASYNC_TIME
        this.#calls = 0
        this.#slow = 0
      }
    }
  }
}
