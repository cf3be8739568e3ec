export type { FileLock } from './file-lock.js'
export { FileLocker } from './file-locker.js'
export {
  DEFAULT_ACQUIRER_POLL_INTERVAL,
  DEFAULT_HOLDER_POLL_INTERVAL,
  DEFAULT_STALE_TIME,
  type FileLockerOptions,
} from './options.js'
