import type { Readable } from 'node:stream'
import type { Bucket } from '@google-cloud/storage'
import {
  type ByteRange,
  type ByteSource,
  type ConcatableUpload,
  type ContentInfo,
  cloneFileInfo,
  type ExpirableUpload,
  type FileInfo,
  type LengthDeclarableUpload,
  type ServableUpload,
  type TerminatableUpload,
  tusError,
  type Upload,
  type WriteOptions,
} from '@tus/core'
import { composeObjects } from './compose.js'
import { gcsCall, retryRateLimited } from './errors.js'
import { writeInfo } from './info.js'
import { finalMetadata } from './metadata.js'
import { UploadNames } from './names.js'
import {
  deleteObjects,
  HEAD_INDEX,
  latest,
  listChunks,
  nextChunkIndex,
  readObjects,
  type StoredObject,
  statObject,
  storedObject,
  storedOffset,
  type UploadObjects,
} from './objects.js'
import type { ResolvedOptions } from './options.js'
import { contentObjects, describeContent, planRead, readPieces } from './read.js'
import { writeChunkObject } from './write.js'

/** What an upload needs of its store. */
export interface StoreContext {
  options: ResolvedOptions
  bucket: Bucket
}

/** tusd's Storage map. */
export function storageOf(bucket: string, key: string): Record<string, string> {
  return { Type: 'gcsstore', Bucket: bucket, Key: key }
}

/**
 * One upload. The handle keeps the `.info` it was found with (the handler
 * makes a fresh handle per request, under the upload's lock); everything
 * about the bytes is read from GCS on every call, never remembered.
 */
export class GCSUpload
  implements
    Upload,
    TerminatableUpload,
    LengthDeclarableUpload,
    ConcatableUpload,
    ServableUpload,
    ExpirableUpload
{
  readonly names: UploadNames
  readonly #ctx: StoreContext
  #info: FileInfo
  /** This handle wrote the whole upload straight to the final object, metadata included. */
  #wroteFinal = false

  constructor(ctx: StoreContext, info: FileInfo) {
    this.#ctx = ctx
    this.#info = cloneFileInfo(info)
    this.names = new UploadNames(ctx.options.objectPrefix, info.ID)
  }

  /** True if `upload` is a handle of a store on the same bucket. */
  sameBucket(upload: GCSUpload): boolean {
    return upload.#ctx.options.bucket === this.#ctx.options.bucket
  }

  get #bucket(): Bucket {
    return this.#ctx.bucket
  }

  /** Everything GCS holds of the bytes, read now. */
  objects(): Promise<UploadObjects> {
    return readObjects(this.#bucket, this.names, this.#info)
  }

  async getInfo(): Promise<FileInfo> {
    const objects = await this.objects()
    return { ...cloneFileInfo(this.#info), Offset: storedOffset(objects) }
  }

  /**
   * Streams `src` into a new chunk object `<key>_<n>`. The offset is checked
   * against GCS first: a write at any other offset, or to a finished upload,
   * rejects with ERR_MISMATCHED_OFFSET before a byte is read.
   *
   * A first write that carries the whole upload (`options.length` is its
   * size) goes straight to the final object `<key>`, with the upload's
   * metadata, so finishing has nothing to compose or delete: one write of
   * the bytes instead of three (write, compose, delete). If it breaks off,
   * `<key>` keeps what arrived and counts as the upload's first bytes (see
   * objects.ts); the next writes add chunks after it as usual.
   */
  async writeChunk(offset: number, src: ByteSource, options: WriteOptions = {}): Promise<number> {
    const objects = await this.objects()
    const stored = storedOffset(objects)
    if (objects.final !== undefined || offset !== stored) {
      throw tusError('ERR_MISMATCHED_OFFSET', {
        message:
          objects.final !== undefined
            ? 'mismatched offset: the upload is finished'
            : `mismatched offset: the upload holds ${stored} bytes, not ${offset}`,
      })
    }
    const info = this.#info
    const whole =
      stored === 0 &&
      objects.chunks.length === 0 &&
      !info.SizeIsDeferred &&
      info.Size > 0 &&
      options.length === info.Size
    const name = whole ? this.names.key : this.names.chunk(nextChunkIndex(objects.chunks))
    const { bytes } = await writeChunkObject(this.#bucket.file(name), src, {
      signal: options.signal,
      metadata: whole ? finalMetadata(info.MetaData) : undefined,
    })
    if (whole && bytes === info.Size) this.#wroteFinal = true
    return bytes
  }

  async getReader(): Promise<Readable> {
    return this.createReadStream()
  }

  /**
   * Composes the chunks into the final object `<key>` (recursively past 32,
   * each call CRC32C-checked), sets the upload's metadata on it, writes the
   * `.info` with the final offset and deletes the chunks. An upload with no
   * chunk gets an empty final object. Repeatable: a finish that stopped
   * midway is completed by the next one, which finds the final object and
   * does not compose again.
   */
  async finishUpload(): Promise<void> {
    const objects = await this.objects()
    let final = objects.final
    if (final === undefined) {
      final =
        objects.chunks.length === 0
          ? await this.#writeEmptyFinal()
          : await composeObjects(this.#bucket, objects.chunks, this.names.key, {
              attempts: this.#ctx.options.composeAttempts,
            })
    }
    if (!this.#wroteFinal) {
      await gcsCall('set metadata', () =>
        retryRateLimited(() =>
          this.#bucket.file(this.names.key).setMetadata(finalMetadata(this.#info.MetaData)),
        ),
      )
    }
    const info = { ...this.#info, Offset: final.size }
    await writeInfo(this.#bucket, this.names.info, info)
    this.#info = info
    await deleteObjects(this.#bucket, [
      // The head, if any, is `<key>` itself: now the final object.
      ...objects.chunks.filter((chunk) => chunk.index !== HEAD_INDEX).map((chunk) => chunk.name),
      ...objects.temporaries,
    ])
  }

  /** Deletes every object of the upload: chunks, intermediate objects, the final object, then the `.info`. */
  async terminate(): Promise<void> {
    const { chunks, temporaries } = await listChunks(this.#bucket, this.names)
    await deleteObjects(this.#bucket, [
      ...chunks.map((chunk) => chunk.name),
      ...temporaries,
      this.names.key,
    ])
    // Last, so that an interrupted termination leaves an upload that can be terminated again.
    await deleteObjects(this.#bucket, [this.names.info])
  }

  async declareLength(length: number): Promise<void> {
    const info = { ...this.#info, Size: length, SizeIsDeferred: false }
    await writeInfo(this.#bucket, this.names.info, info)
    this.#info = info
  }

  /**
   * Composes the partials' bytes, in order, into this upload's final object:
   * a finished partial's final object, an unfinished one's chunks. No byte
   * passes through this process. Empty partials are left out; if all are
   * empty, the final object is empty. The handler then calls finishUpload,
   * which finds the final object and only sets its metadata.
   */
  async concatUploads(partials: Upload[]): Promise<void> {
    const handles = partials.map((partial) => {
      if (!(partial instanceof GCSUpload) || !this.sameBucket(partial)) {
        throw new TypeError(
          '[gcsstore] concatUploads takes uploads of a GCSStore on the same bucket',
        )
      }
      return partial
    })
    const contents = await Promise.all(
      handles.map(async (partial) => contentObjects(await partial.objects())),
    )
    const sources = contents.flat().filter((object) => object.size > 0)
    if (sources.length === 0) {
      await this.#writeEmptyFinal()
      return
    }
    await composeObjects(this.#bucket, sources, this.names.key, {
      attempts: this.#ctx.options.composeAttempts,
    })
  }

  async contentInfo(): Promise<ContentInfo> {
    return describeContent(await this.objects())
  }

  async createReadStream(range?: ByteRange): Promise<Readable> {
    const sources = contentObjects(await this.objects())
    return readPieces(this.#bucket, planRead(sources, range))
  }

  /** The latest change: the `.info`'s, or a chunk's or the final object's, whichever is later. */
  async lastModified(): Promise<Date> {
    const [info, objects] = await Promise.all([
      statObject(this.#bucket, this.names.info),
      this.objects(),
    ])
    if (info === undefined) throw tusError('ERR_UPLOAD_NOT_FOUND')
    return latest([info, ...objects.chunks, ...(objects.final ? [objects.final] : [])])
  }

  async #writeEmptyFinal(): Promise<StoredObject> {
    const file = this.#bucket.file(this.names.key)
    await gcsCall('write final object', () =>
      file.save(Buffer.alloc(0), { resumable: false, contentType: 'application/octet-stream' }),
    )
    return storedObject(this.names.key, file.metadata)
  }
}
