import type { DataStore } from '../store.js'

/**
 * The few functions of a test runner the suites need, so that they run under
 * vitest, node:test, jest or mocha without depending on any of them. vitest's
 * `{ describe, test }` fits as-is.
 *
 * A suite function may return a promise when the factory given to
 * {@link storeConformance} is async (the store is made once to read its
 * capabilities): vitest and node:test await it.
 */
export interface TestApi {
  describe(name: string, fn: () => void | Promise<void>): void
  test(name: string, fn: () => Promise<void> | void, timeout?: number): void
}

export interface StoreConformanceOptions<S extends DataStore = DataStore> {
  /** Title of the outer `describe` (default `DataStore conformance`). */
  name?: string
  /** Timeout of each test in ms, handed to `api.test` (default: the runner's). */
  timeout?: number
  /**
   * Bytes of the "large" writes and concatenations (default 4 MiB). Raise it
   * past a backend's part size (e.g. 5 MiB on S3) to exercise multipart paths.
   */
  largeSize?: number
  /** Called after each test with the store it made (delete a temp dir, a bucket…). */
  dispose?: (store: S) => Promise<void> | void
}

export interface LockerConformanceOptions<L = unknown> {
  /** Title of the outer `describe` (default `Locker conformance`). */
  name?: string
  /** Timeout of each test in ms, handed to `api.test` (default: the runner's). */
  timeout?: number
  /**
   * Longest wait, in ms, for something that must happen: a handover, a release
   * request (default 2000). Raise it for lockers that poll.
   */
  patience?: number
  /** How long, in ms, to watch that something does not happen (default 50). */
  quietPeriod?: number
  /** Called after each test with the locker it made. */
  dispose?: (locker: L) => Promise<void> | void
}
