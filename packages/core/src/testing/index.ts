/**
 * Conformance suites for stores and lockers, for any test runner: they take the
 * runner's `describe` and `test` and assert with node:assert/strict. A store
 * runs the groups of the capabilities it declares, each in full, and declares
 * its traits where stores may differ (reading unfinished uploads, given IDs);
 * see {@link storeConformance}, {@link StoreTraits} and {@link lockerConformance}.
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
export type {
  LockerConformanceOptions,
  StoreConformanceOptions,
  StoreTraits,
  TestApi,
} from './types.js'
