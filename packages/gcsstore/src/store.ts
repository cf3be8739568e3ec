import {
  type ConcatableUpload,
  type ConcaterDataStore,
  type ContentServerDataStore,
  cloneFileInfo,
  type DataStore,
  type ExpirableUpload,
  type ExpirerDataStore,
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
import { listExpired } from './expire.js'
import { readInfo, writeInfo } from './info.js'
import { idProblem, UploadNames } from './names.js'
import {
  type GCSStoreOptions,
  MAX_OBJECT_SIZE,
  type ResolvedOptions,
  resolveOptions,
} from './options.js'
import { GCSUpload, type StoreContext, storageOf } from './upload.js'

/**
 * Uploads in a Google Cloud Storage bucket, in the layout of tusd's
 * gcsstore: the FileInfo in `<key>.info`, each PATCH streamed into a new
 * chunk object `<key>_<n>`, and on finish the chunks composed into the final
 * object `<key>`. The offset is always read from GCS (the chunks' sizes, or
 * the final object's), so any process resumes any upload with no local state,
 * and a bucket written by tusd resumes here and the other way round.
 */
export class GCSStore
  implements
    DataStore,
    TerminaterDataStore,
    LengthDeferrerDataStore,
    ConcaterDataStore,
    ContentServerDataStore,
    ExpirerDataStore
{
  readonly bucket: string
  /** The options in force, defaults filled in. */
  readonly options: Readonly<ResolvedOptions>
  readonly #ctx: StoreContext

  constructor(options: GCSStoreOptions) {
    const resolved = resolveOptions(options)
    this.options = resolved
    this.bucket = resolved.bucket
    this.#ctx = { options: resolved, bucket: resolved.storage.bucket(resolved.bucket) }
  }

  /** The name of an upload's final object (its `Storage.Key`). */
  objectKey(id: string): string {
    return new UploadNames(this.options.objectPrefix, id).key
  }

  /**
   * Writes the `.info`; no other object exists until the first byte. A given
   * ID (a pre-create hook's) is used as it is; without one, the id is random.
   * An ID that is invalid, or has `_` in its last segment (see the README),
   * rejects with ERR_INVALID_UPLOAD_ID, a size over GCS's 5 TiB with
   * ERR_MAX_SIZE_EXCEEDED.
   */
  async newUpload(info: FileInfo): Promise<Upload> {
    const id = info.ID || this.options.generateId()
    const problem = isValidUploadId(id)
      ? idProblem(this.options.objectPrefix, id)
      : 'invalid upload id'
    if (problem !== undefined) throw tusError('ERR_INVALID_UPLOAD_ID', { message: problem })
    if (!info.SizeIsDeferred && info.Size > MAX_OBJECT_SIZE) {
      throw tusError('ERR_MAX_SIZE_EXCEEDED', {
        message: `maximum size exceeded: GCS objects hold at most ${MAX_OBJECT_SIZE} bytes`,
      })
    }
    const stored = cloneFileInfo(info)
    stored.ID = id
    stored.Offset = 0
    stored.Storage = storageOf(this.bucket, this.objectKey(id))
    await writeInfo(this.#ctx.bucket, new UploadNames(this.options.objectPrefix, id).info, stored)
    return new GCSUpload(this.#ctx, stored)
  }

  /** Reads the `.info`; an id that cannot be an upload's, or has none, rejects with ERR_UPLOAD_NOT_FOUND. */
  async getUpload(id: string): Promise<Upload> {
    if (!isValidUploadId(id) || idProblem(this.options.objectPrefix, id) !== undefined) {
      throw tusError('ERR_UPLOAD_NOT_FOUND')
    }
    const names = new UploadNames(this.options.objectPrefix, id)
    const info = await readInfo(this.#ctx.bucket, names.info)
    // The `.info` names the upload; a copied or renamed one must not answer for another id.
    return new GCSUpload(this.#ctx, { ...info, ID: id })
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

  asExpirableUpload(upload: Upload): ExpirableUpload {
    return own(upload)
  }

  /** Ids of unfinished uploads unchanged since `before`; see expire.ts. */
  listExpired(before: Date): AsyncIterable<string> {
    return listExpired(this.#ctx.bucket, this.options.objectPrefix, before)
  }
}

function own(upload: Upload): GCSUpload {
  if (!(upload instanceof GCSUpload)) {
    throw new TypeError('[gcsstore] the upload is not one of a GCSStore')
  }
  return upload
}
