import { resolve } from 'node:path'
import { InlineIo, type Logger, silentLogger } from '@tus/core'

export interface FileLockerOptions {
  /**
   * The upload directory (the file store's). Lock files live beside the
   * uploads, `<directory>/<id>.lock`; it must exist and be writable. Resolved
   * to an absolute path once.
   */
  directory: string
  /**
   * How often, in ms, a process holding a lock looks for `<id>.stop`, the
   * release request of a waiter in another process (tusd's
   * -filelock-holder-poll-interval). Default 500; tusd's CLI uses 5 s.
   */
  holderPollInterval?: number
  /**
   * How often, in ms, a process waiting for a lock held by another process
   * tries again and renews its release request (tusd's
   * -filelock-acquirer-poll-interval). Default 250; tusd's CLI uses 2 s.
   * Waiters also watch the folder and try at once when the lock goes away.
   */
  acquirerPollInterval?: number
  /**
   * Only for locks taken on another host (or another boot, or another PID
   * namespace, where liveness cannot be checked): a lock whose directory has
   * not been refreshed for this many ms is taken as abandoned. Holders refresh
   * every staleTime / 6. Default 60 000, at least 2 000.
   */
  staleTime?: number
  /**
   * How long, in ms, this process keeps a lock directory after its last local
   * holder unlocked, so that the next request for the same upload here (the
   * HEAD after a PATCH, the next PATCH) costs no file system work. A release
   * request from another process ends it at once (within
   * holderPollInterval). Default 1000; 0 releases at unlock.
   */
  linger?: number
  /** Watch folders for lock changes while waiting (default true); polling alone if false. */
  watch?: boolean
  /**
   * Make the small looks synchronously while they are fast (default true):
   * a reader's lstat of a lock directory (HEAD of an upload not locked here)
   * and a holder's look for `.stop`, instead of a round trip through libuv's
   * thread pool each. When half of 16 looks in a row took a millisecond or
   * more, they go through the thread pool for a minute (InlineIo in
   * @tus/core). Set false for a file system that may hang.
   */
  inlineFs?: boolean
  /** Where reclaimed, lost and unreleasable locks are reported (default: silent). */
  logger?: Logger
}

/** Release requests reach a holder within this (see README: why not tusd's 5 s). */
export const DEFAULT_HOLDER_POLL_INTERVAL = 500
export const DEFAULT_ACQUIRER_POLL_INTERVAL = 250
export const DEFAULT_STALE_TIME = 60_000
export const DEFAULT_LINGER = 1000

/** The longest delay setTimeout accepts. */
const MAX_DELAY = 2 ** 31 - 1

/** Validated options with their defaults, and what all parts of one locker share. */
export interface Settings {
  readonly directory: string
  readonly holderPollInterval: number
  readonly acquirerPollInterval: number
  readonly staleTime: number
  readonly linger: number
  /** How often a holder touches its lock directory (proper-lockfile's `update`). */
  readonly refreshInterval: number
  readonly watch: boolean
  /** Runs the small looks (a reader's lstat, a holder's look for `.stop`), per inlineFs. */
  readonly io: InlineIo
  readonly logger: Logger
}

/** Checks `options` and fills in the defaults; throws a TypeError naming the bad option. */
export function settings(options: FileLockerOptions): Settings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('FileLocker: options must be an object with a directory')
  }
  const { directory } = options
  if (typeof directory !== 'string' || directory === '' || directory.includes('\0')) {
    throw new TypeError('FileLocker: directory must be a non-empty path')
  }
  const holderPollInterval = delay(
    'holderPollInterval',
    options.holderPollInterval,
    DEFAULT_HOLDER_POLL_INTERVAL,
    1,
  )
  const acquirerPollInterval = delay(
    'acquirerPollInterval',
    options.acquirerPollInterval,
    DEFAULT_ACQUIRER_POLL_INTERVAL,
    1,
  )
  const staleTime = delay('staleTime', options.staleTime, DEFAULT_STALE_TIME, 2000)
  const linger = delay('linger', options.linger, DEFAULT_LINGER, 0)
  if (options.watch !== undefined && typeof options.watch !== 'boolean') {
    throw new TypeError('FileLocker: watch must be a boolean')
  }
  if (options.inlineFs !== undefined && typeof options.inlineFs !== 'boolean') {
    throw new TypeError('FileLocker: inlineFs must be a boolean')
  }
  const logger = options.logger ?? silentLogger
  if (typeof logger.error !== 'function' || typeof logger.warn !== 'function') {
    throw new TypeError('FileLocker: logger must be a Logger')
  }
  return {
    directory: resolve(directory),
    holderPollInterval,
    acquirerPollInterval,
    staleTime,
    linger,
    // proper-lockfile refreshes at least every second.
    refreshInterval: Math.max(1000, Math.floor(staleTime / 6)),
    watch: options.watch ?? true,
    io: new InlineIo(options.inlineFs ?? true),
    logger,
  }
}

function delay(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_DELAY) {
    throw new TypeError(
      `FileLocker: ${name} must be a number of milliseconds from ${min} to ${MAX_DELAY}`,
    )
  }
  return value
}
