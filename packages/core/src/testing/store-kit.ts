import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type { ErrorCode } from '../catalogue.js'
import { hasErrorCode } from '../errors.js'
import { type FileInfo, newFileInfo } from '../file-info.js'
import type { DataStore, Upload } from '../store.js'
import { chunked, readAll } from './bytes.js'
import type { Traits } from './store-traits.js'

/** What a group of store tests registers its tests with. */
export interface StoreSuite<S extends DataStore = DataStore> {
  /** Registers a test that runs `fn` against a fresh store, disposed afterwards. */
  test(name: string, fn: (store: S) => Promise<void>): void
  /** Bytes of the "large" cases. */
  largeSize: number
  /** What the store declared it does where stores may differ, defaults filled in. */
  traits: Traits
}

/**
 * The same suite, for stores that pass `guard`. Each test asserts the guard
 * again on its own store: a factory whose stores differ in capabilities fails
 * loudly instead of skipping.
 */
export function narrow<T extends DataStore>(
  suite: StoreSuite,
  guard: (store: DataStore) => store is T,
): StoreSuite<T> {
  return {
    largeSize: suite.largeSize,
    traits: suite.traits,
    test(name, fn) {
      suite.test(name, async (store) => {
        assert.ok(guard(store), `the store no longer passes ${guard.name}`)
        await fn(store)
      })
    },
  }
}

/** A fresh id no other test uses, for stores whose backend outlives a test. */
export function uniqueId(prefix = 'conformance'): string {
  return `${prefix}-${randomBytes(8).toString('hex')}`
}

/** Creates an upload from tusd's zero FileInfo overridden by `fields`. */
export function create(store: DataStore, fields: Partial<FileInfo> = {}): Promise<Upload> {
  return store.newUpload(newFileInfo(fields))
}

/** Writes `bytes` at `offset` in chunks of `chunkSize`, asserting they were all kept. */
export async function write(
  upload: Upload,
  offset: number,
  bytes: Uint8Array,
  chunkSize?: number,
): Promise<void> {
  const written = await upload.writeChunk(offset, chunked(bytes, chunkSize))
  assert.equal(written, bytes.length, `writeChunk at ${offset} kept ${written} of ${bytes.length}`)
}

/** The bytes getReader gives back. */
export async function read(upload: Upload): Promise<Uint8Array> {
  return readAll(await upload.getReader())
}

/** Asserts that `promise` rejects with a TusError of `code`; `message` if it resolves. */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: ErrorCode,
  message = `expected a rejection with ${code}`,
): Promise<void> {
  await assert.rejects(
    promise,
    (err: unknown) => {
      assert.ok(hasErrorCode(err, code), `expected a TusError ${code}, got ${String(err)}`)
      return true
    },
    message,
  )
}

/** Metadata as sorted entries: compares plain and prototype-less objects alike. */
export function entries(meta: Record<string, string>): [string, string][] {
  return Object.entries(meta).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}
