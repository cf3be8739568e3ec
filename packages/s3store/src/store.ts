import { AbortMultipartUploadCommand, CreateMultipartUploadCommand } from '@aws-sdk/client-s3'
import {
  type ConcatableUpload,
  type ConcaterDataStore,
  type ContentServerDataStore,
  cloneFileInfo,
  type DataStore,
  type FileInfo,
  isValidUploadId,
  type LengthDeclarableUpload,
  type LengthDeferrerDataStore,
  type ServableUpload,
  type TerminatableUpload,
  type TerminaterDataStore,
  tusError,
  type Upload,
} from '@tus/core'
import { type StoreContext, storageOf } from './context.js'
import { s3Error } from './errors.js'
import { joinUploadId, Keys, splitUploadId } from './keys.js'
import { objectContentType, objectMetadata } from './metadata.js'
import { LIMITS, type ResolvedOptions, resolveOptions, type S3StoreOptions } from './options.js'
import { Semaphore } from './semaphore.js'
import { ensureDir, TempFiles } from './temp.js'
import { own, S3Upload } from './upload.js'

/**
 * Uploads in an S3 bucket, in the layout of tusd's s3store: a multipart
 * upload per tus upload, completed into `<prefix><objectId>` when the last
 * byte is in; the FileInfo in `<objectId>.info`; bytes that do not make a
 * part yet in `<objectId>.part`. Upload ids are `<objectId>+<multipartId>`.
 * The offset is always read from S3 (the parts and the `.part`), so a bucket
 * written by tusd resumes here and the other way round.
 *
 * Request bodies are cut into part-sized temporary files on their way to S3;
 * part uploads in flight are limited per store, across all its uploads.
 */
export class S3Store
  implements
    DataStore,
    TerminaterDataStore,
    LengthDeferrerDataStore,
    ConcaterDataStore,
    ContentServerDataStore
{
  readonly bucket: string
  /** The options in force, defaults filled in. */
  readonly options: Readonly<ResolvedOptions>
  readonly #ctx: StoreContext

  constructor(options: S3StoreOptions) {
    const resolved = resolveOptions(options)
    this.options = resolved
    this.bucket = resolved.bucket
    const ready = ensureDir(resolved.temporaryDirectory)
    this.#ctx = {
      options: resolved,
      keys: new Keys(resolved.objectPrefix, resolved.metadataObjectPrefix),
      semaphore: new Semaphore(resolved.concurrentPartUploads),
      temp: () => new TempFiles(resolved.temporaryDirectory, ready),
    }
  }

  /** The object key of an upload's final object (its `Storage.Key`). */
  objectKey(objectId: string): string {
    return this.#ctx.keys.object(objectId)
  }

  /**
   * Creates the multipart upload (user metadata and Content-Type from the
   * Upload-Metadata, as tusd), then the `.info`. The id is
   * `<objectId>+<multipartId>`: a given ID (a pre-create hook's) is the
   * object id and gets `+<multipartId>` appended, as in tusd; without one, the
   * object id is random. An invalid given ID rejects with
   * ERR_INVALID_UPLOAD_ID, a size over S3's 5 TiB with ERR_MAX_SIZE_EXCEEDED.
   */
  async newUpload(info: FileInfo): Promise<Upload> {
    if (info.ID !== '' && !isValidUploadId(info.ID)) throw tusError('ERR_INVALID_UPLOAD_ID')
    if (!info.SizeIsDeferred && info.Size > LIMITS.maxObjectSize) {
      throw tusError('ERR_MAX_SIZE_EXCEEDED', {
        message: `maximum size exceeded: S3 objects hold at most ${LIMITS.maxObjectSize} bytes`,
      })
    }
    const { client, bucket, generateId } = this.options
    const objectId = info.ID || generateId()
    const key = this.#ctx.keys.object(objectId)
    let multipartId: string | undefined
    try {
      const res = await client.send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          Metadata: objectMetadata(info.MetaData),
          ContentType: objectContentType(info.MetaData),
        }),
      )
      multipartId = res.UploadId
    } catch (err) {
      throw s3Error(err, 'CreateMultipartUpload')
    }
    if (multipartId === undefined || multipartId === '') {
      throw tusError('ERR_INTERNAL_SERVER_ERROR', {
        message: 's3: no UploadId in CreateMultipartUpload',
      })
    }
    const id = joinUploadId(objectId, multipartId)
    const stored = cloneFileInfo(info)
    stored.ID = id
    stored.Offset = 0
    stored.Storage = storageOf(bucket, key)
    const upload = new S3Upload(
      this.#ctx,
      id,
      { objectId, multipartId },
      { info: stored, parts: [], partObjectSize: 0, completed: false },
    )
    try {
      await upload.writeInfo(stored)
    } catch (err) {
      // Nobody has the id yet: the multipart upload would only cost storage.
      await client
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: multipartId }))
        .catch(() => {})
      throw err
    }
    return upload
  }

  /**
   * Reads the `.info`, the parts and the `.part` at once. An id that is not
   * `<objectId>+<multipartId>`, or whose `.info` is missing, rejects with
   * ERR_UPLOAD_NOT_FOUND.
   */
  async getUpload(id: string): Promise<Upload> {
    const ids = splitUploadId(id)
    if (ids === undefined || !isValidUploadId(ids.objectId)) throw tusError('ERR_UPLOAD_NOT_FOUND')
    const upload = new S3Upload(this.#ctx, id, ids)
    await upload.load()
    return upload
  }

  asTerminatableUpload(upload: Upload): TerminatableUpload {
    return own(upload)
  }

  asLengthDeclarableUpload(upload: Upload): LengthDeclarableUpload {
    return own(upload)
  }

  asConcatableUpload(upload: Upload): ConcatableUpload {
    return own(upload)
  }

  asServableUpload(upload: Upload): ServableUpload {
    return own(upload)
  }
}
