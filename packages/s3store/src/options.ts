import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { resolve } from 'node:path'
import type { S3Client } from '@aws-sdk/client-s3'

const MiB = 1024 * 1024
const GiB = 1024 * MiB

/** S3's limits, as tusd has them. */
export const LIMITS = {
  /** Largest part S3 takes. */
  maxPartSize: 5 * GiB,
  /** Most parts in one multipart upload. */
  maxMultipartParts: 10_000,
  /** Largest object. */
  maxObjectSize: 5 * 1024 * GiB,
} as const

export interface S3StoreOptions {
  /**
   * The client to talk to S3 with. Its options are yours: region, endpoint,
   * credentials, `forcePathStyle` for servers without virtual hosts, and, for
   * servers that cannot take trailing checksums on streamed bodies (Ceph
   * radosgw 16, older MinIO), `requestChecksumCalculation: 'WHEN_REQUIRED'`.
   */
  client: S3Client
  /** The bucket; it must exist. (tusd: `-s3-bucket`) */
  bucket: string
  /** Before every key, e.g. `uploads/`; a `/` is added if missing. (tusd: `-s3-object-prefix`) */
  objectPrefix?: string
  /** Before the `.info` and `.part` keys only, when set (tusd's MetadataObjectPrefix). */
  metadataObjectPrefix?: string
  /**
   * Preferred part size in bytes (default 50 MiB). Larger uploads get larger
   * parts, so that they fit in S3's 10,000 parts. (tusd: `-s3-part-size`)
   */
  partSize?: number
  /**
   * The smallest part S3 takes but the last, in bytes (default 5 MiB, S3's).
   * Bytes that do not make a part yet wait in the `.part` object. (tusd: `-s3-min-part-size`)
   */
  minPartSize?: number
  /**
   * Parts of one PATCH kept in temporary files while waiting for an upload
   * slot (default 20); past that the request body is not read any further. (tusd:
   * `-s3-max-buffered-parts`)
   */
  maxBufferedParts?: number
  /** Part uploads in flight at once, across all uploads of this store (default 10). (tusd: `-s3-concurrent-part-uploads`) */
  concurrentPartUploads?: number
  /**
   * Every part but the last exactly the part size, as Cloudflare R2 requires
   * (default false; tusd: `-s3-min-part-size` equal to `-s3-part-size`).
   */
  equalParts?: boolean
  /** Where parts are kept on their way to S3 (default: the OS's temporary directory). */
  temporaryDirectory?: string
  /** Picks the object id of an upload that has none (default: 16 random bytes as 32 lowercase hex, as tusd). */
  generateId?: () => string
}

/** The options, checked, with their defaults. */
export interface ResolvedOptions {
  client: S3Client
  bucket: string
  objectPrefix: string
  metadataObjectPrefix: string
  partSize: number
  minPartSize: number
  maxBufferedParts: number
  concurrentPartUploads: number
  equalParts: boolean
  temporaryDirectory: string
  generateId: () => string
}

function fail(message: string): never {
  throw new TypeError(`[s3store] ${message}`)
}

function integer(name: string, value: unknown, fallback: number, min: number, max: number) {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`)
  }
  return value
}

function text(name: string, value: unknown): string {
  if (value === undefined) return ''
  if (typeof value !== 'string') fail(`${name} must be a string`)
  return value
}

export function resolveOptions(options: S3StoreOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options are required')
  const client = options.client as unknown
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof (client as { send?: unknown }).send !== 'function'
  ) {
    fail('client must be an S3Client')
  }
  if (typeof options.bucket !== 'string' || options.bucket === '') {
    fail('bucket must be a non-empty string')
  }
  const minPartSize = integer('minPartSize', options.minPartSize, 5 * MiB, 1, LIMITS.maxPartSize)
  const partSize = integer(
    'partSize',
    options.partSize,
    Math.max(50 * MiB, minPartSize),
    minPartSize,
    LIMITS.maxPartSize,
  )
  if (options.equalParts !== undefined && typeof options.equalParts !== 'boolean') {
    fail('equalParts must be a boolean')
  }
  if (options.generateId !== undefined && typeof options.generateId !== 'function') {
    fail('generateId must be a function')
  }
  const temporaryDirectory = text('temporaryDirectory', options.temporaryDirectory)
  return {
    client: options.client,
    bucket: options.bucket,
    objectPrefix: text('objectPrefix', options.objectPrefix),
    metadataObjectPrefix: text('metadataObjectPrefix', options.metadataObjectPrefix),
    partSize,
    minPartSize,
    maxBufferedParts: integer('maxBufferedParts', options.maxBufferedParts, 20, 1, 10_000),
    concurrentPartUploads: integer(
      'concurrentPartUploads',
      options.concurrentPartUploads,
      10,
      1,
      10_000,
    ),
    equalParts: options.equalParts ?? false,
    temporaryDirectory: resolve(temporaryDirectory || tmpdir()),
    generateId: options.generateId ?? (() => randomBytes(16).toString('hex')),
  }
}

/**
 * The part size for an upload of `size` bytes (tusd's calcOptimalPartSize):
 * the preferred size while the upload fits in 10,000 such parts, else the
 * smallest size that makes it fit. Uploads of deferred length use the
 * preferred size. Undefined if even 5 GiB parts are too small.
 */
export function optimalPartSize(size: number, preferred: number): number | undefined {
  const { maxMultipartParts, maxPartSize } = LIMITS
  const optimal =
    size <= preferred * maxMultipartParts ? preferred : Math.ceil(size / maxMultipartParts)
  return optimal > maxPartSize ? undefined : optimal
}
