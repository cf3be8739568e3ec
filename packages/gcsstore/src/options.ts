import { randomBytes } from 'node:crypto'
import type { Storage } from '@google-cloud/storage'
import { normalizePrefix } from './names.js'

/** GCS's largest object: 5 TiB. */
export const MAX_OBJECT_SIZE = 5 * 1024 ** 4

export interface GCSStoreOptions {
  /**
   * The client to talk to GCS with, configured as you need it: credentials,
   * project, `apiEndpoint` for an emulator, retry options, interceptors.
   * (tusd: `GCS_SERVICE_ACCOUNT_FILE`, `-gcs-endpoint`)
   */
  storage: Storage
  /** The bucket; it must exist. (tusd: `-gcs-bucket`) */
  bucket: string
  /**
   * Before every object name, e.g. `uploads`; a `/` is added if missing.
   * (tusd: `-gcs-object-prefix`, which tusd's CLI refuses with a `_` in it)
   */
  objectPrefix?: string
  /**
   * Attempts of a compose call whose result fails the CRC32C check before
   * finishing fails (default 3, as tusd).
   */
  composeAttempts?: number
  /** Picks the id of an upload that has none (default: 16 random bytes as 32 lowercase hex, as tusd). */
  generateId?: () => string
}

/** The options, checked, with their defaults. */
export interface ResolvedOptions {
  storage: Storage
  bucket: string
  /** Empty, or ending with `/`. */
  objectPrefix: string
  composeAttempts: number
  generateId: () => string
}

function fail(message: string): never {
  throw new TypeError(`[gcsstore] ${message}`)
}

export function resolveOptions(options: GCSStoreOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options are required')
  const storage = options.storage as unknown
  if (
    typeof storage !== 'object' ||
    storage === null ||
    typeof (storage as { bucket?: unknown }).bucket !== 'function'
  ) {
    fail('storage must be a Storage from @google-cloud/storage')
  }
  if (typeof options.bucket !== 'string' || options.bucket === '') {
    fail('bucket must be a non-empty string')
  }
  const prefix = options.objectPrefix ?? ''
  if (typeof prefix !== 'string') fail('objectPrefix must be a string')
  const attempts = options.composeAttempts ?? 3
  if (!Number.isSafeInteger(attempts) || attempts < 1 || attempts > 100) {
    fail(`composeAttempts must be an integer from 1 to 100, got ${String(attempts)}`)
  }
  if (options.generateId !== undefined && typeof options.generateId !== 'function') {
    fail('generateId must be a function')
  }
  return {
    storage: options.storage,
    bucket: options.bucket,
    objectPrefix: normalizePrefix(prefix),
    composeAttempts: attempts,
    generateId: options.generateId ?? (() => randomBytes(16).toString('hex')),
  }
}
