import { mkdir } from 'node:fs/promises'
import type { DataStore, Locker, Logger } from '@tus/core'
import type { Flags } from './flags.js'
import type { CliLogger } from './log.js'

export type StorageFlags = Pick<
  Flags,
  | 'uploadDir'
  | 'filelockHolderPollInterval'
  | 'filelockAcquirerPollInterval'
  | 's3Bucket'
  | 's3ObjectPrefix'
  | 's3Endpoint'
  | 's3PartSize'
  | 's3MinPartSize'
  | 's3MaxBufferedParts'
  | 's3ConcurrentPartUploads'
  | 's3DisableSsl'
  | 's3DisableContentHashes'
  | 's3TransferAcceleration'
  | 's3LogApiCalls'
>

/**
 * The store and locker the flags ask for, paired as tusd pairs them: S3
 * (`-s3-bucket`) with in-process locks, else the file store in `-upload-dir`
 * with the file locker, whose folder is checked at start-up. Each backend is
 * loaded only when chosen.
 */
export async function composeStorage(
  flags: StorageFlags,
  logger: CliLogger,
  handlerLogger: Logger,
): Promise<{ store: DataStore; locker: Locker }> {
  if (flags.s3Bucket !== '') return composeS3(flags, logger, handlerLogger)
  await mkdir(flags.uploadDir, { recursive: true, mode: 0o775 })
  logger.print(`Using '${flags.uploadDir}' as directory storage.`)
  const [{ FileStore }, { FileLocker }] = await Promise.all([
    import('@tus/filestore'),
    import('@tus/filelocker'),
  ])
  const locker = new FileLocker({
    directory: flags.uploadDir,
    holderPollInterval: flags.filelockHolderPollInterval,
    acquirerPollInterval: flags.filelockAcquirerPollInterval,
    logger: handlerLogger,
  })
  await locker.check()
  return { store: new FileStore({ directory: flags.uploadDir }), locker }
}

/** S3 (the client as createS3Client makes it) with in-process locks, as tusd. */
async function composeS3(flags: StorageFlags, logger: CliLogger, handlerLogger: Logger) {
  const [{ createS3Client }, { S3Store }, { MemoryLocker }] = await Promise.all([
    import('./s3-client.js'),
    import('@tus/s3store'),
    import('@tus/memorylocker'),
  ])
  const client = await createS3Client(flags, handlerLogger)
  // A missing region fails here, at start-up, rather than at the first upload.
  await client.config.region()
  logger.print(`Using 's3://${flags.s3Bucket}/${flags.s3ObjectPrefix}' as S3 bucket for storage.`)
  const store = new S3Store({
    client,
    bucket: flags.s3Bucket,
    objectPrefix: flags.s3ObjectPrefix,
    partSize: flags.s3PartSize,
    minPartSize: flags.s3MinPartSize,
    maxBufferedParts: flags.s3MaxBufferedParts,
    concurrentPartUploads: flags.s3ConcurrentPartUploads,
  })
  return { store, locker: new MemoryLocker() }
}
