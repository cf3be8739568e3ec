import type { ErrorCode } from '../catalogue.js'
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
  /**
   * What the store does where the contract lets stores differ (default: what
   * a file store does). See {@link StoreTraits}.
   */
  traits?: StoreTraits
}

/**
 * What a store does where the contract lets stores differ. The defaults are a
 * store that can read its bytes back at any time and keeps the IDs it is given,
 * as a file store does. A store built like tusd's S3 or GCS stores declares
 * otherwise in a few lines, and the suite checks the same properties another
 * way: every test runs, none is skipped, and a trait declared wrongly fails.
 *
 * @example
 * ```ts
 * // tusd's S3 layout: multipart uploads, ids `<object id>+<multipart id>`
 * storeConformance({ describe, test }, () => new S3Store(options), {
 *   traits: {
 *     readsUnfinished: false,
 *     unfinishedRead: { code: 'ERR_INCOMPLETE_UPLOAD' },
 *     keepsGivenId: (given, id) => id.startsWith(`${given}+`),
 *   },
 * })
 * ```
 */
export interface StoreTraits {
  /**
   * Whether getReader, and contentInfo and createReadStream of a
   * ContentServerDataStore, read an upload before finishUpload (default true).
   *
   * When true, the tests read the bytes kept so far, and every read before
   * completion must succeed. When false, a test that checks the bytes kept so
   * far checks the Offset, then writes deterministic bytes up to the Size,
   * finishes the upload and compares its whole content: the bytes kept are
   * still proven to be a prefix, byte for byte. The tests whose point is a read
   * before completion assert {@link StoreTraits.unfinishedRead} instead.
   */
  readsUnfinished?: boolean
  /**
   * How a store that does not read unfinished uploads answers such a read, on
   * every call named above, until finishUpload (Offset equal to Size is not
   * enough): a rejection with a TusError of `code`. Only with
   * `readsUnfinished: false`; the default is the contract's
   * ERR_INCOMPLETE_UPLOAD.
   */
  unfinishedRead?: { code: ErrorCode }
  /**
   * What becomes of an ID given to newUpload (a pre-create hook's):
   * - `true` (default): it is the upload's ID;
   * - a function: the store derives the upload's ID from it, and the function
   *   answers whether `id` is one it may derive from `given` (tusd's S3 store
   *   appends `+<multipart id>`: see the example of StoreTraits);
   * - `false`: the store may replace it with an ID of its own.
   *
   * In every case, the ID newUpload answers with is a valid upload ID, and
   * getUpload finds the upload by it, `/` and all.
   */
  keepsGivenId?: boolean | ((given: string, id: string) => boolean)
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
