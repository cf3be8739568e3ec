/**
 * Conformance suites for stores and lockers, for any test runner: they take the
 * runner's `describe` and `test` and assert with node:assert/strict. A store
 * runs the groups of the capabilities it declares; see {@link storeConformance}
 * and {@link lockerConformance}.
 */
export {
  assertBytes,
  chunked,
  failingAfter,
  patternBytes,
  readAll,
} from './bytes.js'
export { lockerConformance } from './locker-conformance.js'
export { storeConformance } from './store-conformance.js'
export type { LockerConformanceOptions, StoreConformanceOptions, TestApi } from './types.js'
