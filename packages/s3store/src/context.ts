import type { FileInfo } from '@tus/core'
import type { Keys } from './keys.js'
import type { ResolvedOptions } from './options.js'
import type { Part } from './parts.js'
import type { Semaphore } from './semaphore.js'
import type { TempFiles } from './temp.js'

/** What an upload needs of its store. */
export interface StoreContext {
  options: ResolvedOptions
  keys: Keys
  /** The limit on part uploads in flight, shared by every upload of the store. */
  semaphore: Semaphore
  /** A fresh set of temporary files. */
  temp(): TempFiles
}

/** What S3 holds of an upload, as last read or written by its handle. */
export interface UploadState {
  /** The FileInfo from the `.info`, with Offset worked out from the parts. */
  info: FileInfo
  /** The parts of the multipart upload, by number. */
  parts: Part[]
  /** Size of the `.part` object, 0 if there is none. */
  partObjectSize: number
  /** The multipart upload is completed: the object holds every byte. */
  completed: boolean
}

/** tusd's Storage map. */
export function storageOf(bucket: string, key: string): Record<string, string> {
  return { Type: 's3store', Bucket: bucket, Key: key }
}
