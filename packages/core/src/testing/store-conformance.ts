import {
  type DataStore,
  isConcaterDataStore,
  isContentServerDataStore,
  isExpirerDataStore,
  isLengthDeferrerDataStore,
  isStagerDataStore,
  isTerminaterDataStore,
} from '../store.js'
import { concatTests } from './store-concat.js'
import { contentTests } from './store-content.js'
import { creationTests } from './store-creation.js'
import { expirationTests } from './store-expiration.js'
import { finishTests } from './store-finish.js'
import { interruptedTests } from './store-interrupted.js'
import { narrow, type StoreSuite } from './store-kit.js'
import { lengthTests } from './store-length.js'
import { lengthHintTests } from './store-length-hint.js'
import { readerTests } from './store-reader.js'
import { stagingTests } from './store-staging.js'
import { terminationTests } from './store-termination.js'
import { resolveTraits } from './store-traits.js'
import { writeTests } from './store-write.js'
import type { StoreConformanceOptions, TestApi } from './types.js'

/**
 * Registers the DataStore conformance tests with `api`. Every test gets a
 * fresh store from `makeStore` (and hands it to `options.dispose` afterwards).
 * The optional groups follow the capabilities the store declares, read with
 * the same guards the handler uses: a store is tested for what it claims.
 *
 * Where the contract lets stores differ, `options.traits` says what the store
 * does (see {@link StoreTraits}): whether it reads an upload before it is
 * finished, and what becomes of a given ID. The tests check the same
 * properties either way; none is skipped for a trait.
 *
 * The store is made once while the tests are collected, to read those
 * capabilities. When `makeStore` is async, the outer suite function returns a
 * promise, which the runner must await (vitest and node:test do).
 *
 * @example
 * ```ts
 * import { describe, test } from 'vitest'
 * import { storeConformance } from '@tus/core/testing'
 *
 * storeConformance({ describe, test }, () => new MyStore(options))
 * // A store that reads only finished uploads and appends to given IDs:
 * storeConformance({ describe, test }, () => new MyObjectStore(options), {
 *   traits: {
 *     readsUnfinished: false,
 *     unfinishedRead: { code: 'ERR_INCOMPLETE_UPLOAD' },
 *     keepsGivenId: (given, id) => id.startsWith(`${given}+`),
 *   },
 * })
 * ```
 */
export function storeConformance<S extends DataStore>(
  api: TestApi,
  makeStore: () => Promise<S> | S,
  options: StoreConformanceOptions<S> = {},
): void {
  const suite: StoreSuite = {
    largeSize: options.largeSize ?? 4 * 1024 * 1024,
    traits: resolveTraits(options.traits),
    test(name, fn) {
      api.test(
        name,
        async () => {
          const store = await makeStore()
          try {
            await fn(store)
          } finally {
            await options.dispose?.(store)
          }
        },
        options.timeout,
      )
    },
  }

  const register = (probe: S): void => {
    api.describe('creation', () => creationTests(suite))
    api.describe('writeChunk and offsets', () => writeTests(suite))
    api.describe('a source that fails midway', () => interruptedTests(suite))
    api.describe('writes with a length (Content-Length)', () => lengthHintTests(suite))
    api.describe('getReader', () => readerTests(suite))
    api.describe('finishUpload', () => finishTests(suite))
    if (isTerminaterDataStore(probe)) {
      api.describe('termination', () => terminationTests(narrow(suite, isTerminaterDataStore)))
    }
    if (isLengthDeferrerDataStore(probe)) {
      api.describe('creation-defer-length', () =>
        lengthTests(narrow(suite, isLengthDeferrerDataStore)),
      )
    }
    if (isConcaterDataStore(probe)) {
      api.describe('concatenation', () => concatTests(narrow(suite, isConcaterDataStore)))
    }
    if (isContentServerDataStore(probe)) {
      api.describe('serving content', () => contentTests(narrow(suite, isContentServerDataStore)))
    }
    if (isStagerDataStore(probe)) {
      api.describe('staging (checksum)', () => stagingTests(narrow(suite, isStagerDataStore)))
    }
    if (isExpirerDataStore(probe)) {
      api.describe('expiration', () => expirationTests(narrow(suite, isExpirerDataStore)))
    }
  }

  api.describe(options.name ?? 'DataStore conformance', () => {
    const made = makeStore()
    if (isPromiseLike(made)) {
      return Promise.resolve(made).then(async (probe) => {
        register(probe)
        await options.dispose?.(probe)
      })
    }
    register(made)
    const disposed = options.dispose?.(made)
    return isPromiseLike(disposed) ? Promise.resolve(disposed) : undefined
  })
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  )
}
