import { setMaxListeners } from 'node:events'
import type { Locker } from '../locker.js'
import { exclusionTests } from './locker-exclusion.js'
import type { LockerCase, LockerSuite } from './locker-kit.js'
import { uniqueLockId } from './locker-kit.js'
import { queueTests } from './locker-queue.js'
import { readTests } from './locker-read.js'
import { releaseTests } from './locker-release.js'
import { timeoutTests } from './locker-timeout.js'
import { unlockTests } from './locker-unlock.js'
import type { LockerConformanceOptions, TestApi } from './types.js'

/**
 * Registers the Locker conformance tests with `api`: exclusion, release
 * requests delivered to the holder, timeouts through the AbortSignal, unlock by
 * the holder only, FIFO hand-over without lost wake-ups, readers (lockIfHeld,
 * or lock() for a locker without it). Every test gets a fresh locker from
 * `makeLocker` and fresh lock ids.
 *
 * @example
 * ```ts
 * import { describe, test } from 'vitest'
 * import { lockerConformance } from '@tus/core/testing'
 *
 * lockerConformance({ describe, test }, () => new MyLocker())
 * ```
 */
export function lockerConformance<L extends Locker>(
  api: TestApi,
  makeLocker: () => Promise<L> | L,
  options: LockerConformanceOptions<L> = {},
): void {
  const patience = options.patience ?? 2000
  const quietPeriod = options.quietPeriod ?? 50
  const suite: LockerSuite = {
    test(name, fn) {
      api.test(
        name,
        async () => {
          const locker = await makeLocker()
          const end = new AbortController()
          // Dozens of waiters share this signal on purpose.
          setMaxListeners(0, end.signal)
          const t: LockerCase = {
            locker,
            id: uniqueLockId,
            signal: end.signal,
            patience,
            quietPeriod,
          }
          try {
            await fn(t)
          } finally {
            end.abort()
            await options.dispose?.(locker)
          }
        },
        options.timeout,
      )
    },
  }

  api.describe(options.name ?? 'Locker conformance', () => {
    api.describe('exclusion', () => exclusionTests(suite))
    api.describe('release requests', () => releaseTests(suite))
    api.describe('acquire timeout', () => timeoutTests(suite))
    api.describe('unlock', () => unlockTests(suite))
    api.describe('several waiters', () => queueTests(suite))
    api.describe('readers (lockIfHeld)', () => readTests(suite))
  })
}
