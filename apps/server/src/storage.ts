import { mkdir } from 'node:fs/promises'
import type { DataStore, Locker, Logger } from '@tus/core'
import type { Flags } from './flags.js'
import { capYoungGeneration, tuneHeapForStreaming } from './heap.js'
import type { CliLogger } from './log.js'

export type StorageFlags = Pick<
  Flags,
  | 'uploadDir'
  | 'filestoreInlineFs'
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
  | 'gcsBucket'
  | 'gcsObjectPrefix'
  | 'gcsEndpoint'
>

/**
 * The store and locker the flags ask for, paired as tusd pairs them: S3
 * (`-s3-bucket`) or Google Cloud Storage (`-gcs-bucket`) with in-process
 * locks, else the file store in `-upload-dir` with the file locker, whose
 * folder is checked at start-up. Each backend is loaded only when chosen.
 */
export async function composeStorage(
  flags: StorageFlags,
  logger: CliLogger,
  handlerLogger: Logger,
): Promise<{ store: DataStore; locker: Locker }> {
  if (flags.s3Bucket !== '' && flags.gcsBucket !== '') {
    // The command line refuses this already (exit status 2); startServer() callers get it here.
    throw new Error(
      '-s3-bucket and -gcs-bucket cannot be used together: choose one storage backend',
    )
  }
  if (flags.s3Bucket !== '') return composeS3(flags, logger, handlerLogger)
  if (flags.gcsBucket !== '') return composeGCS(flags, logger)
  await mkdir(flags.uploadDir, { recursive: true, mode: 0o775 })
  capYoungGeneration()
  logger.print(`Using '${flags.uploadDir}' as directory storage.`)
  const [{ FileStore }, { FileLocker }] = await Promise.all([
    import('@tus/filestore'),
    import('@tus/filelocker'),
  ])
  const locker = new FileLocker({
    directory: flags.uploadDir,
    holderPollInterval: flags.filelockHolderPollInterval,
    acquirerPollInterval: flags.filelockAcquirerPollInterval,
    inlineFs: flags.filestoreInlineFs,
    logger: handlerLogger,
  })
  await locker.check()
  const store = new FileStore({ directory: flags.uploadDir, inlineFs: flags.filestoreInlineFs })
  return { store, locker }
}

/** S3 (the client as createS3Client makes it) with in-process locks, as tusd. */
async function composeS3(flags: StorageFlags, logger: CliLogger, handlerLogger: Logger) {
  const [{ createS3Client }, { S3Store }, { MemoryLocker }] = await Promise.all([
    import('./s3-client.js'),
    import('@tus/s3store'),
    import('@tus/memorylocker'),
  ])
  const client = await createS3Client(flags, handlerLogger)
  tuneHeapForStreaming()
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

/**
 * Google Cloud Storage: credentials from the service account file named by
 * `GCS_SERVICE_ACCOUNT_FILE` (tusd's variable), else Google's application
 * default credentials (`GOOGLE_APPLICATION_CREDENTIALS`, gcloud's, the
 * metadata server). With `-gcs-endpoint` (or the SDK's STORAGE_EMULATOR_HOST),
 * e.g. fake-gcs-server, requests are signed only when a credentials file is
 * named, as an emulator takes none. Credentials that cannot be loaded fail
 * here, at start-up, rather than at the first upload.
 */
async function composeGCS(flags: StorageFlags, logger: CliLogger) {
  const [{ Storage }, { GCSStore }, { MemoryLocker }] = await Promise.all([
    import('@google-cloud/storage'),
    import('@tus/gcsstore'),
    import('@tus/memorylocker'),
  ])
  const keyFilename = process.env.GCS_SERVICE_ACCOUNT_FILE || undefined
  const credentialsFile = keyFilename ?? (process.env.GOOGLE_APPLICATION_CREDENTIALS || undefined)
  // The SDK also takes an emulator from STORAGE_EMULATOR_HOST; the flag wins over it.
  const custom = flags.gcsEndpoint !== '' || Boolean(process.env.STORAGE_EMULATOR_HOST)
  const signed = !custom || credentialsFile !== undefined
  const storage = new Storage({
    ...(keyFilename === undefined ? {} : { keyFilename }),
    ...(flags.gcsEndpoint === '' ? {} : { apiEndpoint: flags.gcsEndpoint }),
    ...(custom ? { useAuthWithCustomEndpoint: signed } : {}),
  })
  if (signed) {
    try {
      await storage.authClient.getClient()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new Error(`unable to load Google Cloud credentials: ${reason.split('\n')[0]}`)
    }
  }
  logger.print(`Using 'gcs://${flags.gcsBucket}' as GCS bucket for storage.`)
  const store = new GCSStore({
    storage,
    bucket: flags.gcsBucket,
    objectPrefix: flags.gcsObjectPrefix,
  })
  return { store, locker: new MemoryLocker() }
}
